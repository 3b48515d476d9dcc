"""The escalation and follow-up queues, and the customer view: the store's data through the
pure escalation rules and SLA clocks, as records for the CLI to render."""

from __future__ import annotations

import json

from cstool.errors import InputMissing
from cstool.escalation import Signals, escalate
from cstool.sla.clock import evaluate
from cstool.slas import SlaEngine, refresh_clocks
from cstool.store import Store
from cstool.store import queues as queue_store
from cstool.store import sla as sla_store

NEEDS_SURVEYS = ("csat_at_most", "nps_detractor")


def build_escalations(store: Store, engine: SlaEngine, as_of: int, filters: dict | None = None) -> list[dict]:
    """Every open ticket some rule escalates, highest tier first, most urgent first within a
    tier; each with its tier, every reason, and the clock that matters (earliest deadline)."""
    filters = filters or {}
    tiers = engine.config.tiers
    refresh_clocks(store, engine)
    tickets: dict[tuple[str, str], dict] = {}
    for row in sla_store.open_clock_rows(store, as_of, {k: filters.get(k) for k in ("team", "assignee")},
                                         {"breached", "at_risk", "running", "paused"}, None):
        key = (row["source"], row["ticket_id"])
        entry = tickets.setdefault(key, {"row": row, "clocks": []})
        clock = sla_store.clock_from_row(row)
        calendar = engine.calendars[clock.calendar]
        ev = evaluate(clock, calendar, as_of)
        used = ev.elapsed_business_seconds / clock.target_seconds if clock.target_seconds else 0.0
        overdue = as_of - clock.due_at if ev.state == "breached" and clock.due_at else 0
        entry["clocks"].append((clock.metric, ev.state, used, overdue, clock.due_at, ev.remaining_seconds))
    answers = {}
    if any(getattr(rule, name) is not None for tier in tiers for rule in tier.rules for name in NEEDS_SURVEYS):
        answers = queue_store.latest_answers(store, {e["row"]["customer_id"] for e in tickets.values()}, as_of)
    ranks = {tier.name: i for i, tier in enumerate(tiers)}
    queue = []
    for (source, ticket_id), entry in tickets.items():
        row = entry["row"]
        ticket = {**row, "id": ticket_id, "tags": json.loads(row["tags"] or "[]")}
        mine = answers.get(row["customer_id"], {})
        signals = Signals(ticket, [c[:5] for c in entry["clocks"]], mine.get("csat"), mine.get("nps"))
        tier, reasons = escalate(signals, tiers, as_of)
        if tier is None or (filters.get("tier") and tier.lower() != filters["tier"].lower()):
            continue
        due = min((c for c in entry["clocks"] if c[4] is not None), key=lambda c: c[4], default=None)
        queue.append({"tier": tier, "tier_rank": ranks[tier], "source": source, "ticket_id": ticket_id,
                      "subject": row["subject"], "customer_id": row["customer_id"],
                      "customer_tier": row["customer_tier"], "priority": row["priority"], "team": row["team"],
                      "assignee": row["assignee"], "age_seconds": as_of - row["created_at"] if row["created_at"] else None,
                      "metric": due[0] if due else None, "due_at": due[4] if due else None,
                      "remaining_seconds": due[5] if due else None, "overdue_seconds": due[3] if due else 0,
                      "reasons": [{"code": r.code, "text": r.text} for r in reasons]})
    queue.sort(key=lambda e: (-e["tier_rank"], e["due_at"] is None, e["due_at"] or 0, e["ticket_id"]))
    return queue


def record_and_filter_new(store: Store, queue: list[dict], as_of: int, new_since: int | None | str) -> list[dict]:
    """Record this run (idempotent per as_of) and, with `new_since`, keep only the tickets that
    entered their tier (or a higher one) since the previous run ("LAST") or the run at or before
    an instant."""
    if new_since is not None:
        if new_since == "LAST":
            _, before = queue_store.previous_run(store, as_of)
        else:
            _, before = queue_store.previous_run(store, new_since, inclusive=True)
    queue_store.record_escalations(store, as_of, [(e["source"], e["ticket_id"], e["tier"], e["tier_rank"],
                                                   e["reasons"]) for e in queue])
    if new_since is None:
        return queue
    return [e for e in queue if before.get((e["source"], e["ticket_id"]), -1) < e["tier_rank"]]


def followup_queue(store: Store, as_of: int, days: int) -> list[dict]:
    """Detractors and CSAT <= 2 answers of the last `days` days not yet followed up; the owner is
    the ticket's assignee, else its team."""
    rows = queue_store.followup_candidates(store, as_of - days * 86400, as_of + 1)
    for row in rows:
        row["owner"] = row["assignee"] or row["team"]
        score = row["score"]
        row["score"] = row["label"] if score is None else int(score) if score == int(score) else score
    return rows


def mark_followup(store: Store, survey_ref: str, done_at: int | None, note: str | None) -> tuple[str, str]:
    keys = queue_store.find_survey(store, survey_ref)
    if not keys:
        raise InputMissing(f"no survey answer {survey_ref!r} in the store (see `cstool followups`)")
    if len(keys) > 1:
        raise InputMissing(f"survey id {survey_ref!r} exists in several sources; name one as SOURCE:ID")
    queue_store.mark_followup(store, keys[0], done_at, note)
    return keys[0]


def customer_view(store: Store, engine: SlaEngine, ref: str, as_of: int) -> dict:
    """Profile, health and the omnichannel timeline (newest first) of one customer."""
    customer = queue_store.find_customer(store, ref)
    if customer is None:
        raise InputMissing(f"no customer {ref!r} (looked up by id and by e-mail, case-insensitive)")
    refresh_clocks(store, engine)
    history = queue_store.customer_history(store, customer["id"], customer["email"], as_of)
    tickets = history["tickets"]
    open_tickets = [t for t in tickets if t["resolution_at"] is None or t["resolution_at"] > as_of]
    timeline = [{"at": t["created_at"], "kind": "ticket", "channel": t["channel"], "ticket_id": t["id"],
                 "text": f"{t['subject'] or ''} ({t['priority']}, {t['status']})"} for t in tickets if t["created_at"]]
    channels = {t["id"]: t["channel"] for t in tickets}
    timeline += [{"at": e["at"], "kind": e["type"], "channel": channels.get(e["ticket_id"]), "ticket_id": e["ticket_id"],
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
