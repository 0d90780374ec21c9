"""Prompt files, loaded once and rendered strictly (a missing variable is an error).

They ship inside the package (bot/answers/prompts/, so a wheel install has them; the repository's top-level prompts/
points there). BOT_PROMPTS_DIR names a folder of your own: a file there (system.txt, answer.txt, condense.txt)
replaces the packaged one of that name.
"""

from __future__ import annotations

import functools
import string
from pathlib import Path

PROMPTS_DIR = Path(__file__).resolve().parent / "prompts"
NAMES = ("system", "answer", "condense")
_override: list[Path | None] = [None]


class PromptError(KeyError):
    """A prompt was rendered without one of its variables."""


def use_folder(folder: Path | None) -> None:
    """Prompts from `folder` where it has them (Settings.prompts_dir); None: the packaged ones only."""
    if folder is not None and not Path(folder).is_dir():
        raise FileNotFoundError(f"BOT_PROMPTS_DIR {folder} is not a folder; unset it to use the packaged prompts.")
    _override[0] = Path(folder) if folder is not None else None


def _path(name: str, folder: Path | None) -> Path:
    for f in (folder, _override[0]):
        if f is not None and (Path(f) / f"{name}.txt").is_file():
            return Path(f) / f"{name}.txt"
    return PROMPTS_DIR / f"{name}.txt"


@functools.cache
def _load(path: Path) -> string.Template:
    return string.Template(path.read_text(encoding="utf-8"))


def load(name: str, folder: Path | None = None) -> string.Template:
    return _load(_path(name, folder))


def variables(name: str, folder: Path | None = None) -> set[str]:
    return set(load(name, folder).get_identifiers())


def render(name: str, folder: Path | None = None, **values: str) -> str:
    t = load(name, folder)
    missing = set(t.get_identifiers()) - set(values)
    if missing:
        raise PromptError(f"prompt {name!r} needs {sorted(missing)}")
    return t.substitute(values)
