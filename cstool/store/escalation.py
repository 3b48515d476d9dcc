"""The escalation queues' queries: latest survey answers per customer and the run history
(the tiers in SQL and the recording of a run: store/escalation_tiers)."""

from __future__ import annotations

from cstool.store.connection import Store


def latest_answers(store: Store, customer_ids: set[str], as_of: int) -> dict[str, dict[str, tuple[float, int]]]:
    """Per customer, the latest CSAT and NPS answer at or before as_of: {id: {kind: (score, at)}}."""
    out: dict[str, dict[str, tuple[float, int]]] = {}
    ids = sorted(i for i in customer_ids if i)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = store.conn.execute(
            "SELECT customer_id, kind, score, label, submitted_at FROM surveys WHERE kind IN ('csat', 'nps') AND "
            f"submitted_at <= ? AND customer_id IN ({', '.join('?' * len(chunk))}) ORDER BY submitted_at, rowid",
            [as_of, *chunk])
        for customer, kind, score, label, at in rows:
            if score is None and label:
                score = 5.0 if label == "good" else 1.0
            if score is not None:
                out.setdefault(customer, {})[kind] = (score, at)
    return out


def previous_run(store: Store, before: int, inclusive: bool = False) -> int | None:
    """The as_of of the latest recorded run before `before` (or at it), None when there is none."""
    op = "<=" if inclusive else "<"
    return store.conn.execute(f"SELECT max(as_of) FROM escalation_log WHERE as_of {op} ?", (before,)).fetchone()[0]
