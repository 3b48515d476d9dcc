"""Counts and samples by local day of week and hour (the heat map, the staffing plan)."""

from __future__ import annotations

from cstool.core.formats import offset_spans
from cstool.store.connection import Store
from cstool.store.kpi import CLEAN, FR_SECONDS, Where, bisect_sql, sorted_samples, where_sql
from cstool.store.sla import PARTS, PAUSED, RUNNING, STOPPED


def cell_sql(x: str, tz: str, lo: int, hi: int) -> str:
    """SQL: the local hour of the week of instant `x` in `tz`, 0 = Monday 00:00-01:00 ... 167,
    by the zone's offset spans over [lo, hi) (a binary search inside the SQL): the twin of
    `core.formats.hour_of_week` for x in [lo, hi)."""
    spans = offset_spans(tz, lo, hi)
    offset = bisect_sql(x, [start for start, _, _ in spans], [str(seconds) for _, seconds, _ in spans])
    # (epoch day 0, 1970-01-01, was a Thursday: day 3 of a week that starts on Monday)
    return f"((({x} + {offset}) / 3600 + 72) % 168)"


def created_cells(store: Store, tz: str, lo: int, hi: int, where: Where = (), channel: str | None = None
                  ) -> dict[int, int]:
    """Hour of the week -> tickets created in [lo, hi)."""
    params: dict = {"lo": lo, "hi": hi}
    extra = where_sql(where)
    if channel is not None:
        extra += " AND t.channel = :channel"
        params["channel"] = channel
    return dict(store.conn.execute(f"SELECT {cell_sql('t.created_at', tz, lo, hi)}, count(*) FROM tickets t "
                                   f"WHERE t.created_at >= :lo AND t.created_at < :hi{extra} GROUP BY 1", params))


def breach_cells(store: Store, tz: str, lo: int, hi: int, where: Where = ()) -> dict[int, int]:
    """Hour of the week -> clocks whose deadline passed in [lo, hi) unmet (stopped after it, or
    still running or paused at hi), placed at the deadline."""
    out: dict[int, int] = {}
    for part in PARTS:
        due, stopped = part.col("due_at"), part.col("stopped_at")
        late = (f"(({part.mode} = {STOPPED} AND {stopped} > {due}) OR "
                f"({part.mode} IN ({RUNNING}, {PAUSED})))")
        for cell, n in store.conn.execute(
                f"SELECT {cell_sql(due, tz, lo, hi)}, count(*) FROM {part.source} WHERE {due} >= :lo AND "
                f"{due} < :hi AND {late}{where_sql(where)} GROUP BY 1", {"lo": lo, "hi": hi}):
            out[cell] = out.get(cell, 0) + n
    return out


def first_response_cells(store: Store, tz: str, lo: int, hi: int, where: Where = ()) -> dict[int, list[float]]:
    """Hour of the week of creation -> sorted first-response times (calendar seconds) of the
    clean tickets created in [lo, hi): the samples of the KPI's first-response median."""
    sql = (f"SELECT {cell_sql('t.created_at', tz, lo, hi)}, group_concat({FR_SECONDS}) FROM tickets t "
           f"WHERE t.created_at >= :lo AND t.created_at < :hi AND {CLEAN} AND t.first_response_at IS NOT NULL"
           f"{where_sql(where)} GROUP BY 1")
    return {cell: list(sorted_samples(text)) for cell, text in store.conn.execute(sql, {"lo": lo, "hi": hi})}


def handle_times(store: Store, lo: int, hi: int, channel: str) -> list[float]:
    """First response to resolution (calendar seconds) of the clean tickets of `channel` created
    in [lo, hi) and resolved: a live channel's handle time as an export can tell it."""
    (text,) = store.conn.execute(
        "SELECT group_concat(t.resolution_at - t.first_response_at) FROM tickets t WHERE t.created_at >= ? AND "
        f"t.created_at < ? AND t.channel = ? AND {CLEAN} AND t.resolution_at >= t.first_response_at",
        (lo, hi, channel)).fetchone()
    return list(sorted_samples(text))
