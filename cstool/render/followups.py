"""The follow-up queue: a table for people, records for machines."""

from __future__ import annotations

from cstool.core.models import Record
from cstool.render import Column
from cstool.render.table import print_table
from cstool.render.values import iso_instant

FOLLOWUP_COLUMNS = [Column("survey_id", "Survey", "id"), Column("submitted_at", "Answered", "time"),
                    Column("kind", "Kind"), Column("score", "Score"), Column("customer", "Customer", "id", rank=2),
                    Column("ticket_id", "Ticket", "id", rank=1), Column("owner", "Owner", rank=3),
                    Column("feeling", "Tone", rank=4), Column("comment", "Comment", wrap=True),
                    Column("themes", "Themes", rank=5, wrap=True)]
FOLLOWUP_MACHINE = [Column(k, k) for k in ("source", "survey_id", "kind", "score", "comment", "sentiment", "tone",
                                            "themes", "submitted_at", "ticket_id", "customer_id", "customer_name",
                                            "customer_email", "customer_tier", "owner")]


def machine_records(rows: list[Record], tz: str) -> list[Record]:
    return [{**r, "submitted_at": iso_instant(r["submitted_at"], tz)} for r in rows]


def print_followups(console, rows: list[dict], tz: str, days: int) -> None:
    shown = [{**r, "customer": r["customer_email"] or r["customer_id"] or "",
              "feeling": "" if r["tone"] is None else f"{r['tone']} {r['sentiment']:+.2f}"} for r in rows]
    print_table(console, shown, FOLLOWUP_COLUMNS, tz=tz, title=f"Follow-ups: {len(rows)} open",
                empty=f"No detractor or low-CSAT answer waits for a follow-up (last {days} days).")
