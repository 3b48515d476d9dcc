"""Writing one imported file: upserts, rejects and the `imports` row, in one transaction.

Upserts key on (source, id) and rewrite a row only when one of its stored columns would
change (`ON CONFLICT … DO UPDATE … WHERE (stored) IS NOT (new)`), so a re-import of the same
export writes nothing but the `imports` row. inserted/updated/unchanged come from SQLite's own
change counts, not from a second pass over the data. Events have no key of their own: a repeat
of the same (ticket, instant, type, value) is ignored.

Speed: rows arrive as tuples in storage order (core.models.ROWS); each batch binds only the columns
that hold a value somewhere in it (binding a NULL costs as much as a value), `source` and
`import_id` are literals, and an import into an empty table builds its secondary indexes once
at the end instead of row by row (the two time indexes stay live). Duplicate keys within the
file are found with a temporary key table, so memory does not grow with the file.
"""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from cstool.core.ingest.records import Item, Reject, Summary
from cstool.core.models import ROWS
from cstool.store.connection import Store, sql_literal
from cstool.store.history import drop_old_priors

ROWS_PER_FLUSH = 5000  # rows buffered per table before one executemany
TABLES = {"tickets": "tickets", "surveys": "surveys", "customers": "customers", "events": "ticket_events"}


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
    rejects: list[Reject] = field(default_factory=list)
    committed: bool = False


class _Sink:
    """Buffers rows of one table and flushes them with executemany, counting changes."""

    def __init__(self, conn: sqlite3.Connection, kind: str, source: str, import_id: int, key_name: str | None,
                 fresh: bool = False, unique_events: bool = False):
        self.conn, self.kind, self.table = conn, kind, TABLES[kind]
        self.columns = ROWS[kind]
        self.keyed = "id" in self.columns
        self.prefix = (sql_literal(source), str(import_id))
        self.key_name = key_name
        self.fresh = fresh and self.keyed  # the table was empty: plain INSERTs, a clash means a duplicate
        self.rows: list[tuple] = []
        self.origins: list[tuple | None] = []
        self.statements: dict[tuple[int, ...], tuple[str, Callable]] = {}
        self.count = self.changes = 0
        self.rejects: list[Reject] = []
        # an events file: one row per event (ticket, instant, type, value), the first one wins
        self.event_keys: set[tuple] | None = set() if unique_events else None
        if self.keyed and not self.fresh:  # the ids this file has had so far (one B-tree, no rowids)
            conn.execute(f"DROP TABLE IF EXISTS temp.keys_{kind}")
            conn.execute(f"CREATE TEMP TABLE keys_{kind} (id TEXT PRIMARY KEY) WITHOUT ROWID")

    def add_many(self, rows: list[tuple], origins: list[tuple]) -> None:
        self.rows.extend(rows)
        self.origins.extend(origins)
        if len(self.rows) >= ROWS_PER_FLUSH:
            self.flush()

    def add(self, row: tuple, origin: tuple | None) -> None:
        self.rows.append(row)
        self.origins.append(origin)
        if len(self.rows) >= ROWS_PER_FLUSH:
            self.flush()

    def _statement(self, present: tuple[int, ...]) -> tuple[str, Callable]:
        """INSERT binding only the `present` columns; on conflict every column is set (absent ones
        to NULL), and only when that changes a stored value (an unchanged row is not rewritten)."""
        if present not in self.statements:
            names = [self.columns[i] for i in present]
            cols = ", ".join(["source", *names, "import_id"])
            marks = ", ".join([self.prefix[0], *("?" * len(names)), self.prefix[1]])
            sql = f"INSERT INTO {self.table} ({cols}) VALUES ({marks})"
            if self.keyed and not self.fresh:
                sets = [f"{c} = excluded.{c}" if c in names else f"{c} = NULL" for c in self.columns if c != "id"]
                stored = [c for c in self.columns if c not in ("id", "row_hash")]
                mine = ", ".join(f"{self.table}.{c}" for c in stored)
                theirs = ", ".join(f"excluded.{c}" for c in stored)
                sql += (f" ON CONFLICT(source, id) DO UPDATE SET {', '.join(sets)}, import_id = excluded.import_id"
                        f" WHERE ({mine}) IS NOT ({theirs})")
            elif not self.keyed:  # events: a known event takes its new extra columns, as a ticket would
                sql += (" ON CONFLICT(source, ticket_id, at, type, value) DO UPDATE SET extra = excluded.extra, "
                        f"import_id = excluded.import_id WHERE {self.table}.extra IS NOT excluded.extra")
            getter = operator.itemgetter(*present) if len(present) > 1 else (lambda r, i=present[0]: (r[i],))
            self.statements[present] = (sql, getter)
        return self.statements[present]

    def _reject_duplicates(self, seen_before: set[str]) -> None:
        """Keep the first occurrence of each id not in `seen_before`; the others are rejects."""
        kept_rows, kept_origins, taken = [], [], set(seen_before)
        for row, origin in zip(self.rows, self.origins):
            if row[0] not in taken:
                taken.add(row[0])
                kept_rows.append(row)
                kept_origins.append(origin)
                continue
            number, line, raw = origin or (0, 0, "")
            self.rejects.append(Reject(number, line, self.key_name, "DUPLICATE KEY IN FILE",
                                       f"id {row[0]!r} appears earlier in this file", raw, row[0]))
        self.rows, self.origins = kept_rows, kept_origins

    def _stored_ids(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            found.update(k for (k,) in self.conn.execute(
                f"SELECT id FROM {self.table} WHERE source = {self.prefix[0]} "
                f"AND id IN ({', '.join('?' * len(chunk))})",
                chunk))
        return found

    def _claim_keys(self) -> None:
        """Drop rows whose id already appeared in this file (the first occurrence wins)."""
        keys = [(row[0],) for row in self.rows]
        before = self.conn.total_changes
        self.conn.execute("SAVEPOINT claim")
        self.conn.executemany(f"INSERT OR IGNORE INTO temp.keys_{self.kind} VALUES (?)", keys)
        if self.conn.total_changes - before == len(keys):
            self.conn.execute("RELEASE claim")
            return
        self.conn.execute("ROLLBACK TO claim")  # a repeated id: claim them one by one to find it
        self.conn.execute("RELEASE claim")
        earlier, now = set(), set()
        for (key,) in keys:
            if self.conn.execute(f"INSERT OR IGNORE INTO temp.keys_{self.kind} VALUES (?)", (key,)).rowcount:
                now.add(key)
            elif key not in now:
                earlier.add(key)  # claimed by an earlier batch
        self._reject_duplicates(earlier)

    def flush(self) -> None:
        if not self.rows:
            return
        if self.fresh:
            self.conn.execute("SAVEPOINT batch")
            try:
                self._execute()
            except sqlite3.IntegrityError:  # an id this file already had: find and reject it
                self.conn.execute("ROLLBACK TO batch")
                self._reject_duplicates(self._stored_ids([row[0] for row in self.rows]))
                self._execute()
            self.conn.execute("RELEASE batch")
        else:
            if self.keyed:
                self._claim_keys()
            elif self.event_keys is not None:
                self._reject_repeated_events()
            self._execute()
        self.rows, self.origins = [], []

    def _reject_repeated_events(self) -> None:
        """An event (ticket, instant, type, value) a second time in one file is a reject."""
        seen = self.event_keys
        assert seen is not None
        kept_rows, kept_origins = [], []
        for row, origin in zip(self.rows, self.origins):
            key = row[:4]
            if key not in seen:
                seen.add(key)
                kept_rows.append(row)
                kept_origins.append(origin)
                continue
            number, line, raw = origin or (0, 0, "")
            self.rejects.append(Reject(number, line, None, "DUPLICATE KEY IN FILE",
                                       f"event {row[2]!r} of ticket {row[0]!r} at the same instant, with the same "
                                       "value, appears earlier in this file", raw))
        self.rows, self.origins = kept_rows, kept_origins

    def _execute(self) -> None:
        if not self.rows:
            return
        sql, getter = self._statement(_present(self.rows))
        # (the cursor's count leaves out the rows the keep-prior triggers write; total_changes would not)
        self.changes += self.conn.executemany(sql, map(getter, self.rows)).rowcount
        self.count += len(self.rows)


def _present(rows: list[tuple]) -> tuple[int, ...]:
    """The positions holding a value in at least one row (only those are bound: a bound NULL
    costs as much as a value). A value in the first row settles most positions at once."""
    first = rows[0]
    return tuple(i for i, value in enumerate(first)
                 if value is not None or _column_has_value(rows, i))


def _column_has_value(rows: list[tuple], i: int) -> bool:
    column = list(map(operator.itemgetter(i), rows))
    return column.count(None) != len(column)


def _unbatch(items: Iterable[Item], main: _Sink) -> Iterator[Item]:
    """Records of batches go straight to the main sink; everything else is yielded."""
    for item in items:
        if item.kind == "batch":
            main.add_many(item.value.rows, item.value.origins)
            yield from item.value.others
        else:
            yield item


def _count(conn, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# Indexes kept up to date during a load into an empty table: exports come roughly in time
# order, so their entries append at the end of the index at little cost while the parser is
# the slower side; a rebuild afterwards would add to the wait at the end.
LIVE_INDEXES = ("tickets_created", "tickets_resolution")


def _defer_indexes(conn, table: str) -> list[str]:
    """Drop the other secondary indexes of an empty table (rebuilt by the caller after the load)."""
    if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
        return []
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                           "AND sql IS NOT NULL", (table,)).fetchall()
    deferred = [(name, sql) for name, sql in indexes if name not in LIVE_INDEXES]
    for name, _ in deferred:
        conn.execute(f"DROP INDEX {name}")
    return [sql for _, sql in deferred]


def write_import(store: Store, result: ImportResult, items: Iterable[Item], *, source: str, key_name: str | None,
                 started_at: int, finish: Callable[[], dict], max_rejects: int, dry_run: bool) -> ImportResult:
    """Write `items` for one file in one BEGIN IMMEDIATE transaction. Rolled back (nothing
    written) when the rejected rows exceed `max_rejects` or on `dry_run`; `result.committed`
    says which. `finish()` runs once the items are exhausted and returns the file's
    `sha256` and `finished_at` (epoch seconds)."""
    table = TABLES[result.kind]
    try:
        # Every row written references the import row created first in this transaction.
        with store.write(check_foreign_keys=False) as conn:
            cur = conn.execute(
                "INSERT INTO imports (kind, file, source, preset, encoding, delimiter, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (result.kind, result.file, source, result.preset, result.encoding, result.delimiter, started_at))
            import_id = cur.lastrowid
            deferred = _defer_indexes(conn, table)
            empty = conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None
            main = _Sink(conn, result.kind, source, import_id, key_name, fresh=empty,
                         unique_events=result.kind == "events")
            surveys = _Sink(conn, "surveys", source, import_id, key_name) if result.kind == "tickets" else None
            events = _Sink(conn, "events", source, import_id, None) if result.kind == "tickets" else None
            before = _count(conn, table)
            for item in _unbatch(items, main):
                if item.kind == "record":
                    main.add(item.value, item.origin)
                elif item.kind == "survey" and surveys is not None:
                    surveys.add(item.value, item.origin)
                elif item.kind == "event" and events is not None:
                    events.add(item.value, item.origin)
                elif item.kind == "reject":
                    result.rejects.append(item.value)
            sinks = [s for s in (main, surveys, events) if s is not None]
            for sink in sinks:
                sink.flush()
                result.rejects += sink.rejects
                result.summary.rejected += len(sink.rejects)
            result.rejects.sort(key=lambda r: (r.record, r.line))
            for ddl in deferred:
                conn.execute(ddl)
            result.import_id = import_id
            done = finish()
            _record_import(conn, result, main, lambda: _count(conn, table) - before, done)
            drop_old_priors(store, source, done["finished_at"])
            if dry_run or result.summary.rejected > max_rejects:
                raise _Rollback
        result.committed = True
    except _Rollback:
        result.committed = False
    return result


def _record_import(conn, result: ImportResult, main: _Sink, added: Callable[[], int], done: dict) -> None:
    """Count inserted/updated/unchanged and write them, the summary and the rejects to the store."""
    result.inserted = added()
    result.updated = main.changes - result.inserted
    result.unchanged = main.count - main.changes
    s = result.summary
    conn.execute(
        "UPDATE imports SET finished_at = ?, sha256 = ?, rows_read = ?, inserted = ?, updated = ?, "
        "unchanged = ?, skipped = ?, rejected = ?, findings = ? WHERE id = ?",
        (done["finished_at"], done["sha256"], s.rows_read, result.inserted, result.updated, result.unchanged,
         s.skipped, s.rejected, json.dumps(dict(s.findings), sort_keys=True), result.import_id))
    if not result.rejects:
        return
    conn.executemany(
        'INSERT INTO rejects (import_id, record, line, "column", value, error_type, message, raw) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(result.import_id, r.record, r.line, r.column, r.value, r.error_type, r.message, r.raw)
         for r in result.rejects])


def ticket_time_lookup(store: Store, source: str):
    """A callable ticket id -> resolution instant, else creation (for surveys without a time)."""
    conn = store.conn

    def lookup(ticket_id: str) -> int | None:
        row = conn.execute("SELECT coalesce(resolution_at, created_at) FROM tickets WHERE source = ? AND id = ?",
                           (source, ticket_id)).fetchone()
        return row[0] if row else None

    return lookup
