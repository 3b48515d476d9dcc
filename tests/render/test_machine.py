"""cstool.render.machine: CSV cells that spreadsheets would execute are neutralised; numbers stay numbers."""

from __future__ import annotations

import io

from cstool.render import Column
from cstool.render.machine import safe_cell, write_csv


def test_csv_neutralises_formulas_but_keeps_numbers():
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("+1 555") == "'+1 555"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("\tcmd") == "'\tcmd"
    assert safe_cell("-12.5") == "-12.5"
    assert safe_cell(-3) == -3
    assert safe_cell("plain") == "plain"
    out = io.StringIO()
    write_csv([{"a": "=1+2", "b": -7}], [Column("a", "A"), Column("b", "B")], out)
    assert out.getvalue() == "a,b\n'=1+2,-7\n"
