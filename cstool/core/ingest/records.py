"""What parsing a file produces: canonical records as row tuples in storage order, the items
that carry them (with derived surveys and events, rejects and skips), and the running summary.
Nothing here touches the store."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cstool.core.models import JSON_FIELDS, ROWS, TICKET_TIME_FIELDS, Record, Row

Origin = tuple[int, int, str]          # (record number, starting line, raw text) of a source row
TicketTimes = Callable[[str], int | None]  # ticket id -> its resolution (else creation) instant
FastPath = Callable[[list[str], str], tuple[Row, list[str]]]  # (fields, raw text) -> (row, findings)

# The type of each canonical field, per kind of file (how its text is converted).
FIELD_TYPES = {
    "tickets": {"id": "ident", "subject": "text", "customer_id": "ident", "customer_email": "text",
                "customer_name": "text", "customer_tier": "text", "channel": "channel",
                "priority": "priority", "status": "status", "team": "text", "assignee": "text",
                **dict.fromkeys(TICKET_TIME_FIELDS, "time"), "reopens": "whole", "replies": "whole",
                "tags": "tags"},
    "surveys": {"id": "ident", "ticket_id": "ident", "customer_id": "ident", "kind": "text",
                "score": "text", "comment": "text", "submitted_at": "time"},
    "events": {"ticket_id": "ident", "at": "time", "type": "text", "value": "text"},
    "customers": {"id": "ident", "email": "text", "name": "text", "tier": "text",
                  "signup_at": "time", "churned_at": "time", "revenue": "number"},
}


@dataclass
class ImportOptions:
    source: str
    tz: str = "UTC"
    dayfirst: bool | None = None
    date_format: str | None = None
    as_of: int | None = None                  # instants after it are `future_date` findings
    survey_kind: str | None = None
    scale: tuple[int, int] | None = None
    submitted_at: int | None = None


@dataclass
class Reject:
    record: int
    line: int
    column: str | None
    error_type: str
    message: str
    raw: str
    value: str | None = None                  # the cell of `column` as the file has it


@dataclass
class Summary:
    rows_read: int = 0
    rejected: int = 0
    skipped: int = 0
    findings: Counter[str] = field(default_factory=Counter)
    surveys_derived: int = 0
    events_derived: int = 0
    layouts: dict[str, str] = field(default_factory=dict)


@dataclass
class Item:
    """kind: record | survey | event | reject | skip. Records, surveys and events carry a row
    tuple in storage order (core.models.ROWS); `origin` is (record number, line, raw text) of the
    source row, for rejects the store may still raise (duplicate keys)."""

    kind: str
    value: Any                      # a Row, a Reject, a RecordBatch or the reason of a skip
    origin: Origin | None = None


@dataclass
class RecordBatch:
    """Many records of the file's own kind at once, plus any items that came after them;
    `origins[i]` (record number, line, raw text) belongs to `rows[i]`."""

    rows: list[Row]
    origins: list[Origin]
    others: list[Item]


def to_row(kind: str, record: Record) -> Row:
    """A record dict -> its row tuple in storage order, JSON fields serialised, hash filled."""
    values = []
    for name in ROWS[kind]:
        value = record.get(name)
        if name == "tags":
            value = json.dumps(value or [], ensure_ascii=False)
        elif name in JSON_FIELDS:
            value = dumps(value)
        values.append(value)
    if "row_hash" in ROWS[kind] and values[-1] is None:
        values[-1] = row_hash(tuple(values[:-1]))
    return tuple(values)


def row_hash(values: object) -> str:
    return hashlib.blake2b(repr(values).encode(), digest_size=12).hexdigest()


def dumps(value: object) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None
