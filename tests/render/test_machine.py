"""cstool.render.machine: CSV cells that spreadsheets would execute are neutralised, also after a line break
inside a cell; numbers stay numbers; a cell with a bare CR is quoted."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.render import Column
from cstool.render.machine import csv_line, safe_cell, write_csv


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


def test_a_formula_after_a_line_break_inside_a_cell_is_neutralised_and_the_cell_quoted():
    cell = "Ana\r@SUM(1+1)*cmd|' /C calc'!A0"
    assert safe_cell(cell) == "Ana\r'@SUM(1+1)*cmd|' /C calc'!A0"
    assert safe_cell("note\n=1+2\n-3 apples") == "note\n'=1+2\n'-3 apples"
    assert safe_cell("\n=1") == "'\n'=1"
    out = io.StringIO()
    write_csv([{"a": cell, "b": "x\ny"}], [Column("a", "A"), Column("b", "B")], out)
    assert out.getvalue() == "a,b\n\"Ana\r'@SUM(1+1)*cmd|' /C calc'!A0\",\"x\ny\"\n"
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["a", "b"], ["Ana\r'@SUM(1+1)*cmd|' /C calc'!A0", "x\ny"]]


cells = st.one_of(st.text(alphabet=st.characters(blacklist_characters="\r", blacklist_categories=("Cs",))),
                  st.integers(), st.floats(allow_nan=False), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, min_size=1, max_size=6))
def test_csv_lines_are_what_the_csv_module_writes_where_it_is_safe(row):
    reference = io.StringIO()
    csv.writer(reference, lineterminator="\n").writerow(row)
    assert csv_line(row) == reference.getvalue()


def test_csv_record_writes_what_csv_line_writes_after_safe_cell():
    from cstool.render.machine import csv_line, csv_record, safe_cell

    values = [None, "", "plain", "=1+1", "-5", "-x", "+", "@a", "\ttab", "a\rb", "ok\n=evil", 'say "hi", then',
              3, -2, 1.5, 0.1 + 0.2, True, "line\n-2", "x\r\n@y"]
    for delimiter in (",", "\t"):
        assert csv_record(values, delimiter) == csv_line((safe_cell(v) for v in values), delimiter)
        for value in values:
            assert csv_record([value], delimiter) == csv_line([safe_cell(value)], delimiter), value
