"""The customers active in a period, whether each had a bad experience in it, and whether each churned."""

from __future__ import annotations

from cstool.store.connection import Store
from cstool.store.sla import PARTS, PAUSED, RUNNING, STOPPED

_BAD_CSAT = "s.kind = 'csat' AND (s.score <= 2 OR s.label = 'bad')"  # (as the follow-up queue reads it)


def _breached(part) -> str:
    due, stopped = part.col("due_at"), part.col("stopped_at")
    return (f"(({part.mode} = {STOPPED} AND {stopped} > {due}) OR "
            f"({part.mode} IN ({RUNNING}, {PAUSED}) AND {due} < :until))")


def has_churn_dates(store: Store) -> tuple[int, int]:
    """(customers imported, of which with a churn date)."""
    return store.conn.execute("SELECT count(*), count(churned_at) FROM customers").fetchone()


def active_customers(store: Store, since: int, until: int) -> list[tuple[bool, bool]]:
    """(bad experience, churned) of every imported customer (matched by id, whatever the
    sources, as the customer view matches them) with a ticket created in
    [since, until) who had not churned before `since`: bad when one of those tickets breached a
    first-response or resolution clock or was reopened, or the customer answered a CSAT of 2 or
    less in the period; churned when the customer's churn date is at or after `since`."""
    fr, res, _ = PARTS
    rows = store.conn.execute(
        "WITH mine AS (SELECT t.rowid AS rid, t.customer_id, t.reopens FROM tickets t "
        "WHERE t.created_at >= :since AND t.created_at < :until AND t.customer_id IS NOT NULL), "
        "bad AS (SELECT m.customer_id FROM mine m JOIN clocks c ON c.ticket = m.rid "
        f"WHERE m.reopens > 0 OR {_breached(fr)} OR {_breached(res)} "
        "UNION SELECT s.customer_id FROM surveys s WHERE s.submitted_at >= :since AND "
        f"s.submitted_at < :until AND {_BAD_CSAT}) "
        "SELECT cu.id, max(cu.id IN (SELECT customer_id FROM bad)), "
        "max(cu.churned_at IS NOT NULL AND cu.churned_at >= :since) FROM customers cu "
        "WHERE cu.id IN (SELECT customer_id FROM mine) AND (cu.churned_at IS NULL OR cu.churned_at >= :since) "
        "GROUP BY cu.id", {"since": since, "until": until}).fetchall()
    return [(bool(bad), bool(churned)) for _, bad, churned in rows]
