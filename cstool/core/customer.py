"""The customer view from a customer's records: health figures and the omnichannel timeline of
tickets, replies and survey answers, newest first (docs/semantics.md#follow-ups-and-the-customer-view)."""

from __future__ import annotations

from cstool.core.models import CustomerView, Record, TimelineEntry
from cstool.core.tickets import is_open_at


def customer_view(customer: Record, tickets: list[Record], events: list[Record], surveys: list[Record],
                  breached_tickets_90d: int, as_of: int) -> CustomerView:
    """Profile, health and timeline at `as_of` from the customer's tickets, reply events and answers."""
    timeline = _timeline(tickets, events, surveys)
    churned = customer["churned_at"] is not None and customer["churned_at"] <= as_of
    return {"customer": {**customer, "churned": churned},
            "health": {"open_tickets": sum(1 for t in tickets if is_open_at(t, as_of)), "tickets": len(tickets),
                       "breached_tickets_90d": breached_tickets_90d,
                       "csat": [(s["submitted_at"], s["score"] if s["score"] is not None else s["label"])
                                for s in surveys if s["kind"] == "csat"],
                       "nps": [(s["submitted_at"], s["score"]) for s in surveys if s["kind"] == "nps"],
                       "last_contact": max((e["at"] for e in timeline), default=None)},
            "timeline": timeline}


def _timeline(tickets: list[Record], events: list[Record], surveys: list[Record]) -> list[TimelineEntry]:
    timeline: list[TimelineEntry] = [
        {"at": t["created_at"], "kind": "ticket", "channel": t["channel"], "ticket_id": t["id"],
         "text": f"{t['subject'] or ''} ({t['priority']}, {t['status']})"} for t in tickets if t["created_at"]]
    channels = {t["id"]: t["channel"] for t in tickets}
    timeline += [{"at": e["at"], "kind": e["type"], "channel": channels.get(e["ticket_id"]),
                  "ticket_id": e["ticket_id"],
                  "text": ("agent " + e["value"]) if e["type"] == "agent_reply" and e["value"] else
                  e["type"].replace("_", " ")} for e in events]
    timeline += [{"at": s["submitted_at"], "kind": s["kind"], "channel": "survey", "ticket_id": s["ticket_id"],
                  "text": _survey_text(s)} for s in surveys]
    timeline.sort(key=lambda e: (e["at"], e["kind"]), reverse=True)
    return timeline


def _survey_text(survey: Record) -> str:
    value = f"{survey['score']:g}" if survey["score"] is not None else survey["label"]
    return f"{survey['kind'].upper()} {value}" + (f": {survey['comment']}" if survey["comment"] else "")
