"""Renderers: one per output format, all fed the same records and column list.

Machine formats (json, csv) write ISO-8601 instants with offset and durations in seconds;
the table shows local times and `2h 15m` durations and folds long ids instead of cutting them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    nagios = "nagios"
    text = "text"


@dataclass(frozen=True)
class Column:
    """`kind` drives table formatting: text | id | time | duration | number | pct."""

    key: str
    header: str
    kind: str = "text"


def cell_values(record: dict, columns: list[Column], joiner: str):
    """The record's value for each column, lists joined into one string."""
    for c in columns:
        value = record.get(c.key)
        if isinstance(value, (list, tuple)):
            value = joiner.join(map(str, value))
        yield c, value
