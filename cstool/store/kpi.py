"""KPI aggregation in SQL: per period window (and group), the counts and duration samples the
figures of cstool.core.kpi are computed from, so a million tickets never become a million Python
objects. The record-level semantics are those of cstool.core.kpi (`record_stats`); a test checks
that both give the same stats.

Windows are consecutive half-open [start, end) periods. Each value is placed in its window by
a balanced CASE expression over the window starts (a binary search inside the SQL, far cheaper
than a lookup per row). Rows come back as plain tuples (window index, group key..., aggregates...);
duration samples sorted (store/kpi.sorted_samples: int64 arrays for whole seconds).
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Callable, Sequence

from cstool.core.models import Record
from cstool.store.connection import Store, sql_list, sql_literal
from cstool.store.sla import MODE_CODES, MODES, stopped_value
from cstool.store.tickets import open_at_parts

UNKNOWN = MODE_CODES["unknown"]
# How each grouping dimension reads (a ticket with several tags counts in each tag's group).
_COLUMN_DIMS = ("channel", "priority", "team", "assignee", "customer_tier")
_KEYS = {**{d: f"coalesce(nullif(t.{d}, ''), '(none)')" for d in _COLUMN_DIMS}, "tag": "coalesce(tg.value, '(none)')"}
_TAGS = " LEFT JOIN json_each(t.tags) tg"
# (the themes chosen for the queries of a store: Store.themes; other key phrases read as '(none)')
_KEYS["theme"] = "coalesce(th.term, '(none)')"
_JOINS = {"tag": _TAGS}


def _theme_join(themes: tuple[str, ...], surveys: bool) -> str:
    """A ticket's themes are its subject's key phrases; an answer's, its comment's."""
    chosen = sql_list(themes)
    if surveys:
        return f" LEFT JOIN text_terms th ON th.kind = 'comment' AND th.row = s.rowid AND +th.term IN ({chosen})"
    return f" LEFT JOIN text_terms th ON th.kind = 'subject' AND th.row = t.rowid AND +th.term IN ({chosen})"


def group_sql(dimension: str) -> tuple[str, str]:
    """(how a ticket `t` reads in a dimension's groups, the join that needs): '(none)' for no value."""
    return _KEYS[dimension], _JOINS.get(dimension, "")
# Business seconds: cstool's clock stopped at its own event, else the vendor's figure.
# (The clocks join by the ticket's rowid: nearly free in a scan, the two tables share one order.)
_CLOCKS = " LEFT JOIN clocks c ON c.ticket = t.rowid"
# (Public: `cstool tickets` shows each ticket's values by the same SQL, store/ticket_rows.)
FR_CLOCK, RES_CLOCK, _RES_PAUSED = stopped_value("c.fr_", "elapsed"), stopped_value("c.res_", "elapsed"), \
    stopped_value("c.res_", "paused_seconds")
FR_BUSINESS = f"coalesce({FR_CLOCK}, json_extract(t.reported, '$.first_reply_business'))"
RES_BUSINESS = f"coalesce({RES_CLOCK}, json_extract(t.reported, '$.full_resolution_business'))"
FR_SECONDS = "t.first_response_at - t.created_at"
# Calendar resolution time: without the time the clock was paused (waiting on the customer).
RES_SECONDS = f"CASE WHEN t.created_at IS NOT NULL THEN t.resolution_at - t.created_at - coalesce({_RES_PAUSED}, 0) END"
CLEAN = "t.findings IS NULL"  # durations come only from rows without data-quality findings


def _vendor(clock: str, reported: str) -> str:  # (clock: the SQL of the clock's business seconds)
    """How many clean rows take the vendor's business figure (no stopped clock of their own)."""
    return (f"sum({CLEAN} AND {clock} IS NULL AND "
            f"json_extract(t.reported, '$.{reported}') IS NOT NULL)")


def bisect_sql(x: str, starts: list[int], leaves: list[str]) -> str:
    """SQL choosing leaves[i] for the i-th of the consecutive ranges that begin at `starts`
    (x below starts[1] takes leaves[0]): a balanced CASE, a binary search inside the SQL, far
    cheaper than a lookup per row."""
    def search(a: int, b: int) -> str:
        if b - a == 1:
            return leaves[a]
        mid = (a + b) // 2
        return f"CASE WHEN {x} < {starts[mid]} THEN {search(a, mid)} ELSE {search(mid, b)} END"

    return search(0, len(starts))


class Windows:
    """SQL for placing instants in consecutive windows [(start, end), ...]."""

    def __init__(self, windows: list[tuple[int, int]]):
        if not windows or any(a[1] != b[0] for a, b in zip(windows, windows[1:])) or any(s >= e for s, e in windows):
            raise ValueError(f"KPI windows must be consecutive and non-empty: {windows}")
        self.starts = [int(s) for s, _ in windows]
        self.ends = [int(e) for _, e in windows]
        self.lo, self.hi = self.starts[0], self.ends[-1]
        # Equal windows between the first and the last (UTC days, weeks): placed by arithmetic.
        inner = {e - s for s, e in windows[1:-1]}
        self.width = inner.pop() if len(inner) == 1 else None

    def _position(self, x: str) -> str:
        if self.width:
            last, second = len(self.starts) - 1, self.starts[1]
            return (f"CASE WHEN {x} < {second} THEN 0 WHEN {x} >= {self.starts[-1]} THEN {last} "
                    f"ELSE 1 + CAST(({x} - {second}) / {self.width} AS INTEGER) END")
        return bisect_sql(x, self.starts, [str(i) for i in range(len(self.starts))])

    def index(self, x: str) -> str:
        """The index of the window holding `x`, NULL outside [lo, hi)."""
        return f"CASE WHEN {x} >= {self.lo} AND {x} < {self.hi} THEN {self._position(x)} END"

    def start(self, x: str) -> str:
        """The start of the window holding `x` (for x in [lo, hi))."""
        if self.width:
            second = self.starts[1]
            return (f"CASE WHEN {x} < {second} THEN {self.lo} WHEN {x} >= {self.starts[-1]} THEN {self.starts[-1]} "
                    f"ELSE {second} + CAST(({x} - {second}) / {self.width} AS INTEGER) * {self.width} END")
        return bisect_sql(x, self.starts, [str(s) for s in self.starts])

    def range(self, column: str, store: Store) -> str:
        """A WHERE term for lo <= column < hi: through the column's index when the range holds
        few rows, as a plain scan when it holds many (an index walk in another order than the
        table's costs a random page read per row)."""
        n = store.conn.execute(f"SELECT count(*) FROM tickets WHERE {column} >= ? AND {column} < ?",
                               (self.lo, self.hi)).fetchone()[0]
        rows = store.conn.execute("SELECT coalesce(max(rowid), 0) FROM tickets").fetchone()[0]
        plus = "+" if n * 8 > rows else ""
        return f"{plus}t.{column} >= {self.lo} AND {plus}t.{column} < {self.hi}"


Where = tuple[tuple[str, str], ...]   # --where: (dimension, value) pairs, all of which a ticket meets


def where_sql(where: Where, surveys: bool = False, themes: tuple[str, ...] = ()) -> str:
    """` AND …` terms for tickets `t` meeting every (dimension, value) pair (as the groups read
    them: '(none)' for no value; a tag filter matches any of the ticket's tags; a theme, with
    `surveys`, reads the comment of the answer `s`, and '(none)' is none of `themes`)."""
    terms = []
    for dim, value in where:
        quoted = sql_literal(value)
        if dim == "theme":
            kind, row = ("comment", "s.rowid") if surveys else ("subject", "t.rowid")
            chosen = sql_list(themes)
            test = f"IN ({chosen})" if value == "(none)" else f"= {quoted}"
            terms.append(f"{'NOT ' if value == '(none)' else ''}EXISTS (SELECT 1 FROM text_terms x "
                         f"WHERE x.kind = '{kind}' AND x.row = {row} AND x.term {test})")
        elif dim != "tag":
            terms.append(f"{_KEYS[dim]} = {quoted}")
        elif value == "(none)":
            terms.append("coalesce(json_array_length(t.tags), 0) = 0")
        else:
            terms.append(f"EXISTS (SELECT 1 FROM json_each(t.tags) WHERE value = {quoted})")
    return "".join(f" AND {t}" for t in terms)


def _keys(dims: tuple[str, ...], first: int = 2, surveys: bool = False, themes: tuple[str, ...] = ()
          ) -> tuple[str, str, str]:
    """(select list, joins, group-by list) for the grouping dimensions (columns first, first + 1,
    ...); `themes` are those a theme groups by; with `surveys`, an answer `s` reads its themes from
    its own comment and its ticket."""
    joins = {**_JOINS, "theme": _theme_join(themes, surveys)}
    return ("".join(f", {_KEYS[d]} AS k{i}" for i, d in enumerate(dims)), "".join(joins.get(d, "") for d in dims),
            "".join(f", {i + first}" for i in range(len(dims))))


def sorted_samples(text: str | None) -> Sequence[float]:
    """A group_concat of numbers, sorted (once here, merged cheaply later): whole seconds as a
    compact array of 64-bit integers (8 bytes a value, not a Python int's 36: a million tickets'
    samples would otherwise be most of the command's memory), anything else as a list."""
    values = json.loads(f"[{text}]") if text else []
    values.sort()
    try:
        return array("q", values)
    except (TypeError, OverflowError):  # (a fraction or a number beyond 64 bits among them)
        return values


def _grouped(store: Store, sql: str, keys: int, samples: int = 0, heads: int = 1) -> list[tuple]:
    """Rows (head..., key tuple, *aggregates) with the last `samples` columns parsed into lists."""
    out = []
    for row in store.conn.execute(sql):
        cut = len(row) - samples
        out.append((*row[:heads], tuple(row[heads:heads + keys]), *row[heads + keys:cut],
                    *(sorted_samples(x) for x in row[cut:])))
    return out


def created_rows(store: Store, windows: list[tuple[int, int]], dims: tuple[str, ...] = (), where: Where = ()
                 ) -> list[tuple]:
    """By creation time, per window and group: (window, key, created, how many business samples
    are the vendor's, first response samples, first response business samples)."""
    w = Windows(windows)
    keys, join, group = _keys(dims, themes=store.themes)
    return _grouped(store, (
        f"SELECT {w.index('t.created_at')}{keys}, count(*), {_vendor(FR_CLOCK, 'first_reply_business')}, "
        f"group_concat(CASE WHEN {CLEAN} THEN {FR_SECONDS} END), "
        f"group_concat(CASE WHEN {CLEAN} THEN {FR_BUSINESS} END) "
        f"FROM tickets t{_CLOCKS}{join} WHERE {w.range('created_at', store)}{where_sql(where)} GROUP BY 1{group}"),
        len(dims), 2)


def resolved_rows(store: Store, windows: list[tuple[int, int]], dims: tuple[str, ...] = (), where: Where = ()
                  ) -> list[tuple]:
    """By resolution time, per window and group: (window, key, resolved, one-touch, reopened,
    undated, how many business samples are the vendor's, resolution samples, resolution business
    samples, creation times of those created before the window). The last were open at the ends
    of the windows from their creation's on."""
    w = Windows(windows)
    keys, join, group = _keys(dims, themes=store.themes)
    return _grouped(store, (
        f"SELECT {w.index('t.resolution_at')}{keys}, count(*), "
        "sum(coalesce(t.replies, 0) <= 1 AND coalesce(t.reopens, 0) = 0), sum(coalesce(t.reopens, 0) >= 1), "
        f"sum(t.created_at IS NULL), {_vendor(RES_CLOCK, 'full_resolution_business')}, "
        f"group_concat(CASE WHEN {CLEAN} THEN {RES_SECONDS} END), "
        f"group_concat(CASE WHEN {CLEAN} THEN {RES_BUSINESS} END), "
        f"group_concat(CASE WHEN t.created_at < {w.start('t.resolution_at')} THEN t.created_at END) "
        f"FROM tickets t{_CLOCKS}{join} WHERE {w.range('resolution_at', store)}{where_sql(where)} GROUP BY 1{group}"),
        len(dims), 3)


def still_open_rows(store: Store, windows: list[tuple[int, int]], dims: tuple[str, ...] = (), where: Where = ()
                    ) -> list[tuple]:
    """(created_at, key...) of the tickets open at the last window end: not resolved by then
    (without a resolution time the status decides whether it ever left)."""
    w = Windows(windows)
    keys, join, _ = _keys(dims, themes=store.themes)
    resolved_later, unresolved = open_at_parts(str(w.hi), "t.")
    only = where_sql(where)
    select = f"SELECT t.created_at{keys} FROM tickets t{join} WHERE"
    return store.conn.execute(f"{select} ({resolved_later}){only} UNION ALL {select} ({unresolved}){only}").fetchall()


def _count(condition: str) -> str:
    """How many rows of the group meet `condition` (0, not NULL, when a NULL makes it unknown)."""
    return f"ifnull(sum({condition}), 0)"


def survey_count_sql() -> list[str]:
    """The aggregates of cstool.core.kpi.SURVEY_COUNTS, in order, over survey answers `s`."""
    labelled = "coalesce(s.label, '') != ''"
    csat = f"s.kind = 'csat' AND (s.score IS NOT NULL OR {labelled})"
    satisfied = (f"{csat} AND CASE WHEN {labelled} THEN s.label = 'good' "
                 "ELSE s.score >= coalesce(nullif(s.scale_max, 0), 5) - 1 END")
    nps, ces = "s.kind = 'nps' AND s.score IS NOT NULL", "s.kind = 'ces' AND s.score IS NOT NULL"
    return [_count(csat), _count(satisfied), _count(f"{csat} AND s.score IS NOT NULL"),
            f"total(CASE WHEN {csat} THEN s.score END)", _count(nps), _count(f"{nps} AND s.score >= 9"),
            _count(f"{nps} AND s.score <= 6"), _count(ces), _count(f"{ces} AND s.score >= 5"),
            f"total(CASE WHEN {ces} THEN s.score END)"]


def survey_rows(store: Store, windows: list[tuple[int, int]], dims: tuple[str, ...] = (), where: Where = ()
                ) -> list[tuple]:
    """Per window (by submission time) and group: the survey counts of cstool.core.kpi.SURVEY_COUNTS, in order
    (with `where`, only the answers about a ticket that meets it)."""
    w = Windows(windows)
    keys, join, group = _keys(dims, surveys=True, themes=store.themes)
    ticket = " LEFT JOIN tickets t ON t.source = s.source AND t.id = s.ticket_id" if dims or where else ""
    return _grouped(store, (
        f"SELECT {w.index('s.submitted_at')}{keys}, {', '.join(survey_count_sql())} FROM surveys s{ticket}{join} "
        f"WHERE s.submitted_at >= {w.lo} AND s.submitted_at < {w.hi}{where_sql(where) and ' AND t.id IS NOT NULL'}"
        f"{where_sql(where)} GROUP BY 1{group}"), len(dims))


def sla_rows(store: Store, windows: list[tuple[int, int]], dims: tuple[str, ...] = (), joined_from: int = 0,
             where: Where = ()) -> list[tuple]:
    """First-response and resolution clocks with a deadline: ("stop", window, key, metric, met,
    breached) for those stopped in a window; ("due", window, key, metric, late, late_joined) for
    those not stopped by a deadline in the window: how many did not stop within that window, and
    how many did not stop within the windows from `joined_from` on, taken together; ("unknown",
    window, key, metric, count, 0) for the clocks whose stop the data cannot place, by start.
    Three scans of the compact clock rows per metric, one for each kind of row (joined to the
    tickets only to group or filter)."""
    w = Windows(windows)
    joined_lo = w.starts[joined_from]
    keys, join, group = _keys(dims, first=3, themes=store.themes)
    tickets = f" JOIN tickets t ON t.rowid = c.ticket{join}" if dims or where else ""
    selects = []
    for metric, p in (("first_response", "c.fr_"), ("resolution", "c.res_")):
        stop, due = f"{p}stopped_at", f"{p}due_at"
        base = f"FROM clocks c{tickets} WHERE 1{where_sql(where)}"
        by = f"GROUP BY 2{group}"
        stopped, due_in = w.index(stop), w.index(due)
        selects += [
            f"SELECT 'stop', {stopped}{keys}, '{metric}', sum({stop} <= {due}), sum({stop} > {due}) {base} "
            f"AND {due} IS NOT NULL AND {stop} >= {w.lo} AND {stop} < {w.hi} {by}",
            f"SELECT 'due', {due_in}{keys}, '{metric}', sum({stopped} IS NOT {due_in}), "
            f"sum(NOT coalesce({stop} >= {joined_lo} AND {stop} < {w.hi}, 0)) {base} AND {due} >= {w.lo} "
            f"AND {due} < {w.hi} AND ({stop} IS NULL OR {stop} > {due}) {by}",
            f"SELECT 'unknown', {w.index('c.started_at')}{keys}, '{metric}', count(*), 0 {base} "
            f"AND {p}mode = {UNKNOWN} AND c.started_at >= {w.lo} AND c.started_at < {w.hi} {by}"]
    return _grouped(store, " UNION ALL ".join(selects), len(dims), heads=2)


def kpi_customers(store: Store) -> list[Record] | None:
    """Every customer, or None when none were imported (churn and CLV are then unknown)."""
    rows = store.conn.execute("SELECT signup_at, churned_at, revenue FROM customers")
    customers = [{"signup_at": a, "churned_at": b, "revenue": r} for a, b, r in rows]
    return customers or None


def gather(store: Store, windows: list[tuple[int, int]], dims: tuple[str, ...] = (), joined_from: int = 0,
           where: Where = ()) -> dict[str, list[tuple]]:
    """All the passes above for the same windows, {name: rows}, in one snapshot of the store,
    run side by side on two more connections that read the same state (SQLite releases the GIL
    while it works: on two cores this nearly halves the wall time of a large period). Should a
    write land before they begin, the passes run one after another on `store` instead."""
    from concurrent.futures import ThreadPoolExecutor
    from queue import SimpleQueue

    passes: dict[str, Callable[[Store], list[tuple]]] = {
        "resolved": lambda on: resolved_rows(on, windows, dims, where),
        "created": lambda on: created_rows(on, windows, dims, where),
        "sla": lambda on: sla_rows(on, windows, dims, joined_from, where),
        "surveys": lambda on: survey_rows(on, windows, dims, where),
        "still_open": lambda on: still_open_rows(on, windows, dims, where)}

    def run(on: Store, name: str) -> list[tuple]:
        return passes[name](on)

    with store.snapshot():
        opened = [store.reader(), store.reader()]
        readers = [reader for reader in opened if reader is not None]
        try:
            if len(readers) < len(opened):
                return {name: run(store, name) for name in passes}
            idle: SimpleQueue[Store] = SimpleQueue()
            for reader in readers:
                idle.put(reader)

            def task(name: str) -> list[tuple]:
                reader = idle.get()
                try:
                    return run(reader, name)
                finally:
                    idle.put(reader)

            with ThreadPoolExecutor(max_workers=len(readers)) as pool:
                futures = {name: pool.submit(task, name) for name in passes}
                return {name: future.result() for name, future in futures.items()}
        finally:
            for reader in readers:
                reader.close()


def scope_records(store: Store, since: int, until: int, where: Where = (), group: Where = ()
                  ) -> tuple[list[Record], list[Record], list[Record]]:
    """The plain records of one KPI window and group, as cstool.core.kpi reads them (`kpi
    --explain`): tickets created or resolved in [since, until) or open at `until`, with their
    clocks' business seconds; the first-response and resolution clocks that stopped or fell due
    in it; the survey answers submitted in it. `where` pairs need a ticket meeting them (as kpi
    --where); `group` pairs are read as the groups read them (an answer without a ticket is in
    the '(none)' groups)."""
    q = store.conn.execute
    pairs = where_sql((*where, *group), themes=store.themes)
    window = f"BETWEEN {int(since)} AND {int(until) - 1}"
    resolved_later, unresolved = open_at_parts(str(int(until)), "t.")
    cols = ("source", "id", "subject", "created_at", "first_response_at", "resolution_at", "status", "reopens",
            "replies", "findings", "tags", "team", "channel", "priority", "assignee", "customer_tier", "reported")
    tickets = []
    for row in q(f"SELECT {', '.join('t.' + c for c in cols)}, {FR_CLOCK}, {RES_CLOCK}, {_RES_PAUSED} "
                 f"FROM tickets t{_CLOCKS} WHERE (t.created_at {window} OR t.resolution_at {window} OR "
                 f"({resolved_later}) OR ({unresolved})){pairs}"):
        t = dict(zip(cols, row))
        t["tags"], t["reported"] = json.loads(t["tags"] or "[]"), json.loads(t["reported"] or "{}")
        t["first_response_business_s"], t["resolution_business_s"], t["resolution_paused_s"] = row[len(cols):]
        tickets.append(t)
    clocks = []
    for metric, p in (("first_response", "c.fr_"), ("resolution", "c.res_")):
        clocks += [{"source": s, "ticket_id": i, "metric": metric, "cycle": 0, "stopped_at": a, "due_at": d,
                    "started_at": b, "mode": MODES[m] if m is not None else None}
                   for s, i, a, d, b, m in q(
                       f"SELECT t.source, t.id, {p}stopped_at, {p}due_at, c.started_at, {p}mode FROM clocks c "
                       f"JOIN tickets t ON t.rowid = c.ticket WHERE ({p}stopped_at {window} OR {p}due_at {window} "
                       f"OR c.started_at {window}){pairs}")]
    linked = " AND t.id IS NOT NULL" if where else ""
    surveys = [dict(zip(("source", "id", "ticket_id", "kind", "score", "label", "scale_max", "submitted_at"), r))
               for r in q("SELECT s.source, s.id, s.ticket_id, s.kind, s.score, s.label, s.scale_max, s.submitted_at "
                          "FROM surveys s LEFT JOIN tickets t ON t.source = s.source AND t.id = s.ticket_id "
                          f"WHERE s.submitted_at {window}{linked}{where_sql(where)}"
                          f"{where_sql(group, surveys=True, themes=store.themes)}")]
    return tickets, surveys, clocks
