"""The README and docs/ stay true: the settings page is the one scripts/settings_doc.py prints, every relative
link leads to a file, the README stays short and keeps its two set-up commands, and every BOT_ variable the docs
name is read by something. Each checker is also shown to catch a made-up mistake."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from pydantic import Field

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
SCRIPT = ROOT / "scripts" / "settings_doc.py"
REGENERATE = "python scripts/settings_doc.py > docs/settings.md"

README_MAX_LINES = 130
SETUP_SECTION = "Set up on a fresh machine"
SETUP_COMMANDS = [
    "python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.lock && pip install --no-deps -e . "
    '&& python -m bot ask "What security guarantees are being considered?"',
    "bash scripts/test.sh",
]
# BOT_ variables that are not settings: the tests' knobs (tests/), the benchmarks' pack (benchmarks/_common.py),
# and `python -m bot eval --pack`'s folder of packs (bot/cli.py). Any BOT_TEST_* is a test knob too.
KNOBS = {"BOT_RUN_SLOW", "BOT_BENCH_DIR", "BOT_FAQ_BENCH_DIR", "BOT_BENCH_PACK", "BOT_BENCH_ROOT"}
BOT_VAR = re.compile(r"\bBOT_[A-Z0-9_]*[A-Z0-9]\b")

MD = MarkdownIt("commonmark").enable("table")


def doc_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def load_script():
    spec = importlib.util.spec_from_file_location("settings_doc", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- checkers ----------------------------------------------------------------------------------------------------


def link_targets(text: str) -> list[str]:
    """Every link and image target in Markdown text (code blocks and code spans are not links)."""
    out = []

    def walk(tokens):
        for t in tokens:
            if t.type == "link_open":
                out.append(t.attrGet("href"))
            elif t.type == "image":
                out.append(t.attrGet("src"))
            elif t.type in ("html_inline", "html_block"):
                out.extend(re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", t.content))
            if t.children:
                walk(t.children)

    walk(MD.parse(text))
    return out


def broken_links(text: str, where: Path, root: Path = ROOT) -> list[str]:
    """Relative links in `text` (a file in folder `where`) whose file does not exist, or lies outside `root` (the
    repository). Anchors are not checked; links with a scheme (https:, mailto:) are not followed."""
    bad = []
    for target in link_targets(text):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:  # https://…, mailto:…, //host, #anchor
            continue
        path = (where / unquote(parts.path)).resolve()
        if not path.exists() or not path.is_relative_to(root.resolve()):
            bad.append(target)
    return bad


def setup_commands(text: str) -> list[str]:
    """The command lines in the code blocks of the README's set-up section."""
    commands, inside = [], False
    for t in MD.parse(text):
        if t.type == "heading_open":
            inside = False
        if t.type == "inline" and t.map and inside is False and t.content.strip() == SETUP_SECTION:
            inside = True
        elif inside and t.type in ("fence", "code_block"):
            commands += [line.strip() for line in t.content.splitlines() if line.strip()]
    return commands


def setting_vars(cls=Settings) -> set[str]:
    """The environment variables pydantic-settings reads for `cls`: a field's aliases, else BOT_<NAME>."""
    out = set()
    for name, field in cls.model_fields.items():
        choices = getattr(field.validation_alias, "choices", None)
        if isinstance(field.validation_alias, str):
            choices = [field.validation_alias]
        out |= {c for c in choices if isinstance(c, str)} if choices else {f"BOT_{name.upper()}"}
    return out


def code_text() -> str:
    """The source that could read a BOT_ variable that is not a setting."""
    files = [
        *ROOT.glob("tests/*.py"),
        *ROOT.glob("benchmarks/*.py"),
        *ROOT.glob("bot/**/*.py"),
        *ROOT.glob("scripts/*"),
    ]
    here = Path(__file__).resolve()  # not this file: it names made-up variables
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in files if p.is_file() and p.resolve() != here
    )


def unknown_vars(text: str, settings: set[str], code: str) -> list[str]:
    """BOT_ variables named in `text` that are neither settings nor knobs some code reads."""
    bad = []
    for var in sorted(set(BOT_VAR.findall(text))):
        if var in settings:
            continue
        if (var in KNOBS or var.startswith("BOT_TEST_")) and re.search(rf"\b{var}\b", code):
            continue
        bad.append(var)
    return bad


# --- the docs as they are ----------------------------------------------------------------------------------------


def test_settings_page_is_what_the_script_prints():
    printed = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    ).stdout
    page = (DOCS / "settings.md").read_text(encoding="utf-8")
    assert page == printed, f"docs/settings.md is out of date with bot/settings.py: run `{REGENERATE}`"


def test_every_setting_has_a_description():
    assert load_script().missing_descriptions() == [], "give these Settings fields a description="


def test_every_relative_link_leads_to_a_file():
    bad = {}
    for path in doc_files():
        missing = broken_links(path.read_text(encoding="utf-8"), path.parent)
        if missing:
            bad[str(path.relative_to(ROOT))] = missing
    assert not bad, f"links to files that do not exist: {bad}"


def test_readme_links_every_docs_page():
    targets = {(ROOT / urlsplit(t).path).resolve() for t in link_targets(README.read_text(encoding="utf-8"))}
    unlinked = [p.name for p in sorted(DOCS.glob("*.md")) if p.resolve() not in targets]
    assert not unlinked, f"README.md does not link these docs pages: {unlinked}"


def test_readme_is_short():
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= README_MAX_LINES, f"README.md has {n} lines (at most {README_MAX_LINES}): move detail to docs/"


def test_readme_setup_commands_are_the_two_that_work():
    assert setup_commands(README.read_text(encoding="utf-8")) == SETUP_COMMANDS


def test_every_bot_variable_in_the_docs_is_real():
    settings, code = setting_vars(), code_text()
    bad = {}
    for path in doc_files():
        unknown = unknown_vars(path.read_text(encoding="utf-8"), settings, code)
        if unknown:
            bad[str(path.relative_to(ROOT))] = unknown
    assert not bad, f"BOT_ variables that are neither settings nor test knobs: {bad}"


# --- each checker catches a made-up mistake ----------------------------------------------------------------------


def test_a_new_setting_changes_the_page():
    script = load_script()

    class More(Settings):
        shiny_new_knob: int = Field(3, description="Something new.")

    class Undescribed(Settings):
        quiet_knob: int = 1

    assert script.render(More) != script.render(Settings)
    assert "| `BOT_SHINY_NEW_KNOB` | `shiny_new_knob` | int | `3` | Something new. |" in script.render(More)
    assert script.missing_descriptions(Undescribed) == ["quiet_knob"]


def test_settings_page_shows_defaults_relative_to_the_project():
    page = load_script().render()
    assert "| `BOT_DATA_DIR` | `data_dir` | path | `<project>/.data` |" in page
    assert "`OPENAI_API_KEY`<br>`BOT_OPENAI_API_KEY`" in page
    assert str(ROOT) not in page


def test_link_checker_catches_made_up_links(tmp_path):
    (tmp_path / "real.md").write_text("x")
    text = (
        "[ok](real.md) [ok with anchor](real.md#part) [web](https://example.org/nope.md) [anchor](#here)\n\n"
        "[gone](docs/no-such-page.md) ![picture](img/missing.png)\n\n"
        "| a | b |\n| --- | --- |\n| [in a table](tabled.md) | x |\n\n"
        '<img src="html-missing.png">\n\n'
        "`[in code](code.md)`\n\n```\n[in a fence](fence.md)\n```\n"
    )
    assert broken_links(text, tmp_path, tmp_path) == [
        "docs/no-such-page.md",
        "img/missing.png",
        "tabled.md",
        "html-missing.png",
    ]
    assert broken_links("[outside](../../../../etc/hostname)", ROOT / "docs") == ["../../../../etc/hostname"]


def test_setup_check_catches_drift():
    readme = README.read_text(encoding="utf-8")
    assert setup_commands(readme.replace("--no-deps -e .", "-e .")) != SETUP_COMMANDS
    assert setup_commands(readme.replace("bash scripts/test.sh\n", "bash scripts/test.sh -x\n", 1)) != SETUP_COMMANDS
    assert setup_commands(f"# x\n\n## {SETUP_SECTION}\n\n```sh\nmake\n```\n\n## Next\n\n    ls\n") == ["make"]
    assert setup_commands("# x\n\n    bash scripts/test.sh\n") == []


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("`BOT_CORPUS_DIR` and `OPENAI_API_KEY`, `BOT_OPENAI_BASE_URL`", []),
        ("`BOT_RUN_SLOW=1`, `BOT_TEST_REQUIRE_BROWSER`, BOT_<NAME>, `BOT_…`", []),
        ("`BOT_CORPUS_DIRECTORY`", ["BOT_CORPUS_DIRECTORY"]),
        ("`BOT_TEST_NO_SUCH_KNOB`", ["BOT_TEST_NO_SUCH_KNOB"]),
        ("`BOT_MADE_UP`", ["BOT_MADE_UP"]),
    ],
)
def test_variable_check_catches_made_up_names(text, bad):
    assert unknown_vars(text, setting_vars(), code_text()) == bad
