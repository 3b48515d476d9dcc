"""The history a breach forecast learns from, and the outcome of every clock (for back-tests)."""

from __future__ import annotations

from cstool.store.connection import Store
from cstool.store.sla import PARTS, PAUSED, RUNNING, STOPPED

_GROUP = "coalesce(n.policy, ''), coalesce(t.priority, ''), coalesce(t.team, ''), coalesce(t.channel, '')"


def _started(part) -> str:
    # (first response and resolution start at the ticket's creation: through its index)
    return "y.started_at" if part.prefix == "y." else "t.created_at"


def stopped_clocks(store: Store, since: int, until: int) -> list[tuple]:
    """Clocks started in [since, until] and stopped by `until`: (metric, policy, priority, team,
    channel, business seconds to the stop, True, stopped after the deadline)."""
    out: list[tuple] = []
    for part in PARTS:
        col = part.col
        out += store.conn.execute(
            f"SELECT '{part.metric}', {_GROUP}, {col('elapsed')}, 1, {col('stopped_at')} > {col('due_at')} "
            f"FROM {part.source} WHERE {_started(part)} BETWEEN ? AND ? AND {part.mode} = {STOPPED} "
            f"AND {col('stopped_at')} <= ?", (since, until, until)).fetchall()
    return out


def outcomes(store: Store, until: int) -> dict[tuple[str, str, str, int], bool]:
    """(source, ticket_id, metric, cycle) -> whether the clock breached, as the data stands: a
    stopped clock breached when it stopped after its deadline, a running or paused one when its
    deadline is before `until` (the store's last data instant); clocks whose fate is not known
    yet are left out."""
    out: dict[tuple[str, str, str, int], bool] = {}
    for part in PARTS:
        col = part.col
        for source, ticket_id, cycle, mode, stopped, due in store.conn.execute(
                f"SELECT t.source, t.id, {part.cycle}, {part.mode}, {col('stopped_at')}, {col('due_at')} "
                f"FROM {part.source} WHERE {col('due_at')} IS NOT NULL "
                f"AND {part.mode} IN ({STOPPED}, {RUNNING}, {PAUSED})"):
            if mode == STOPPED:
                out[(source, ticket_id, part.metric, cycle)] = stopped > due
            elif due < until:
                out[(source, ticket_id, part.metric, cycle)] = True
    return out


def latest_data(store: Store, until: int) -> int | None:
    """The last ticket creation at or before `until` (the history window ends there)."""
    return store.conn.execute("SELECT max(created_at) FROM tickets WHERE created_at <= ?", (until,)).fetchone()[0]


def data_end(store: Store) -> int | None:
    """The store's last data instant."""
    return store.conn.execute("SELECT max(last_event_at) FROM clocks").fetchone()[0]
