"""One row per ticket with every computed value (`cstool tickets`), as one streamed SELECT.

The columns come in blocks: the ticket's own fields, its clocks (policy, target, state at
:as_of, deadline, stop, business and calendar seconds, pauses; next-response cycles summed up),
the durations the KPIs take from it (store/kpi: the same SQL), the latest CSAT/NPS answer linked
to it, its findings and import. Instants are written in SQL as `iso_instant` writes them (a test
compares the two), so a million rows never become a million datetime objects.

Each row ends with hidden values: the ticket's rowid, `care`, set when the row must be finished
in Python (a running clock: its business seconds at :as_of need the calendar; or data after
:as_of, `live`: the stored clocks are not valid there; as CSV, a cell to neutralise), and `live`.
For CSV the SQL writes each row as one line (`printf`, with the cells that hold the delimiter or
a quote quoted as render/machine quotes them; a test compares the two writers).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from cstool.core.cells import FORMULA_STARTS
from cstool.core.formats import iso_instant, offset_spans
from cstool.core.sla.clock import Clock
from cstool.store import kpi as kpi_sql
from cstool.store.connection import Store, sql_list
from cstool.store.sla import MODE_CODES, PARTS, RUNNING, STOPPED, clock_from_row
from cstool.store.sla_queries import state_sql
from cstool.store.tickets import open_at

_CODES = {m: str(code) for m, code in MODE_CODES.items()}
TEXT = ("source", "id", "subject", "status", "priority", "channel", "team", "assignee", "customer_id",
        "customer_email", "customer_name", "customer_tier")
TIMES = ("created_at", "first_response_at", "resolved_at", "closed_at", "updated_at")
BASE = (*TEXT, *TIMES, "reopens", "replies", "tags")
CLOCK_FIELDS = ("target", "state", "due_at", "stopped_at", "clock_business_seconds", "clock_seconds",
                "paused_seconds")
METRICS = (("first_response", "c.fr_"), ("resolution", "c.res_"))
CLOCK_BLOCK = ("policy", "calendar", *(f"{m}_{f}" for m, _ in METRICS for f in CLOCK_FIELDS),
               "next_response_target", "next_response_cycles", "next_response_breached", "next_response_state")
DURATIONS = ("first_response_seconds", "first_response_business_seconds", "first_response_basis",
             "resolution_seconds", "resolution_business_seconds", "resolution_basis")
TAIL = ("survey_kind", "survey_score", "survey_label", "survey_at", "findings", "import_id")
COLUMNS = (*BASE, *CLOCK_BLOCK, *DURATIONS, *TAIL)
_RAW_TIMES = {**{c: f"t.{c}" for c in TIMES}, "first_response_due_at": "c.fr_due_at",
              "first_response_stopped_at": "c.fr_stopped_at", "resolution_due_at": "c.res_due_at",
              "resolution_stopped_at": "c.res_stopped_at", "survey_at": "l.at"}


@dataclass(frozen=True)
class TicketQuery:
    as_of: int
    tz: str = "UTC"                      # the zone instants are written in
    where: kpi_sql.Where = ()            # (dimension, value) pairs, as kpi --where
    open_at: int | None = None
    created_since: int | None = None
    created_until: int | None = None
    customer: str | None = None
    states: tuple[str, ...] = ()         # some clock (of `metric`, if given) is in one of these
    metric: str | None = None            # first_response | resolution | next_response
    sort: tuple[str, bool] | None = None  # (column, descending)
    joined_tags: bool = False            # tags as `a;b` (CSV), else their JSON list
    open_calendars: tuple[str, ...] = ()  # calendars always open: a running clock's business time is wall time


def iso_sql(x: str, spans: list[tuple[int, int, str]], hi: int) -> str:
    """SQL writing the instant `x` as `iso_instant` does, by the zone's offset spans (a binary
    search over them); outside [first span, hi) the Python function itself (cstool_iso)."""
    texts = [f"strftime('%Y-%m-%dT%H:%M:%S', {x} + {offset}, 'unixepoch') || '{text}'" for _, offset, text in spans]
    return (f"CASE WHEN {x} IS NULL THEN NULL WHEN {x} >= {spans[0][0]} AND {x} < {hi} "
            f"THEN {kpi_sql.bisect_sql(x, [start for start, _, _ in spans], texts)} ELSE cstool_iso({x}) END")


def _time_range(store: Store, as_of: int) -> tuple[int, int]:
    low = store.conn.execute("SELECT min(created_at) FROM tickets").fetchone()[0]
    year = 366 * 86400
    return min(low if low is not None else as_of, as_of) - year, as_of + 2 * year


def _open_calendars(query: TicketQuery) -> str:
    return "(" + sql_list(query.open_calendars) + ")"


def _clock(metric: str, p: str, iso, query: TicketQuery) -> list[str]:
    """The clock's columns; a running clock's business seconds at :as_of on a calendar that is
    always open are its wall seconds since its last segment began (as `evaluate` counts them)."""
    state = state_sql(f"{p}mode", f"{p}stopped_at", f"{p}due_at", f"{p}risk_at", _CODES)
    business = (f"CASE WHEN {p}mode = {RUNNING} AND n.calendar IN {_open_calendars(query)} "
                f"THEN {p}elapsed + max(:as_of - {p}elapsed_since, 0) ELSE {p}elapsed END")
    return [f"n.{metric}_target", f"CASE WHEN c.ticket IS NOT NULL THEN {state} END", iso(f"{p}due_at"),
            iso(f"{p}stopped_at"), business,
            f"CASE WHEN {p}mode = {STOPPED} THEN {p}stopped_at - c.started_at "
            f"WHEN {p}mode IN ({RUNNING}, {MODE_CODES['paused']}) THEN :as_of - c.started_at END",
            f"{p}paused_seconds"]


def has_cycles(store: Store) -> bool:
    """The store holds next-response cycles (else their columns are NULL)."""
    return store.conn.execute("SELECT 1 FROM clock_cycles LIMIT 1").fetchone() is not None


def _cycles(store: Store) -> list[str]:
    if not has_cycles(store):
        return ["nullif(n.next_response_target, '')", "NULL", "NULL", "NULL"]
    state = state_sql("y.mode", "y.stopped_at", "y.due_at", "y.risk_at", _CODES)
    of = "FROM clock_cycles y WHERE y.ticket = t.rowid"
    return ["nullif(n.next_response_target, '')", f"(SELECT count(*) {of})",
            f"(SELECT sum({state} = 'breached') {of})", f"(SELECT {state} {of} ORDER BY y.cycle DESC LIMIT 1)"]


def _durations() -> list[str]:
    clean = kpi_sql.CLEAN
    return [f"CASE WHEN {clean} THEN {kpi_sql.FR_SECONDS} END",
            f"CASE WHEN {clean} THEN {kpi_sql.FR_BUSINESS} END",
            f"CASE WHEN NOT {clean} THEN NULL WHEN {kpi_sql.FR_CLOCK} IS NOT NULL THEN 'clock' "
            f"WHEN {kpi_sql.FR_BUSINESS} IS NOT NULL THEN 'reported' END",
            f"CASE WHEN {clean} THEN {kpi_sql.RES_SECONDS} END",
            f"CASE WHEN {clean} THEN {kpi_sql.RES_BUSINESS} END",
            f"CASE WHEN NOT {clean} THEN NULL WHEN {kpi_sql.RES_CLOCK} IS NOT NULL THEN 'clock' "
            f"WHEN {kpi_sql.RES_BUSINESS} IS NOT NULL THEN 'reported' END"]


def _latest_answers(store: Store) -> None:
    """temp.latest_answer: the latest CSAT or NPS answer of each ticket."""
    q = store.conn.execute
    q("DROP TABLE IF EXISTS temp.latest_answer")
    q("CREATE TEMP TABLE latest_answer (source TEXT, ticket_id TEXT, kind TEXT, score REAL, label TEXT, at INTEGER, "
      "PRIMARY KEY (source, ticket_id)) WITHOUT ROWID")
    q("INSERT INTO temp.latest_answer SELECT source, ticket_id, kind, score, label, max(submitted_at) FROM surveys "
      "WHERE kind IN ('csat', 'nps') AND ticket_id IS NOT NULL GROUP BY source, ticket_id")


def _expressions(store: Store, query: TicketQuery) -> dict[str, str]:
    """{column: its SQL}, in the order of COLUMNS."""
    spans_lo, hi = _time_range(store, query.as_of)
    spans = offset_spans(query.tz, spans_lo, hi)

    def iso(x: str) -> str:
        return iso_sql(x, spans, hi)

    tags = "(SELECT group_concat(value, ';') FROM json_each(t.tags))" if query.joined_tags else "t.tags"
    score = "CASE WHEN l.score = CAST(l.score AS INTEGER) THEN CAST(l.score AS INTEGER) ELSE l.score END"
    exprs = [f"t.{c}" for c in TEXT] + [iso(f"t.{c}") for c in TIMES] + ["t.reopens", "t.replies", tags]
    exprs += ["n.policy", "n.calendar"] + [e for m, p in METRICS for e in _clock(m, p, iso, query)] + _cycles(store)
    exprs += _durations() + ["l.kind", score, "nullif(l.label, '')", iso("l.at"), "t.findings", "t.import_id"]
    return dict(zip(COLUMNS, exprs))


_LIVE = "(c.ticket IS NULL OR c.last_event_at > :as_of OR c.started_at > :as_of)"
_FROM = (" FROM tickets t LEFT JOIN clocks c ON c.ticket = t.rowid LEFT JOIN clock_names n ON n.id = c.names "
         "LEFT JOIN temp.latest_answer l ON l.source = t.source AND l.ticket_id = t.id")


# Text cells CSV may have to quote (the others are numbers, instants and fixed words).
QUOTABLE = (*TEXT, "tags", "policy", "calendar", "first_response_target", "resolution_target",
            "next_response_target", "survey_label", "findings")
_UNIT = chr(31)  # (joins the text cells for the checks; a text holding one only makes them flag more)


def _clock_care(query: TicketQuery) -> str:
    """SQL: the row is finished in Python: its clocks are not valid at :as_of, or one is running
    on a business calendar (its business seconds at :as_of need the calendar)."""
    opened = _open_calendars(query)
    return (f"{_LIVE} OR (c.fr_mode = {RUNNING} AND n.calendar NOT IN {opened}) OR "
            f"(c.res_mode = {RUNNING} AND n.calendar NOT IN {opened})")


def _text_care(texts: str, tags: str) -> str:
    """SQL over the joined text cells and the tags' JSON: as CSV the row is finished in Python
    when a text cell holds CR or LF or starts like a formula (render/machine.safe_cell then
    changes it), or a tag could."""
    starts = "".join(f" OR instr('{_UNIT}' || {texts}, '{_UNIT}{c}')" for c in FORMULA_STARTS if c not in "\r\n")
    return (f"instr({texts}, char(10)) OR instr({texts}, char(13)){starts} OR "
            f"substr({tags}, 3, 1) IN ('=', '+', '-', '@') OR instr({tags}, '\\')")


def _texts(exprs: dict[str, str]) -> str:
    cells = [exprs[name] for name in QUOTABLE if name != "tags"]
    return f"printf('{_UNIT.join(['%s'] * len(cells))}', {', '.join(cells)})"


def _quoted(x: str, delimiter: str) -> str:
    """SQL: the cell as render/machine.csv_line writes it (quoted when it holds the delimiter or a
    quote; the cells holding CR or LF are finished in Python)."""
    return (f"CASE WHEN instr({x}, '{delimiter}') OR instr({x}, '\"') "
            f"THEN '\"' || replace({x}, '\"', '\"\"') || '\"' ELSE {x} END")


def _line(names: list[str], delimiter: str) -> str:
    """SQL over the inner select's cells c0… and _t (the joined text cells), _tags: the row as one
    CSV line (right for the rows not flagged care), plain when no text cell holds the delimiter
    or a quote, else with those cells quoted."""
    fmt = delimiter.join(["%s"] * len(names))  # (a tab stands in the literal as itself)
    plain = f"printf('{fmt}', {', '.join(f'c{i}' for i in range(len(names)))})"
    cells = ", ".join(_quoted(f"c{i}", delimiter) if n in QUOTABLE else f"c{i}" for i, n in enumerate(names))
    needs = f"instr(_t, '{delimiter}') OR instr(_t, '\"') OR instr(replace(_tags, '\", \"', ''), '{delimiter}')"
    return f"CASE WHEN {needs} THEN printf('{fmt}', {cells}) ELSE {plain} END"


def _select(query: TicketQuery, exprs: dict[str, str], fields: list[str] | None, delimiter: str | None,
            by_rowids: bool = False, ranged: bool = False) -> tuple[str, dict]:
    """The SELECT of the `fields` (all by default): their values, or with `delimiter` one CSV line
    of them (right for rows not flagged care); then rowid, care, live and the sort key.
    `by_rowids`: every column of the tickets whose rowids are the JSON list :rowids, no filter;
    `ranged`: only the tickets whose rowid is in [:lo, :hi).

    As CSV the values are computed once each in an inner select that the planner may not flatten
    (`LIMIT -1 OFFSET 0`), and the line, its quoting and the care flag are read from its cells."""
    names = list(fields or COLUMNS)
    key = ""
    if query.sort:  # (instants sort by the instant, not by their text)
        key = f", {_RAW_TIMES.get(query.sort[0]) or exprs[query.sort[0]]} AS _key"
    if delimiter is None:
        head = ", ".join(f"{exprs[n]} AS \"{n}\"" for n in names)
    else:
        head = (", ".join(f"{exprs[n]} AS c{i}" for i, n in enumerate(names)) +
                f", {_texts(exprs)} AS _t, t.tags AS _tags")
    sql = f"SELECT {head}, t.rowid AS _rowid, {_clock_care(query)} AS _care, {_LIVE} AS _live{key}{_FROM}"
    if by_rowids:
        return sql + " WHERE t.rowid IN (SELECT value FROM json_each(:rowids))", {"as_of": query.as_of}
    where, params = _filters(query)
    if query.states:
        where.append(f"({_LIVE} OR {_state_terms(query, exprs)})")
    if ranged:
        where.append("t.rowid >= :lo AND t.rowid < :hi")
    if where:
        sql += " WHERE " + " AND ".join(where)
    order = f" ORDER BY _key IS NULL, _key{' DESC' if query.sort[1] else ''}, _rowid" if query.sort else ""
    if delimiter is not None:
        sql = (f"SELECT {_line(names, delimiter)} AS _line, _rowid, _care OR {_text_care('_t', '_tags')} AS _care, "
               f"_live{', _key' if key else ''} FROM ({sql} LIMIT -1 OFFSET 0)")
    return sql + order, {"as_of": query.as_of, **params}


def _filters(query: TicketQuery) -> tuple[list[str], dict]:
    where: list[str] = []
    params: dict = {}
    terms = kpi_sql.where_sql(query.where)
    if terms:
        where.append(terms.removeprefix(" AND "))
    if query.open_at is not None:
        where.append(open_at(str(int(query.open_at)), "t."))
    if query.created_since is not None:
        where.append(f"t.created_at >= {int(query.created_since)}")
    if query.created_until is not None:
        where.append(f"t.created_at < {int(query.created_until)}")
    if query.customer:
        where.append("(t.customer_id = :customer OR lower(t.customer_email) = lower(:customer))")
        params["customer"] = query.customer
    return where, params


def _state_terms(query: TicketQuery, exprs: dict[str, str]) -> str:
    """Some clock of the ticket (of `metric`, if given) is in one of the states; for the
    next-response cycles, the latest cycle, or any cycle breached."""
    wanted = ", ".join(f"'{s}'" for s in query.states)
    metrics = [query.metric] if query.metric else ["first_response", "resolution", "next_response"]
    terms = [f"{exprs[f'{m}_state']} IN ({wanted})" for m in metrics]
    if "next_response" in metrics and "breached" in query.states:
        terms.append(f"{exprs['next_response_breached']} > 0")
    return " OR ".join(terms)


SPAN = 10000  # rowids per range (`range_rows`)


class TicketRows:
    """The SELECTs of one query (see `_select`): `batches()` streams them, `range_rows` gives a
    range of them as CSV; `rows_of(rowids)` gives every column of some tickets, then rowid, care
    and live (for the rows finished in Python). Rows whose stored clocks are valid at :as_of are
    filtered by state here; the others (live) come whatever their state."""

    def __init__(self, store: Store, query: TicketQuery, fields: list[str] | None = None,
                 delimiter: str | None = None):
        self.store, self.query, self.fields, self.delimiter = store, query, fields, delimiter
        store.conn.create_function("cstool_iso", 1, lambda x, tz=query.tz: iso_instant(x, tz), deterministic=True)
        _latest_answers(store)
        exprs = _expressions(store, query)
        self.sql, self.params = _select(query, exprs, fields, delimiter)
        self.ranged_sql, _ = _select(query, exprs, fields, delimiter, ranged=True)
        self.by_rowids_sql, _ = _select(query, exprs, None, None, by_rowids=True)

    def batches(self, size: int) -> Iterator[list[tuple]]:
        """The rows in order, `size` at a time, one row at a time from SQLite."""
        cursor = self.store.conn.execute(self.sql, self.params)
        while batch := cursor.fetchmany(size):
            yield batch

    def ranges(self) -> list[tuple[int, int]] | None:
        """[lo, hi) rowid ranges of SPAN covering the tickets, for `range_rows`; None when the
        rows cannot come by rowid ranges (a --sort, or not CSV)."""
        if self.query.sort or self.delimiter is None:
            return None
        lo, hi = self.store.conn.execute("SELECT min(rowid), max(rowid) + 1 FROM tickets").fetchone()
        return [(a, min(a + SPAN, hi)) for a in range(lo, hi, SPAN)] if lo is not None else []

    def range_rows(self, lo: int, hi: int) -> list:
        return self._range(self.store, lo, hi)

    def _range(self, reader: Store, lo: int, hi: int) -> list:
        """The rows of rowids [lo, hi) from one SQL step (so the thread takes the GIL once per
        range, not once per row): as [(lines joined by RS, how many, their rowids joined by
        commas)] when no row needs care, else as (line, rowid, care, live) rows, a care row
        without its line. A text that would make the split doubtful (a cell holds RS or US) is
        read again row by row."""
        sql, params = self.ranged_sql, {**self.params, "lo": lo, "hi": hi}
        text, count, rowids = reader.conn.execute(
            "SELECT group_concat(CASE WHEN _care THEN char(31) ELSE _line END, char(30)), count(*), "
            f"group_concat(_rowid) FROM ({sql} ORDER BY _rowid)", params).fetchone()
        if not count:
            return []
        if "\x1f" not in text and text.count("\x1e") == count - 1:
            return [(text, count, rowids)]
        lines = text.split("\x1e")
        if len(lines) != count or any(line.startswith("\x1f") and line != "\x1f" for line in lines):
            return reader.conn.execute(f"{sql} ORDER BY _rowid", params).fetchall()
        return [(None, rowid, 1, 0) if line == "\x1f" else (line, rowid, 0, 0)
                for line, rowid in zip(lines, map(int, rowids.split(",")))]

    def rows_of(self, rowids: list[int]) -> dict[int, tuple]:
        """Every column of these tickets, then rowid, care (their clocks) and live, by rowid."""
        width = len(COLUMNS)
        return {row[width]: row for row in self.store.conn.execute(
            self.by_rowids_sql, {"as_of": self.query.as_of, "rowids": json.dumps(rowids)})}

    def stored_clocks(self, rowid: int) -> list[Clock]:
        """The ticket's stored clocks: first response, resolution, then its cycles in order."""
        found: dict[str, list[Clock]] = {}
        for part in PARTS:
            where = "y.ticket = ?" if part.prefix == "y." else "c.ticket = ?"
            cursor = self.store.conn.execute(f"SELECT {part.select()} FROM {part.source} WHERE {where} "
                                             "ORDER BY cycle", (rowid,))
            names = [d[0] for d in cursor.description]
            found[part.metric] = [clock_from_row(dict(zip(names, row))) for row in cursor]
        return [*found["first_response"], *found["resolution"], *found["next_response"]]
