"""The follow-up queue's queries: candidates, survey lookup, marking done and undoing."""

from __future__ import annotations

from cstool.core.models import Record
from cstool.store.connection import Store

# The answers to follow up: NPS detractors (0-6) and CSAT of 2 or less (or Bad).
DETRACTOR = "((s.kind = 'nps' AND s.score <= 6) OR (s.kind = 'csat' AND (s.score <= 2 OR s.label = 'bad')))"


def followup_candidates(store: Store, since: int, until: int) -> list[Record]:
    """Detractors (NPS 0-6) and CSAT of 2 or less (or Bad) answered in [since, until) and not
    followed up, with their ticket and customer (one row per answer, whatever the number of
    sources a customer was imported under: the survey's own source first, else the latest
    import) and their comment's sentiment and key phrases ('; '-joined) as read (store/texts)."""
    cur = store.conn.execute(
        "SELECT s.source, s.id AS survey_id, s.kind, s.score, s.label, s.comment, s.submitted_at, s.ticket_id, "
        "coalesce(s.customer_id, t.customer_id) AS customer_id, c.name AS customer_name, "
        "coalesce(c.email, t.customer_email) AS customer_email, coalesce(c.tier, t.customer_tier) AS customer_tier, "
        "t.subject, t.assignee, t.team, f.sentiment, (SELECT group_concat(term, '; ') FROM (SELECT term "
        "FROM text_terms x WHERE x.kind = 'comment' AND x.row = s.rowid ORDER BY term)) AS themes FROM surveys s "
        "LEFT JOIN tickets t ON t.source = s.source AND t.id = s.ticket_id "
        "LEFT JOIN text_facts f ON f.kind = 'comment' AND f.row = s.rowid "
        "LEFT JOIN customers c ON c.rowid = coalesce("
        "(SELECT c2.rowid FROM customers c2 WHERE c2.id = coalesce(s.customer_id, t.customer_id) "
        "AND c2.source = s.source), "
        "(SELECT c2.rowid FROM customers c2 WHERE c2.id = coalesce(s.customer_id, t.customer_id) "
        "ORDER BY c2.import_id DESC LIMIT 1)) "
        "LEFT JOIN followups f ON f.source = s.source AND f.survey_id = s.id "
        f"WHERE f.survey_id IS NULL AND s.submitted_at >= ? AND s.submitted_at < ? AND {DETRACTOR} "
        "ORDER BY s.submitted_at DESC, s.id", (since, until))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur]


def find_survey(store: Store, survey_id: str) -> list[tuple[str, str]]:
    found = store.conn.execute("SELECT source, id FROM surveys WHERE id = ?", (survey_id,)).fetchall()
    if not found and ":" in survey_id:
        source, _, sid = survey_id.partition(":")
        found = store.conn.execute("SELECT source, id FROM surveys WHERE source = ? AND id = ?",
                                   (source, sid)).fetchall()
    return found


def mark_followup(store: Store, key: tuple[str, str], done_at: int | None, note: str | None) -> bool:
    """Store a follow-up as done (or, with done_at None, undo it). Returns whether anything changed."""
    with store.write() as conn:
        if done_at is None:
            return conn.execute("DELETE FROM followups WHERE source = ? AND survey_id = ?", key).rowcount > 0
        conn.execute("INSERT OR REPLACE INTO followups VALUES (?, ?, ?, ?)", (*key, done_at, note))
        return True
