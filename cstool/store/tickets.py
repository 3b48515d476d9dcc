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


def count_open_at(store: Store, at: int) -> int:
    """How many tickets are open at `at`."""
    return sum(store.conn.execute(f"SELECT count(*) FROM tickets WHERE {part}", {"at": at}).fetchone()[0]
               for part in open_at_parts(":at"))


def find_tickets(store: Store, ticket: str) -> list[tuple[str, str]]:
    """(source, id) of tickets with this id, or `source:id`."""
    q = store.conn.execute
    found = q("SELECT source, id FROM tickets WHERE id = ?", (ticket,)).fetchall()
    if not found and ":" in ticket:
        source, _, ticket_id = ticket.partition(":")
        found = q("SELECT source, id FROM tickets WHERE source = ? AND id = ?", (source, ticket_id)).fetchall()
    return found
