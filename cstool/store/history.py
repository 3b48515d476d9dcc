"""Import history: the `imports` rows, their rejects, and undoing one import.

Every row an import writes carries its `import_id`. When an import updates a row, a trigger
(migration 9) first copies the row as it was into `prior_<table>` under the import's id and
the row's rowid, so undoing the import is: delete the rows carrying its id, put its prior rows
back under their old rowids (the clocks are keyed by the ticket's rowid), forget those prior
rows. Unchanged rows are not rewritten by an import, so they cost nothing here.
"""

from __future__ import annotations

import json

from cstool.core.models import Record
from cstool.store.connection import Store

TABLES = ("tickets", "surveys", "customers", "ticket_events")  # every table an import writes rows of
IMPORT_COLUMNS = ("id", "kind", "file", "sha256", "source", "preset", "encoding", "delimiter", "started_at",
                  "finished_at", "rows_read", "inserted", "updated", "unchanged", "skipped", "rejected", "findings",
                  "undone_at", "priors_dropped_at")
REJECT_COLUMNS = ("record", "line", "column", "value", "error_type", "message", "raw")


def _record(row: tuple) -> Record:
    record = dict(zip(IMPORT_COLUMNS, row))
    record["findings"] = json.loads(record["findings"] or "{}")
    return record


def list_imports(store: Store, source: str | None = None, kind: str | None = None) -> list[Record]:
    """Every import, oldest first (optionally of one source and/or kind)."""
    where, params = [], []
    for column, value in (("source", source), ("kind", kind)):
        if value:
            where.append(f"{column} = ? COLLATE NOCASE")
            params.append(value)
    sql = f"SELECT {', '.join(IMPORT_COLUMNS)} FROM imports"
    sql += f" WHERE {' AND '.join(where)}" if where else ""
    return [_record(row) for row in store.conn.execute(sql + " ORDER BY id", params)]


def get_import(store: Store, import_id: int) -> Record | None:
    row = store.conn.execute(f"SELECT {', '.join(IMPORT_COLUMNS)} FROM imports WHERE id = ?",
                             (import_id,)).fetchone()
    return _record(row) if row else None


def import_rejects(store: Store, import_id: int) -> list[Record]:
    cols = ", ".join(f'"{c}"' for c in REJECT_COLUMNS)
    return [dict(zip(REJECT_COLUMNS, row)) for row in store.conn.execute(
        f"SELECT {cols} FROM rejects WHERE import_id = ? ORDER BY record, line, id", (import_id,))]


UNDO_DEPTH = 30  # the latest standing imports of a source keep the prior versions of the rows they updated


def drop_old_priors(store: Store, source: str | None, when: int) -> None:
    """Inside an import's transaction: the prior versions kept for the standing imports of
    `source` older than the latest UNDO_DEPTH are dropped, and those imports marked (so that a
    nightly import does not grow the store without end)."""
    q = store.conn.execute
    old = [i for (i,) in q("SELECT id FROM imports WHERE source IS ? AND undone_at IS NULL AND priors_dropped_at IS "
                           "NULL AND id NOT IN (SELECT id FROM imports WHERE source IS ? AND undone_at IS NULL "
                           "ORDER BY id DESC LIMIT ?)", (source, source, UNDO_DEPTH))]
    for import_id in old:
        for table in TABLES:
            q(f"DELETE FROM prior_{table} WHERE by_import = ?", (import_id,))
        q("UPDATE imports SET priors_dropped_at = ? WHERE id = ?", (when, import_id))


def standing_after(store: Store, record: Record) -> list[int]:
    """The imports of the same source after this one that are not undone (they block its undo)."""
    return [i for (i,) in store.conn.execute(
        "SELECT id FROM imports WHERE id > ? AND source IS ? AND undone_at IS NULL ORDER BY id",
        (record["id"], record["source"]))]


def undo_counts(store: Store, import_id: int) -> dict[str, dict[str, int]]:
    """Per table, the rows undoing the import would delete (it inserted them) and restore (it
    updated them: their prior versions)."""
    q = store.conn.execute
    out = {}
    for table in TABLES:
        written = q(f"SELECT count(*) FROM {table} WHERE import_id = ?", (import_id,)).fetchone()[0]
        restored = q(f"SELECT count(*) FROM prior_{table} WHERE by_import = ?", (import_id,)).fetchone()[0]
        out[table] = {"deleted": written - restored, "restored": restored}
    return out


def touched_tickets(store: Store, import_id: int) -> set[tuple[str, str]]:
    """The tickets whose data the import wrote: rows of its own, or events (their clocks change)."""
    q = store.conn.execute
    keys = set(q("SELECT source, id FROM tickets WHERE import_id = ?", (import_id,)))
    keys |= set(q("SELECT DISTINCT source, ticket_id FROM ticket_events WHERE import_id = ?", (import_id,)))
    keys |= set(q("SELECT DISTINCT source, ticket_id FROM prior_ticket_events WHERE by_import = ?", (import_id,)))
    return keys


def _columns(store: Store, table: str) -> str:
    return ", ".join(f'"{name}"' for _, name, *_ in store.conn.execute(f"PRAGMA table_info({table})"))


def revert_import(store: Store, import_id: int, undone_at: int) -> None:
    """Inside a write transaction: the rows of `import_id` out, the versions it replaced back in
    (same rowids), and the import marked undone."""
    q = store.conn.execute
    for table in TABLES:
        cols = _columns(store, table)
        q(f"DELETE FROM {table} WHERE import_id = ?", (import_id,))
        q(f"INSERT INTO {table} (rowid, {cols}) SELECT row, {cols} FROM prior_{table} WHERE by_import = ?",
          (import_id,))
        q(f"DELETE FROM prior_{table} WHERE by_import = ?", (import_id,))
    q("UPDATE imports SET undone_at = ? WHERE id = ?", (undone_at, import_id))

