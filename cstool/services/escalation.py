"""The escalation queues: open tickets through the pure escalation rules and their SLA clocks,
and the run history that tells what is new."""

from __future__ import annotations

from cstool.core.escalation import Signals, escalate
from cstool.core.models import QueueEntry
from cstool.core.sla.clock import evaluate
from cstool.services.memory import cyclic_gc_paused
from cstool.services.sla import SlaEngine, refresh_clocks
from cstool.store import Store, sla_queries
from cstool.store import escalation as queue_store
from cstool.store import sla as sla_store

NEEDS_SURVEYS = ("csat_at_most", "nps_detractor")


def build_escalations(store: Store, engine: SlaEngine, as_of: int, filters: dict[str, str | None] | None = None
                      ) -> list[QueueEntry]:
    """Every open ticket some rule escalates, highest tier first, most urgent first within a
    tier; each with its tier, every reason, and the clock that matters (earliest deadline)."""
    with cyclic_gc_paused():  # (thousands of rows and entries in flight, no cycles among them)
        return _queue(store, engine, as_of, filters or {})


def _queue(store: Store, engine: SlaEngine, as_of: int, filters: dict[str, str | None]) -> list[QueueEntry]:
    tiers = engine.config.tiers
    refresh_clocks(store, engine)
    tickets: dict[tuple[str, str], dict] = {}
    forecast = _forecast(store, engine, as_of)
    for row in sla_queries.open_clock_rows(store, as_of, {k: filters.get(k) for k in ("team", "assignee")},
                                         {"breached", "at_risk", "running", "paused"}, None):
        key = (row["source"], row["ticket_id"])
        entry = tickets.setdefault(key, {"row": row, "clocks": [], "forecasts": []})
        clock = sla_store.clock_from_row(row)
        calendar = engine.calendars[clock.calendar]
        ev = evaluate(clock, calendar, as_of)
        used = ev.elapsed_business_seconds / clock.target_seconds if clock.target_seconds else 0.0
        overdue = as_of - clock.due_at if ev.state == "breached" and clock.due_at else 0
        entry["clocks"].append((clock.metric, ev.state, used, overdue, clock.due_at, ev.remaining_seconds))
        if forecast is not None:
            e = forecast.estimate_for(clock.metric, ev.state, clock.target_seconds, ev.elapsed_business_seconds,
                                      {**row, "policy": clock.policy})
            if e is not None and e.level:  # (not already breached)
                entry["forecasts"].append((clock.metric, e.p_breach))
    answers = {}
    if any(getattr(rule, name) is not None for tier in tiers for rule in tier.rules for name in NEEDS_SURVEYS):
        answers = queue_store.latest_answers(store, {e["row"]["customer_id"] for e in tickets.values()}, as_of)
    ranks = {tier.name: i for i, tier in enumerate(tiers)}
    queue: list[QueueEntry] = []
    for (source, ticket_id), entry in tickets.items():
        row = entry["row"]
        ticket = {**row, "id": ticket_id}
        mine = answers.get(row["customer_id"], {})
        signals = Signals(ticket, [c[:5] for c in entry["clocks"]], mine.get("csat"), mine.get("nps"),
                          entry["forecasts"])
        tier, reasons = escalate(signals, tiers, as_of)
        wanted = filters.get("tier")
        if tier is None or (wanted and tier.lower() != wanted.lower()):
            continue
        due = min((c for c in entry["clocks"] if c[4] is not None), key=lambda c: c[4], default=None)
        queue.append({"tier": tier, "tier_rank": ranks[tier], "source": source, "ticket_id": ticket_id,
                      "subject": row["subject"], "customer_id": row["customer_id"],
                      "customer_tier": row["customer_tier"], "priority": row["priority"], "team": row["team"],
                      "assignee": row["assignee"],
                      "age_seconds": as_of - row["created_at"] if row["created_at"] else None,
                      "metric": due[0] if due else None, "due_at": due[4] if due else None,
                      "remaining_seconds": due[5] if due else None, "overdue_seconds": due[3] if due else 0,
                      "reasons": [{"code": r.code, "text": r.text} for r in reasons]})
    queue.sort(key=lambda e: (-e["tier_rank"], e["due_at"] is None, e["due_at"] or 0, e["ticket_id"]))
    return queue


def _forecast(store: Store, engine: SlaEngine, as_of: int):
    """The breach forecaster at `as_of` when a rule asks for a breach probability, else None."""
    if not any(rule.breach_probability is not None for tier in engine.config.tiers for rule in tier.rules):
        return None
    from cstool.services.forecast import Forecast

    return Forecast(store, engine, as_of, every=False)


def queue_sizes(store: Store, engine: SlaEngine, as_of: int, filters: dict[str, str | None] | None = None
                ) -> dict[str, int]:
    """How many tickets sit in each tier at `as_of` (of the `filters`' team or assignee), highest tier first."""
    queue = build_escalations(store, engine, as_of, filters)
    return {tier.name: sum(1 for e in queue if e["tier"] == tier.name) for tier in reversed(engine.config.tiers)}


def record_and_filter_new(store: Store, queue: list[QueueEntry], as_of: int, new_since: int | str | None,
                          record: bool = True) -> list[QueueEntry]:
    """Record this run (idempotent per as_of; not with `record` False: a wallboard's refreshes)
    and, with `new_since`, keep only the tickets that entered their tier (or a higher one) since
    the previous run ("LAST") or the run at or before an instant."""
    if new_since is not None:
        if isinstance(new_since, str):  # "LAST"
            _, before = queue_store.previous_run(store, as_of)
        else:
            _, before = queue_store.previous_run(store, new_since, inclusive=True)
    if record and not store.read_only:  # (a read-only store still answers; the caller says the run was not recorded)
        queue_store.record_escalations(store, as_of, [(e["source"], e["ticket_id"], e["tier"], e["tier_rank"],
                                                       e["reasons"]) for e in queue])
    if new_since is None:
        return queue
    return [e for e in queue if before.get((e["source"], e["ticket_id"]), -1) < e["tier_rank"]]
