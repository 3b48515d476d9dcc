"""The customer view: profile, health and the omnichannel timeline of one customer."""

from __future__ import annotations

from cstool.core.errors import InputMissing
from cstool.core.tickets import is_open_at
from cstool.services.sla import SlaEngine, refresh_clocks
from cstool.store import Store
from cstool.store import customer as customer_store


def customer_view(store: Store, engine: SlaEngine, ref: str, as_of: int) -> dict:
    """Profile, health and the omnichannel timeline (newest first) of one customer."""
    customer = customer_store.find_customer(store, ref)
    if customer is None:
        raise InputMissing(f"no customer {ref!r} (looked up by id and by e-mail, case-insensitive)")
    refresh_clocks(store, engine)
    history = customer_store.customer_history(store, customer["id"], customer["email"], as_of)
    tickets = history["tickets"]
    open_tickets = [t for t in tickets if is_open_at(t, as_of)]
    timeline = [{"at": t["created_at"], "kind": "ticket", "channel": t["channel"], "ticket_id": t["id"],
                 "text": f"{t['subject'] or ''} ({t['priority']}, {t['status']})"} for t in tickets if t["created_at"]]
    channels = {t["id"]: t["channel"] for t in tickets}
    timeline += [{"at": e["at"], "kind": e["type"], "channel": channels.get(e["ticket_id"]),
                  "ticket_id": e["ticket_id"],
                  "text": ("agent " + e["value"]) if e["type"] == "agent_reply" and e["value"] else
                  e["type"].replace("_", " ")} for e in history["events"]]
    timeline += [{"at": s["submitted_at"], "kind": s["kind"], "channel": "survey", "ticket_id": s["ticket_id"],
                  "text": _survey_text(s)} for s in history["surveys"]]
    timeline.sort(key=lambda e: (e["at"], e["kind"]), reverse=True)
    churned = customer["churned_at"] is not None and customer["churned_at"] <= as_of
    return {"customer": {**customer, "churned": churned},
            "health": {"open_tickets": len(open_tickets), "tickets": len(tickets),
                       "breached_tickets_90d": history["breached_tickets_90d"],
                       "csat": [(s["submitted_at"], s["score"] if s["score"] is not None else s["label"])
                                for s in history["surveys"] if s["kind"] == "csat"],
                       "nps": [(s["submitted_at"], s["score"]) for s in history["surveys"] if s["kind"] == "nps"],
                       "last_contact": max((e["at"] for e in timeline), default=None)},
            "timeline": timeline}


def _survey_text(survey: dict) -> str:
    value = f"{survey['score']:g}" if survey["score"] is not None else survey["label"]
    return f"{survey['kind'].upper()} {value}" + (f": {survey['comment']}" if survey["comment"] else "")
