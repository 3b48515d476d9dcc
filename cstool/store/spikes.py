"""Ticket counts per group and window for spike detection, and the customers behind a group."""

from __future__ import annotations

from cstool.store.connection import Store
from cstool.store.kpi import group_sql
from cstool.store.tickets import open_at


def window_counts(store: Store, dimension: str, as_of: int, width: int, windows: int) -> dict[str, dict[int, int]]:
    """value -> {window j: tickets created in [as_of - (j+1)·width, as_of - j·width)}, for
    j < windows (groups without a value are left out: '(none)' is no issue)."""
    key, join = group_sql(dimension)
    out: dict[str, dict[int, int]] = {}
    for value, j, n in store.conn.execute(
            f"SELECT {key}, (:at - 1 - t.created_at) / :w, count(*) FROM tickets t{join} "
            "WHERE t.created_at >= :lo AND t.created_at < :at GROUP BY 1, 2",
            {"at": as_of, "w": width, "lo": as_of - windows * width}):
        if value != "(none)":
            out.setdefault(value, {})[j] = n
    return out


def group_customers(store: Store, dimension: str, value: str, since: int, as_of: int) -> list[tuple]:
    """The tickets of the group with a customer, created in [since, as_of) or open at as_of,
    oldest first: (customer_id, name, e-mail, tier, ticket id, created_at), the customer
    table's name, e-mail and tier first, else the ticket's."""
    key, join = group_sql(dimension)
    return store.conn.execute(
        "SELECT t.customer_id, coalesce(c.name, t.customer_name), coalesce(c.email, t.customer_email), "
        "coalesce(c.tier, t.customer_tier), t.id, t.created_at "
        f"FROM tickets t{join} LEFT JOIN customers c ON c.source = t.source AND c.id = t.customer_id "
        f"WHERE {key} = :value AND t.customer_id IS NOT NULL AND t.created_at < :at "
        f"AND (t.created_at >= :since OR {open_at(':at', 't.')}) ORDER BY t.created_at, t.id",
        {"value": value, "since": since, "at": as_of}).fetchall()
