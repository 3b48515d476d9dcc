"""The customer view's queries: a customer by id or e-mail, and their history."""

from __future__ import annotations

from cstool.core.formats import DAY_SECONDS
from cstool.core.models import Record
from cstool.store.connection import Store
from cstool.store.sla_queries import STATE_SQL


def find_customer(store: Store, ref: str) -> Record | None:
    """A customer by id or e-mail (case-insensitive); from the tickets when there is no customer row."""
    q = store.conn.execute
    row = q("SELECT source, id, email, name, tier, signup_at, churned_at, revenue FROM customers "
            "WHERE id = ? OR lower(email) = lower(?) LIMIT 1", (ref, ref)).fetchone()
    if row:
        return dict(zip(("source", "id", "email", "name", "tier", "signup_at", "churned_at", "revenue"), row))
    row = q("SELECT customer_id, customer_email, customer_name, customer_tier, min(created_at) FROM tickets "
            "WHERE customer_id = ? OR lower(customer_email) = lower(?) GROUP BY customer_id LIMIT 1",
            (ref, ref)).fetchone()
    if row is None or row[0] is None:
        return None
    return {"source": None, "id": row[0], "email": row[1], "name": row[2], "tier": row[3], "signup_at": row[4],
            "churned_at": None, "revenue": None}


def customer_history(store: Store, customer_id: str, email: str | None, as_of: int) -> Record:
    """The customer's tickets, their reply events and survey answers up to as_of."""
    q = store.conn.execute
    cols = ("source", "id", "subject", "channel", "priority", "status", "created_at", "resolution_at", "team",
            "assignee")
    tickets = [dict(zip(cols, r)) for r in q(
        f"SELECT {', '.join(cols)} FROM tickets WHERE (customer_id = ? OR (? IS NOT NULL AND "
        "lower(customer_email) = lower(?))) AND (created_at IS NULL OR created_at <= ?) ORDER BY created_at DESC",
        (customer_id, email, email, as_of))]
    keys = [(t["source"], t["id"]) for t in tickets]
    events = []
    for source, ticket_id in keys:
        events += [{"source": source, "ticket_id": ticket_id, "at": at, "type": kind, "value": value}
                   for at, kind, value in q("SELECT at, type, value FROM ticket_events WHERE source = ? AND "
                                            "ticket_id = ? AND type IN ('agent_reply', 'customer_reply') AND at <= ?",
                                            (source, ticket_id, as_of))]
    surveys = [dict(zip(("source", "id", "ticket_id", "kind", "score", "label", "comment", "submitted_at"), r))
               for r in q("SELECT source, id, ticket_id, kind, score, label, comment, submitted_at FROM surveys "
                          "WHERE (customer_id = ? OR ticket_id IN (SELECT id FROM tickets WHERE customer_id = ?)) "
                          "AND submitted_at <= ? ORDER BY submitted_at DESC", (customer_id, customer_id, as_of))]
    breaches = q("SELECT count(DISTINCT c.ticket_id) FROM sla_clocks c JOIN tickets t ON t.source = c.source AND "
                 "t.id = c.ticket_id WHERE t.customer_id = :customer AND c.due_at >= :since AND c.due_at < :as_of AND "
                 f"{STATE_SQL} = 'breached'",
                 {"customer": customer_id, "since": as_of - 90 * DAY_SECONDS, "as_of": as_of}).fetchone()[0]
    return {"tickets": tickets, "events": events, "surveys": surveys, "breached_tickets_90d": breaches}
