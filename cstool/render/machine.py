"""JSON, JSON Lines, CSV and TSV renderers: exactly one parseable document on the stream.

CSV cells that start with = + - @ tab CR or LF, and every line inside a cell that starts with one
of them, are neutralised with a leading apostrophe (OWASP CSV injection) unless the value is a
real number, which stays numeric. Cells holding a delimiter, a quote, CR or LF are quoted (a bare
CR would start a new row in a spreadsheet). TSV is the same with a tab as the delimiter."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import IO

from cstool.core.cells import FORMULA_STARTS
from cstool.render import Column, cell_values

_LINE_START = re.compile(r"([\r\n])(?=[=+\-@\t])")   # a formula character opening a line inside a cell
_STARTS = frozenset(FORMULA_STARTS)
_QUOTED = {",": re.compile(r'[,"\r\n]'), "\t": re.compile('[\t"\r\n]')}


def write_json(document, out: IO[str]) -> None:
    """One document: indented, or on one line for long lists (the C encoder is far faster)."""
    indent = None if isinstance(document, list) and len(document) > 500 else 2
    out.write(json.dumps(document, ensure_ascii=False, indent=indent, default=str))
    out.write("\n")


def safe_cell(value):
    """Neutralise formula-looking strings; numbers (and numeric strings) stay as they are."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float)):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        try:
            float(text)
            return text
        except ValueError:
            text = "'" + text
    if "\r" in text or "\n" in text:
        text = _LINE_START.sub(r"\1'", text)
    return text


def csv_line(cells: Iterable[object], delimiter: str = ",") -> str:
    """One CSV record: the csv module's minimal quoting, with a bare CR quoted as well."""
    fields = [cell if isinstance(cell, str) else str(cell) for cell in cells]
    if fields == [""]:
        return '""\n'
    quoted = _QUOTED[delimiter]
    return delimiter.join('"' + f.replace('"', '""') + '"' if quoted.search(f) else f for f in fields) + "\n"


def csv_record(values: Iterable[object], delimiter: str = ",") -> str:
    """One record's values as `csv_line` writes them after `safe_cell` (the same text, with the
    cells that need neither taken as they are: numbers, and text without a formula start, CR or
    LF, which most cells are)."""
    quoted = _QUOTED[delimiter]
    fields = []
    for value in values:
        if value is None:
            fields.append("")
            continue
        if type(value) is str:
            text = value
            if text[:1] in _STARTS or "\r" in text or "\n" in text:
                text = safe_cell(text)
        else:
            text = str(safe_cell(value))
        fields.append('"' + text.replace('"', '""') + '"' if quoted.search(text) else text)
    return '""\n' if fields == [""] else delimiter.join(fields) + "\n"


def write_csv(records: Iterable[dict], columns: list[Column], out: IO[str], delimiter: str = ",") -> None:
    out.write(csv_line((c.key for c in columns), delimiter))
    for record in records:
        out.write(csv_record((value for _, value in cell_values(record, columns, ";")), delimiter))


def write_jsonl(records: Iterable[dict], out: IO[str]) -> None:
    """One JSON object per line, written as each record comes (a stream a reader can follow)."""
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, default=str))
        out.write("\n")
