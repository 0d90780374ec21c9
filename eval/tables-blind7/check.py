"""Checks eval/tables-blind7 the way eval/tables-blind4/check.py checks the fourth pack (its main, imported by path):
every question names a corpus file, and every asked cell, row and column name is verbatim in that file's text (or
its tables' column names) as the product reads it. Run from the repository root: python eval/tables-blind7/check.py"""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    spec = importlib.util.spec_from_file_location("blind4_check", HERE.parent / "tables-blind4" / "check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    raise SystemExit(check.main(HERE))
