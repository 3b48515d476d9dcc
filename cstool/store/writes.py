"""Writing one imported file: upserts, rejects and the `imports` row, in one transaction.

Upserts key on (source, id) and rewrite a row only when its content hash changed, so a
re-import of the same export writes nothing but the `imports` row. inserted/updated/unchanged
come from SQLite's own change counts, not from a second pass over the data.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from cstool.ingest.records import Item, Reject, Summary, dumps, row_hash
from cstool.store.connection import Store

BATCH = 5000

TICKET_COLUMNS = ("source", "id", "subject", "customer_id", "customer_email", "customer_name",
                  "customer_tier", "channel", "priority", "status", "team", "assignee", "created_at",
                  "first_response_at", "resolved_at", "closed_at", "updated_at", "resolution_at",
                  "reopens", "replies", "tags", "reported", "findings", "raw", "extra", "row_hash",
                  "import_id")
SURVEY_COLUMNS = ("source", "id", "ticket_id", "customer_id", "kind", "score", "scale_min", "scale_max",
                  "label", "comment", "submitted_at", "extra", "row_hash", "import_id")
CUSTOMER_COLUMNS = ("source", "id", "email", "name", "tier", "signup_at", "churned_at", "revenue",
                    "extra", "row_hash", "import_id")
EVENT_COLUMNS = ("source", "ticket_id", "at", "type", "value", "extra", "import_id")
_JSON = {"tags", "reported", "raw", "extra"}
TABLES = {"tickets": ("tickets", TICKET_COLUMNS), "surveys": ("surveys", SURVEY_COLUMNS),
          "customers": ("customers", CUSTOMER_COLUMNS), "events": ("ticket_events", EVENT_COLUMNS)}


class _Rollback(Exception):
    pass


@dataclass
class ImportResult:
    file: str
    kind: str
    preset: str
    why: str
    encoding: str
    delimiter: str
    summary: Summary
    import_id: int | None = None
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    surveys_written: int = 0
    events_written: int = 0
    rejects: list[Reject] = field(default_factory=list)
    committed: bool = False


def _upsert_sql(table: str, columns: tuple[str, ...]) -> str:
    cols = ", ".join(columns)
    marks = ", ".join("?" * len(columns))
    if table == "ticket_events":
        return f"INSERT OR IGNORE INTO {table} ({cols}) VALUES ({marks})"
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in ("source", "id"))
    return (f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT(source, id) DO UPDATE SET "
            f"{updates} WHERE {table}.row_hash IS NOT excluded.row_hash")


def _row(record: dict, columns: tuple[str, ...], source: str, import_id: int) -> tuple:
    values = []
    for c in columns:
        if c == "source":
            values.append(source)
        elif c == "import_id":
            values.append(import_id)
        elif c == "row_hash":
            values.append(None)
        elif c in _JSON:
            values.append(dumps(record.get(c)) if c != "tags" else json.dumps(record.get(c) or []))
        else:
            values.append(record.get(c))
    if "row_hash" in columns:
        i = columns.index("row_hash")
        values[i] = row_hash(tuple(v for j, v in enumerate(values) if j not in (i, len(values) - 1)))
    return tuple(values)


class _Sink:
    """Buffers rows of one table and flushes them with executemany, counting changes."""

    def __init__(self, conn: sqlite3.Connection, table: str, columns, source: str, import_id: int):
        self.conn, self.columns, self.source, self.import_id = conn, columns, source, import_id
        self.table = table
        self.sql = _upsert_sql(table, columns)
        self.rows: list[tuple] = []
        self.count = 0
        self.changes = 0

    def add(self, record: dict) -> None:
        self.rows.append(_row(record, self.columns, self.source, self.import_id))
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            before = self.conn.total_changes
            self.conn.executemany(self.sql, self.rows)
            self.changes += self.conn.total_changes - before
            self.count += len(self.rows)
            self.rows.clear()


def _count(conn, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def write_import(store: Store, result: ImportResult, items: Iterable[Item], *, source: str,
                 started_at: int, finish: Callable[[], dict], max_rejects: int, dry_run: bool) -> ImportResult:
    """Write `items` for one file in one BEGIN IMMEDIATE transaction. Rolled back (nothing
    written) when the rejected rows exceed `max_rejects` or on `dry_run`; `result.committed`
    says which. `finish()` runs once the items are exhausted and returns the file's
    `sha256` and `finished_at` (epoch seconds)."""
    table, columns = TABLES[result.kind]
    try:
        with store.write() as conn:
            cur = conn.execute(
                "INSERT INTO imports (kind, file, source, preset, encoding, delimiter, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (result.kind, result.file, source, result.preset, result.encoding,
                 result.delimiter, started_at))
            import_id = cur.lastrowid
            main = _Sink(conn, table, columns, source, import_id)
            surveys = _Sink(conn, "surveys", SURVEY_COLUMNS, source, import_id)
            events = _Sink(conn, "ticket_events", EVENT_COLUMNS, source, import_id)
            before = _count(conn, table)
            for item in items:
                if item.kind == "record":
                    main.add(item.value)
                elif item.kind == "survey":
                    surveys.add(item.value)
                elif item.kind == "event":
                    events.add(item.value)
                elif item.kind == "reject":
                    result.rejects.append(item.value)
            for sink in (main, surveys, events):
                sink.flush()
            result.import_id = import_id
            if result.kind == "events":
                result.inserted, result.unchanged = main.changes, main.count - main.changes
            else:
                result.inserted = _count(conn, table) - before
                result.updated = main.changes - result.inserted
                result.unchanged = main.count - main.changes
            result.surveys_written, result.events_written = surveys.changes, events.changes
            s = result.summary
            done = finish()
            conn.execute(
                "UPDATE imports SET finished_at = ?, sha256 = ?, rows_read = ?, inserted = ?, updated = ?, "
                "unchanged = ?, skipped = ?, rejected = ?, findings = ? WHERE id = ?",
                (done["finished_at"], done["sha256"], s.rows_read, result.inserted, result.updated, result.unchanged, s.skipped,
                 s.rejected, json.dumps(dict(s.findings), sort_keys=True), import_id))
            conn.executemany(
                'INSERT INTO rejects (import_id, record, line, "column", error_type, message, raw) '
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(import_id, r.record, r.line, r.column, r.error_type, r.message, r.raw) for r in result.rejects])
            if dry_run or s.rejected > max_rejects:
                raise _Rollback
        result.committed = True
    except _Rollback:
        result.committed = False
    return result


def ticket_time_lookup(store: Store, source: str):
    """A callable ticket id -> resolution instant, else creation (for surveys without a time)."""
    conn = store.conn

    def lookup(ticket_id: str) -> int | None:
        row = conn.execute("SELECT coalesce(resolution_at, created_at) FROM tickets WHERE source = ? AND id = ?",
                           (source, ticket_id)).fetchone()
        return row[0] if row else None

    return lookup


def iter_rejects(store: Store, import_id: int) -> Iterator[dict]:
    cur = store.conn.execute('SELECT record, line, "column", error_type, message, raw FROM rejects '
                             "WHERE import_id = ? ORDER BY id", (import_id,))
    for record, line, column, error_type, message, raw in cur:
        yield {"record": record, "line": line, "column": column, "error_type": error_type,
               "message": message, "raw": raw}
