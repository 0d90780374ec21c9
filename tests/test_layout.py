"""The package's layout shows its architecture: each module sits in the subpackage of its stage, a stage imports
only from itself and from earlier stages, and no module imports itself round a circle.

    settings, errors, version what every stage may read
    ingest/                   files, pages, documents, websites -> languages, sentences, chunks
    index/                    embeddings, the keyword index, Chroma, syncing with the corpus
    answers/                  retrieval, FAQ entries, the reader and its gate, follow-ups, a model, citations
    engine                    the composition root: a Bot from the settings
    insights/                 the conversation log, the knowledge-gap report
    serve/                    HTTP: the API, the chat, the widget, the OpenAI endpoint, the admin page
    evals/                    evaluation packs
    cli, __init__, __main__   the command line and the public surface
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "bot"
ORDER = ["settings", "errors", "ingest", "index", "answers", "engine", "insights", "serve", "evals", "cli", "__init__"]
RANK = {"settings": 0, "errors": 0, "version": 0, "__main__": ORDER.index("cli")} | {
    s: i for i, s in enumerate(ORDER) if s != "errors"
}


def modules() -> dict[str, Path]:
    return {
        ".".join(("bot", *p.relative_to(PKG).with_suffix("").parts)).removesuffix(".__init__"): p
        for p in PKG.rglob("*.py")
    }


def stage(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def imports(module: str, path: Path, known: set[str]) -> set[str]:
    """Every bot module `module` imports, at the top or inside a function (a lazy import is still a dependency)."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for n in names:
            while n and n not in known:
                n = n.rpartition(".")[0]
            if n and n != module and n.startswith("bot"):
                out.add(n)
    return out


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {m: imports(m, p, set(mods)) for m, p in mods.items()}


def later_stage_imports(g: dict[str, set[str]]) -> list[str]:
    bad = []
    for m, deps in g.items():
        for d in deps:
            if RANK[stage(d)] > RANK[stage(m)]:
                bad.append(f"{m} ({stage(m)}) imports {d} ({stage(d)}), a later stage")
    return bad


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return out


def test_every_module_sits_in_a_stage():
    misplaced = [m for m in modules() if stage(m) not in RANK]
    assert not misplaced, f"not in a stage's subpackage: {misplaced} (see this file's docstring)"
    top = {m for m in modules() if m.count(".") == 1 and (PKG / f"{m.split('.')[1]}.py").exists()}
    assert top == {"bot.settings", "bot.errors", "bot.version", "bot.engine", "bot.cli", "bot.__main__"}


def test_no_module_imports_from_a_later_stage():
    assert not later_stage_imports(graph())


def test_no_import_circle():
    assert not cycles(graph())


def test_the_checks_can_fail():
    g = {"bot.ingest.a": {"bot.serve.b"}, "bot.serve.b": {"bot.serve.c"}, "bot.serve.c": {"bot.serve.b"}}
    assert later_stage_imports(g) == ["bot.ingest.a (ingest) imports bot.serve.b (serve), a later stage"]
    assert cycles(g) == [["bot.serve.b", "bot.serve.c"]]


@pytest.mark.parametrize("name", ["answer", "Bot", "Answer", "Citation", "load_settings", "ArticleRetriever"])
def test_the_public_surface_stays(name):
    import bot

    assert getattr(bot, name) is not None
    assert callable(bot.answer)  # no subpackage is named `answer`: importing it would hide the function
