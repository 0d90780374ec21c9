"""Check the third blind table pack's questions the way eval/tables-blind2/check.py checks the second's (its main,
imported by path): every line parses and has the held-out pack's fields; ids run c00, c01, ...; every asked cell
occurs verbatim in its rendered file's text; the row and column name a row key and a header of that file's table;
a cell question's cells sit at that row and column; a row or column question lists all that row's non-key cells
(that column's cells); an unanswerable one has no row, column or cells. Run after build.py:

  python eval/tables-blind3/check.py"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    spec = importlib.util.spec_from_file_location("blind2_check", HERE.parent / "tables-blind2" / "check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)
    sys.exit(check.main(HERE, "tables-blind3", "c"))
