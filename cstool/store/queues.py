"""Queries behind the escalation and follow-up queues and the customer view."""

from __future__ import annotations

import json

from cstool.store.connection import Store


def latest_answers(store: Store, customer_ids: set[str], as_of: int) -> dict[str, dict[str, tuple[float, int]]]:
    """Per customer, the latest CSAT and NPS answer at or before as_of: {id: {kind: (score, at)}}."""
    out: dict[str, dict[str, tuple[float, int]]] = {}
    ids = sorted(i for i in customer_ids if i)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = store.conn.execute(
            "SELECT customer_id, kind, score, label, submitted_at FROM surveys WHERE kind IN ('csat', 'nps') AND "
            f"submitted_at <= ? AND customer_id IN ({', '.join('?' * len(chunk))}) ORDER BY submitted_at",
            [as_of, *chunk])
        for customer, kind, score, label, at in rows:
            if score is None and label:
                score = 5.0 if label == "good" else 1.0
            if score is not None:
                out.setdefault(customer, {})[kind] = (score, at)
    return out


def record_escalations(store: Store, as_of: int, rows: list[tuple]) -> None:
    """Replace the history of run `as_of` with `rows` (source, ticket_id, tier, rank, reasons)."""
    with store.write() as conn:
        conn.execute("DELETE FROM escalation_log WHERE as_of = ?", (as_of,))
        conn.executemany("INSERT INTO escalation_log VALUES (?, ?, ?, ?, ?, ?)",
                         [(as_of, s, t, tier, rank, json.dumps(reasons)) for s, t, tier, rank, reasons in rows])


def previous_run(store: Store, before: int, inclusive: bool = False) -> tuple[int | None, dict[tuple[str, str], int]]:
    """(as_of of the latest recorded run before `before` (or at it), {(source, ticket): tier rank})."""
    op = "<=" if inclusive else "<"
    row = store.conn.execute(f"SELECT max(as_of) FROM escalation_log WHERE as_of {op} ?", (before,)).fetchone()
    if row[0] is None:
        return None, {}
    ranks = {(s, t): r for s, t, r in store.conn.execute(
        "SELECT source, ticket_id, tier_rank FROM escalation_log WHERE as_of = ?", (row[0],))}
    return row[0], ranks


def followup_candidates(store: Store, since: int, until: int) -> list[dict]:
    """Detractors (NPS 0-6) and CSAT of 2 or less (or Bad) answered in [since, until) and not
    followed up, with their ticket and customer."""
    cur = store.conn.execute(
        "SELECT s.source, s.id AS survey_id, s.kind, s.score, s.label, s.comment, s.submitted_at, s.ticket_id, "
        "coalesce(s.customer_id, t.customer_id) AS customer_id, c.name AS customer_name, "
        "coalesce(c.email, t.customer_email) AS customer_email, coalesce(c.tier, t.customer_tier) AS customer_tier, "
        "t.subject, t.assignee, t.team FROM surveys s "
        "LEFT JOIN tickets t ON t.source = s.source AND t.id = s.ticket_id "
        "LEFT JOIN customers c ON c.id = coalesce(s.customer_id, t.customer_id) "
        "LEFT JOIN followups f ON f.source = s.source AND f.survey_id = s.id "
        "WHERE f.survey_id IS NULL AND s.submitted_at >= ? AND s.submitted_at < ? AND ("
        "(s.kind = 'nps' AND s.score <= 6) OR (s.kind = 'csat' AND (s.score <= 2 OR s.label = 'bad'))) "
        "ORDER BY s.submitted_at DESC, s.id", (since, until))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


def find_survey(store: Store, survey_id: str) -> list[tuple[str, str]]:
    found = store.conn.execute("SELECT source, id FROM surveys WHERE id = ?", (survey_id,)).fetchall()
    if not found and ":" in survey_id:
        source, _, sid = survey_id.partition(":")
        found = store.conn.execute("SELECT source, id FROM surveys WHERE source = ? AND id = ?", (source, sid)).fetchall()
    return found


def mark_followup(store: Store, key: tuple[str, str], done_at: int | None, note: str | None) -> bool:
    """Store a follow-up as done (or, with done_at None, undo it). Returns whether anything changed."""
    with store.write() as conn:
        if done_at is None:
            return conn.execute("DELETE FROM followups WHERE source = ? AND survey_id = ?", key).rowcount > 0
        conn.execute("INSERT OR REPLACE INTO followups VALUES (?, ?, ?, ?)", (*key, done_at, note))
        return True


def find_customer(store: Store, ref: str) -> dict | None:
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


def customer_history(store: Store, customer_id: str, email: str | None, as_of: int) -> dict:
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
                 "t.id = c.ticket_id WHERE t.customer_id = ? AND c.due_at >= ? AND c.due_at < ? AND "
                 "((c.mode = 'stopped' AND c.stopped_at > c.due_at) OR c.mode IN ('running', 'paused'))",
                 (customer_id, as_of - 90 * 86400, as_of)).fetchone()[0]
    return {"tickets": tickets, "events": events, "surveys": surveys, "breached_tickets_90d": breaches}
