"""The embedder's threads are not slowed by numpy's: one OpenBLAS thread, whichever of numpy and bot loads first."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = """
import ctypes, glob, os, sys
{first}
import bot
import numpy
libs = glob.glob(os.path.dirname(numpy.__file__) + ".libs/*openblas*")
get = [getattr(ctypes.CDLL(p), n) for p in libs for n in ("scipy_openblas_get_num_threads64_",
       "openblas_get_num_threads") if hasattr(ctypes.CDLL(p), n)]
print(get[0]() if get else "none")
"""


def _threads(first: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(first=first)], env={**clean, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_openblas_runs_one_thread_when_numpy_was_imported_first():
    if _threads("") == "none":
        pytest.skip("numpy here is not built with OpenBLAS")
    assert _threads("") == "1"  # bot first: the environment variable
    assert _threads("import numpy") == "1"  # numpy first: set at bot's import
    assert _threads("import numpy", OPENBLAS_NUM_THREADS="2") == "2"  # the user's own setting wins
