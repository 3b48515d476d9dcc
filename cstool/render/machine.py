"""JSON and CSV renderers: exactly one parseable document on the stream.

CSV cells that start with = + - @ tab CR or LF are neutralised with a leading apostrophe
(OWASP CSV injection) unless the value is a real number, which stays numeric."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO

from cstool.render import Column, cell_values

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")


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
    if text.startswith(_DANGEROUS):
        try:
            float(text)
            return text
        except ValueError:
            return "'" + text
    return text


def write_csv(records: Iterable[dict], columns: list[Column], out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for record in records:
        writer.writerow([safe_cell(value) for _, value in cell_values(record, columns, ";")])
