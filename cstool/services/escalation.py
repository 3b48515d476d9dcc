"""The escalation queues: open tickets through the pure escalation rules and their SLA clocks,
and the run history that tells what is new."""

from __future__ import annotations

import json
from dataclasses import dataclass

from cstool.core.escalation import Signals, escalate
from cstool.core.models import QueueEntry
from cstool.core.sla.clock import evaluate
from cstool.services.memory import cyclic_gc_paused
from cstool.services.sla import SlaEngine, refresh_clocks
from cstool.store import Store, sla_queries
from cstool.store import escalation as queue_store
from cstool.store import escalation_tiers as tiers_store
from cstool.store import sla as sla_store

NEEDS_SURVEYS = ("csat_at_most", "nps_detractor")


@dataclass
class Queue:
    """A run of the escalation queues: `entries` (with every reason) for the tickets asked for,
    `sizes` how many tickets each tier holds, highest tier first."""

    entries: list[QueueEntry]
    sizes: dict[str, int]


def build_queue(store: Store, engine: SlaEngine, as_of: int, filters: dict[str, str | None] | None = None,
                new_since: int | str | None = None, shown: int | None = None) -> Queue:
    """Every open ticket some rule escalates (docs/semantics.md#escalations): tiers decided in
    SQL where the stored clocks tell, by the rules themselves for the rest; with `new_since`
    ("LAST": the previous recorded run, or an instant: the run at or before it) only the tickets
    that entered their tier or a higher one since. Entries are written out for the first `shown`
    tickets of each tier (None: all), highest tier first, most urgent first within a tier. The
    run's tickets stay in the store's connection for `record_run`."""
    filters = filters or {}
    with cyclic_gc_paused():  # (thousands of rows and entries in flight, no cycles among them)
        refresh_clocks(store, engine)
        _decide(store, engine, as_of, filters)
        previous = None
        if new_since is not None:
            previous = queue_store.previous_run(store, as_of if isinstance(new_since, str) else new_since,
                                                inclusive=not isinstance(new_since, str))
        names = [tier.name for tier in engine.config.tiers]
        counts = tiers_store.tier_sizes(store, previous)
        sizes = {names[rank]: counts.get(rank, 0) for rank in reversed(range(len(names)))}
        rids = tiers_store.first_of_each_tier(store, shown, previous)
        return Queue(queue_entries(store, engine, as_of, filters, rids), sizes)


def _decide(store: Store, engine: SlaEngine, as_of: int, filters: dict[str, str | None]) -> None:
    """The run's tickets and tiers into the store's temporary table (tiers_store.ESCALATED)."""
    tiers = engine.config.tiers
    exact = {i for i, calendar in tiers_store.clock_calendars(store).items()
             if calendar in engine.calendars and engine.calendars[calendar].always_open}
    team = {k: filters.get(k) for k in ("team", "assignee")}
    undecided = tiers_store.decide_tiers(store, tiers, as_of, team, exact)
    ranks: dict[int, int | None] = dict.fromkeys(undecided)
    for entry in queue_entries(store, engine, as_of, filters, undecided):
        ranks[entry["rid"]] = entry["tier_rank"]
    tiers_store.settle(store, ranks)
    wanted = filters.get("tier")
    if wanted:
        tiers_store.keep_rank(store, next(i for i, t in enumerate(tiers) if t.name.lower() == wanted.lower()))


def queue_entries(store: Store, engine: SlaEngine, as_of: int, filters: dict[str, str | None], rids: list[int]
                  ) -> list[QueueEntry]:
    """The queue entries of the tickets `rids` (those some rule escalates), each with its tier,
    every reason, and the clock that matters (earliest deadline); highest tier first."""
    if not rids:
        return []
    picked = tiers_store.pick(store, rids)
    tiers = engine.config.tiers
    tickets: dict[tuple[str, str], dict] = {}
    forecast = _forecast(store, engine, as_of)
    for row in sla_queries.open_clock_rows(store, as_of, {k: filters.get(k) for k in ("team", "assignee")},
                                         {"breached", "at_risk", "running", "paused"}, None, picked):
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
        if tier is None:
            continue
        due = min((c for c in entry["clocks"] if c[4] is not None), key=lambda c: c[4], default=None)
        queue.append({"tier": tier, "tier_rank": ranks[tier], "source": source, "ticket_id": ticket_id,
                      "rid": row["rid"], "subject": row["subject"], "customer_id": row["customer_id"],
                      "customer_tier": row["customer_tier"], "priority": row["priority"], "team": row["team"],
                      "assignee": row["assignee"],
                      "age_seconds": as_of - row["created_at"] if row["created_at"] else None,
                      "metric": due[0] if due else None, "due_at": due[4] if due else None,
                      "remaining_seconds": due[5] if due else None, "overdue_seconds": due[3] if due else 0,
                      "reasons": [{"code": r.code, "text": r.text} for r in reasons]})
    queue.sort(key=lambda e: (-e["tier_rank"], e["due_at"] is None, e["due_at"] or 0, e["ticket_id"], e["source"]))
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
    return build_queue(store, engine, as_of, filters, shown=0).sizes


def record_run(store: Store, engine: SlaEngine, as_of: int, queue: Queue) -> None:
    """Record the run `build_queue` just made (idempotent per as_of): every ticket's tier, and the
    reasons of those it wrote out. Not on a read-only store (the caller says so)."""
    if store.read_only:
        return
    written = [(e["source"], e["ticket_id"], e["tier"], e["tier_rank"], json.dumps(e["reasons"]))
               for e in queue.entries]
    tiers_store.record_run(store, as_of, [t.name for t in engine.config.tiers], written)
