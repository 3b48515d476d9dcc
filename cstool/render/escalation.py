"""The escalation queues: one table per tier for people, one record per ticket for machines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cstool.core.models import QueueEntry
from cstool.render import Column
from cstool.render.table import print_table
from cstool.render.values import iso_instant, many, time_left

if TYPE_CHECKING:
    from rich.console import Console

ESCALATION_COLUMNS = [Column("ticket_id", "Ticket", "id"), Column("customer", "Customer (tier)", "id", rank=3),
                      Column("priority", "Priority", rank=2), Column("team", "Team", rank=4),
                      Column("assignee", "Assignee", rank=5), Column("age_seconds", "Age", "duration", rank=1),
                      Column("clock", "SLA clock"), Column("reason_text", "Reasons", wrap=True)]
ESCALATION_MACHINE = [Column(k, k) for k in ("tier", "source", "ticket_id", "subject", "customer_id", "customer_tier",
                                              "priority", "team", "assignee", "age_seconds", "metric", "due_at",
                                              "remaining_seconds", "overdue_seconds", "reasons")]


def clock_text(entry: QueueEntry) -> str:
    """`resolution: overdue 11d 6h` or `first_response: 2h left` for the clock that matters."""
    if entry["metric"] is None or entry["remaining_seconds"] is None:
        return ""
    return f"{entry['metric']}: {time_left(entry['overdue_seconds'] or None, max(entry['remaining_seconds'], 0))}"


def queue_records(queue: list[QueueEntry], tz: str) -> list[dict[str, Any]]:
    """The queue as json records: instants in ISO-8601, without the internal tier rank and row."""
    rows = [{**e, "due_at": iso_instant(e["due_at"], tz)} for e in queue]
    for row in rows:
        row.pop("tier_rank", None)
        row.pop("rid", None)
    return rows


def csv_records(queue: list[QueueEntry], tz: str) -> list[dict[str, Any]]:
    """As `queue_records`, with the reasons as their texts."""
    return [{**r, "reasons": [x["text"] for x in r["reasons"]]} for r in queue_records(queue, tz)]


def print_queues(console: Console, queue: list[QueueEntry], sizes: dict[str, int], tz: str, limit: int,
                 new_only: bool) -> None:
    """One table per tier of `sizes` ({tier: tickets}, highest first), at most `limit` rows each
    (0 = all) of the `queue` entries written out."""
    for n, (name, size) in enumerate(sizes.items()):
        if n:
            console.print("")
        entries = [e for e in queue if e["tier"] == name]
        rows = [{**e, "customer": f"{e['customer_id'] or '?'} ({e['customer_tier'] or '-'})",
                 "clock": clock_text(e), "reason_text": "; ".join(r["text"] for r in e["reasons"])}
                for e in (entries[:limit] if limit else entries)]
        print_table(console, rows, ESCALATION_COLUMNS, tz=tz, title=f"{name}: {many(size, 'ticket')}",
                    empty=f"{name}: no tickets" + (" new since the previous run" if new_only else ""))
        if len(rows) < size:
            console.print(f"… {size - len(rows)} more in {name} (--limit 0 or --format csv for all)",
                          markup=False)
