"""Build the paraphrase groups pack: people's wordings of one need, grouped by the need, to choose and check how
the knowledge-gap report clusters questions (bot/insights/report.py, scripts/cluster_eval.py).

From CLINC150 (Larson et al., 2019; https://github.com/clinc/oos-eval, CC BY 3.0): its validation split's
crowd-sourced requests, 20 wordings for each of 150 intents in 10 domains, and its 100 out-of-scope requests. Each
domain is one help center's worth of needs, topically close to one another, as a real report's are. Kept: every
domain's intents with their first 8 wordings, and the out-of-scope requests as needs of one wording each.
Deterministic:

  python eval/paraphrases/build.py /path/to/oos-eval   # a checkout of clinc/oos-eval (commit 828f809)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PER_INTENT = 8


def main(src: Path) -> None:
    data = json.loads((src / "data" / "data_full.json").read_text(encoding="utf-8"))
    domains = json.loads((src / "data" / "domains.json").read_text(encoding="utf-8"))
    domain_of = {i: d for d, intents in domains.items() for i in intents}
    seen: dict[str, int] = {}
    lines = []
    for text, intent in data["val"]:
        if seen.get(intent, 0) >= PER_INTENT:
            continue
        seen[intent] = seen.get(intent, 0) + 1
        lines.append({"set": f"clinc-{domain_of[intent]}", "need": intent, "text": text})
    for k, (text, _) in enumerate(data["oos_val"]):
        lines.append({"set": "clinc-out-of-scope", "need": f"oos-{k}", "text": text})
    out = HERE / "clinc150-val.jsonl"
    out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    print(f"{out}: {len(lines)} wordings, {len(seen)} intents in {len(domains)} domains, {len(data['oos_val'])} oos")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
