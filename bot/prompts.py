"""Prompt files in prompts/, loaded once and rendered strictly (a missing variable is an error)."""

from __future__ import annotations

import functools
import string
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"
NAMES = ("system", "answer", "condense")


class PromptError(KeyError):
    """A prompt was rendered without one of its variables."""


@functools.cache
def load(name: str, folder: Path = PROMPTS_DIR) -> string.Template:
    return string.Template((Path(folder) / f"{name}.txt").read_text(encoding="utf-8"))


def variables(name: str, folder: Path = PROMPTS_DIR) -> set[str]:
    return set(load(name, folder).get_identifiers())


def render(name: str, folder: Path = PROMPTS_DIR, **values: str) -> str:
    t = load(name, folder)
    missing = set(t.get_identifiers()) - set(values)
    if missing:
        raise PromptError(f"prompt {name!r} needs {sorted(missing)}")
    return t.substitute(values)
