"""Print docs/settings.md: every field of bot.settings.Settings as a Markdown table.

    python scripts/settings_doc.py > docs/settings.md

tests/test_docs.py fails when docs/settings.md differs from what this prints (a setting added, renamed or
described anew without regenerating the page).
"""

from __future__ import annotations

import sys
import types
import typing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pydantic import AliasChoices
from pydantic_core import PydanticUndefined

from bot.settings import PROJECT_DIR, Settings

COMMAND = "python scripts/settings_doc.py > docs/settings.md"

INTRO = f"""\
# Settings

*Generated from `bot/settings.py` by `scripts/settings_doc.py`; do not edit by hand. After adding or changing a
setting, run `{COMMAND}`.*

Every setting is optional. Set it in the environment (or give it to `python -m bot` through the command-line
options that name it, see `python -m bot <command> --help`). In Python the same fields are the keyword
arguments of `bot.load_settings(...)`, and `settings={{...}}` of `ArticleRetriever` and `BotRunnable`, by
the names in the second column.

- Environment variables are `BOT_` and the field's name in capitals; a few also have other names (the
  `OPENAI_` ones), listed first, as the OpenAI tools spell them.
- Lists are written as JSON: `BOT_ALLOWED_ORIGINS='["https://example.org"]'`.
- `<project>` is this repository's folder (for an installed package: the folder that holds `bot/`).
"""


def env_names(name: str, field, cls=Settings) -> list[str]:
    """The environment variables pydantic-settings reads for a field: its aliases, else BOT_<NAME>."""
    prefix = cls.model_config.get("env_prefix", "")
    alias = field.validation_alias
    if isinstance(alias, AliasChoices):
        return [a for a in alias.choices if isinstance(a, str)]
    if isinstance(alias, str):
        return [alias]
    return [f"{prefix}{name}".upper()]


def type_name(tp) -> str:
    """A short, readable name for an annotation: `int`, `str or unset`, `auto, memory or chroma`, `list of str`."""
    origin = typing.get_origin(tp)
    if origin is typing.Literal:
        values = [str(v) for v in typing.get_args(tp)]
        return "one of " + ", ".join(f"`{v}`" for v in values)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        named = [type_name(a) for a in args if a is not type(None)]
        return " or ".join(named) + (" or unset" if type(None) in args else "")
    if origin is list:
        (arg,) = typing.get_args(tp) or (str,)
        return f"list of {type_name(arg)}"
    if tp is Path:
        return "path"
    return getattr(tp, "__name__", str(tp))


def bounds(field) -> str:
    """The field's constraints (ge, gt, le, pattern) in words."""
    parts = []
    for m in field.metadata:
        for attr, word in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            v = getattr(m, attr, None)
            if v is not None:
                parts.append(f"{word} {v}")
        pattern = getattr(m, "pattern", None)
        if pattern:
            parts.append(f"matching `{pattern}`")
    return ", ".join(parts)


def show_default(field) -> str:
    if field.default_factory is not None:
        value = field.default_factory()
    elif field.default is PydanticUndefined:
        return "required"
    else:
        value = field.default
    if value is None:
        return "unset"
    if isinstance(value, Path):
        try:
            return f"`<project>/{value.relative_to(PROJECT_DIR).as_posix()}`"
        except ValueError:
            return f"`{value}`"
    if isinstance(value, list):
        return "`[]`" if not value else f"`{value!r}`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 10_000:
        return f"`{value:_}`".replace("_", ",")
    return f"`{value}`"


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def render(cls=Settings) -> str:
    """The whole page: the intro, then one row per field of `cls`."""
    rows = [
        "| Environment variable | Field | Type | Default | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, field in cls.model_fields.items():
        env = "<br>".join(f"`{e}`" for e in env_names(name, field, cls))
        kind = type_name(field.annotation)
        limit = bounds(field)
        if limit:
            kind = f"{kind}, {limit}"
        description = field.description or ""
        rows.append(f"| {env} | `{name}` | {cell(kind)} | {cell(show_default(field))} | {cell(description)} |")
    return INTRO + "\n" + "\n".join(rows) + "\n"


def missing_descriptions(cls=Settings) -> list[str]:
    """Fields without a description (the page would have an empty cell for them)."""
    return [name for name, field in cls.model_fields.items() if not field.description]


if __name__ == "__main__":
    sys.stdout.write(render())
