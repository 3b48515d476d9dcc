"""The history a breach forecast learns from, and the outcome of every clock (for back-tests)."""

from __future__ import annotations

from cstool.store.connection import Store
from cstool.store.sla import PARTS, PAUSED, RUNNING, STOPPED, Part

_GROUP = "coalesce(n.policy, ''), coalesce(t.priority, ''), coalesce(t.team, ''), coalesce(t.channel, '')"


def stopped_clocks(store: Store, since: int, until: int) -> list[tuple]:
    """Clocks of the tickets created in [since, until] stopped by `until`, per (metric, policy, priority,
    team, channel): (the key..., business seconds to each stop as comma-separated text, how many
    stopped after their deadline). First response and resolution in one scan of their tickets."""
    def stopped(part: Part) -> str:
        return f"{part.mode} = {STOPPED} AND {part.col('stopped_at')} <= :until"

    def cells(part: Part) -> str:
        return (f"group_concat(CASE WHEN {stopped(part)} THEN {part.col('elapsed')} END), "
                f"sum({stopped(part)} AND {part.col('stopped_at')} > {part.col('due_at')})")

    args = {"since": since, "until": until}
    fr, res, cycles = PARTS
    out: list[tuple] = []
    for row in store.conn.execute(f"SELECT {_GROUP}, {cells(fr)}, {cells(res)} FROM {fr.source} "
                                  "WHERE t.created_at BETWEEN :since AND :until GROUP BY 1, 2, 3, 4", args):
        group, both = row[:4], row[4:]
        for metric, (durations, breached) in zip((fr.metric, res.metric), (both[:2], both[2:])):
            if durations:
                out.append((metric, *group, durations, breached))
    out += store.conn.execute(
        f"SELECT '{cycles.metric}', {_GROUP}, group_concat({cycles.col('elapsed')}), "
        f"sum({cycles.col('stopped_at')} > {cycles.col('due_at')}) FROM {cycles.source} "
        f"WHERE t.created_at BETWEEN :since AND :until AND {stopped(cycles)} GROUP BY 2, 3, 4, 5", args).fetchall()
    return out


def outcomes(store: Store, since: int, until: int, end: int) -> dict[tuple[str, str, str, int], bool]:
    """(source, ticket_id, metric, cycle) -> whether the clock breached, as the data stands, for
    the clocks that can be running at some instant of [since, until): a stopped clock breached
    when it stopped after its deadline, a running or paused one when its deadline is before
    `end` (the store's last data instant); clocks whose fate is not known yet are left out."""
    out: dict[tuple[str, str, str, int], bool] = {}
    for part in PARTS:
        col = part.col
        for source, ticket_id, cycle, mode, stopped, due in store.conn.execute(
                f"SELECT t.source, t.id, {part.cycle}, {part.mode}, {col('stopped_at')}, {col('due_at')} "
                f"FROM {part.source} WHERE {col('due_at')} IS NOT NULL AND t.created_at < :until "
                f"AND ({part.mode} IN ({RUNNING}, {PAUSED}) OR ({part.mode} = {STOPPED} AND "
                f"{col('stopped_at')} > :since))", {"since": since, "until": until}):
            if mode == STOPPED:
                out[(source, ticket_id, part.metric, cycle)] = stopped > due
            elif due < end:
                out[(source, ticket_id, part.metric, cycle)] = True
    return out


def latest_data(store: Store, until: int) -> int | None:
    """The last ticket creation at or before `until` (the history window ends there)."""
    return store.conn.execute("SELECT max(created_at) FROM tickets WHERE created_at <= ?", (until,)).fetchone()[0]


def nth_latest_created(store: Store, until: int, n: int) -> int | None:
    """The creation instant of the n-th latest ticket created at or before `until` (None when fewer)."""
    row = store.conn.execute("SELECT created_at FROM tickets WHERE created_at <= ? ORDER BY created_at DESC "
                             "LIMIT 1 OFFSET ?", (until, n - 1)).fetchone()
    return row[0] if row else None


def data_end(store: Store) -> int | None:
    """The store's last data instant."""
    return store.conn.execute("SELECT max(last_event_at) FROM clocks").fetchone()[0]
