"""The SQL twins of the ticket rules of `cstool.core.tickets` (a test compares them), and the
ticket lookups every command shares."""

from __future__ import annotations

from cstool.core.tickets import CLOSED_STATUSES
from cstool.store.connection import Store

_CLOSED = "(" + ", ".join(f"'{s}'" for s in CLOSED_STATUSES) + ")"


def open_at_parts(at: str, t: str = "") -> tuple[str, str]:
    """"Open at `at`" as two disjoint conditions on a ticket row (alias prefix `t`, such as
    "t."): resolved at or after `at`, and never resolved nor solved/closed. Either can use the
    resolution index on its own, so scans that need speed run them as two queries."""
    created = f"({t}created_at IS NULL OR {t}created_at < {at})"
    return (f"{t}resolution_at >= {at} AND {created}",
            f"{t}resolution_at IS NULL AND {created} AND coalesce({t}status, '') NOT IN {_CLOSED}")


def open_at(at: str, t: str = "") -> str:
    """"Open at `at`" as one condition (the twin of `core.tickets.is_open_at`)."""
    resolved_later, unresolved = open_at_parts(at, t)
    return f"(({resolved_later}) OR ({unresolved}))"


def count_open_at(store: Store, at: int, filters: dict[str, str | None] | None = None) -> int:
    """How many tickets are open at `at`; with `filters` (team, assignee, priority: equal without
    regard to case; policy: some stored clock of the ticket is under it), how many of those."""
    given = {k: v for k, v in (filters or {}).items() if v}
    where = ""
    params: dict[str, object] = {"at": at}
    for key in ("team", "assignee", "priority"):
        if key in given:
            where += f" AND lower({key}) = lower(:{key})"
            params[key] = given[key]
    if "policy" in given:
        where += (" AND EXISTS (SELECT 1 FROM clocks c JOIN clock_names n ON n.id = c.names "
                  "WHERE c.ticket = tickets.rowid AND lower(n.policy) = lower(:policy))")  # (one policy a ticket)
        params["policy"] = given["policy"]
    resolved_later, unresolved = open_at_parts(":at")
    # (the never-resolved ones are counted from their own partial index, without reading a row)
    return sum(store.conn.execute(f"SELECT count(*) FROM tickets{hint} WHERE {part}{where}", params).fetchone()[0]
               for hint, part in (("", resolved_later), (" INDEXED BY tickets_unresolved", unresolved)))


def distinct_values(store: Store, column: str) -> list[str]:
    """Every value of a ticket column (team, assignee, channel, priority, customer_tier) or tag in
    the store."""
    if column == "tag":
        return [v for (v,) in store.conn.execute("SELECT DISTINCT tg.value FROM tickets t, json_each(t.tags) tg")]
    if column not in ("team", "assignee", "channel", "priority", "customer_tier"):
        raise ValueError(f"not a filter column: {column}")
    return [v for (v,) in store.conn.execute(f"SELECT DISTINCT {column} FROM tickets WHERE {column} IS NOT NULL")]


def find_tickets(store: Store, ticket: str) -> list[tuple[str, str]]:
    """(source, id) of tickets with this id, or `source:id`."""
    q = store.conn.execute
    found = q("SELECT source, id FROM tickets WHERE id = ?", (ticket,)).fetchall()
    if not found and ":" in ticket:
        source, _, ticket_id = ticket.partition(":")
        found = q("SELECT source, id FROM tickets WHERE source = ? AND id = ?", (source, ticket_id)).fetchall()
    return found


def newest_activity(store: Store, at: int) -> int | None:
    """The latest ticket creation or resolution at or before `at` (both indexed: no scan)."""
    found = [store.conn.execute(f"SELECT max({column}) FROM tickets WHERE {column} <= ?", (at,)).fetchone()[0]
             for column in ("created_at", "resolution_at")]
    return max((t for t in found if t is not None), default=None)
