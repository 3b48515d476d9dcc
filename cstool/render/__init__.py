"""Renderers: one per output format, all fed the same records and column list.

Machine formats (json, jsonl, csv, tsv) write ISO-8601 instants with offset and durations in
seconds; the table shows local times and `2h 15m` durations and fits the terminal's width by
rank (render/table.py): it never cuts or splits a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    jsonl = "jsonl"
    tsv = "tsv"
    markdown = "markdown"
    html = "html"
    nagios = "nagios"
    text = "text"


@dataclass(frozen=True)
class Column:
    """`kind` drives table formatting: text | id | time | duration | number | pct. `rank` says
    what a narrow table drops first (highest first; 0 is always shown); `wrap` marks free text
    (subjects, reasons) that moves to its own lines below the row when the table is too wide."""

    key: str
    header: str
    kind: str = "text"
    rank: int = 0
    wrap: bool = False


def cell_values(record: dict, columns: list[Column], joiner: str):
    """The record's value for each column, lists joined into one string."""
    for c in columns:
        value = record.get(c.key)
        if isinstance(value, (list, tuple)):
            value = joiner.join(map(str, value))
        yield c, value
