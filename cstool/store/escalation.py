"""The escalation queues' queries: latest survey answers per customer and the run history."""

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
