"""Breach forecasts over the store (docs/semantics.md#breach-forecast): the open clocks at an
instant with the probability that each breaches, learnt from the clocks known at that instant,
and the back-test that replays a period to score the method against two baselines."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from cstool.core.forecast import Estimate, Forecaster, Sample, brier, reliability
from cstool.core.formats import DAY_SECONDS
from cstool.core.sla.clock import Clock, Evaluation, evaluate
from cstool.store import Store, sla_queries
from cstool.store import forecast as forecast_store
from cstool.store import sla as sla_store

LOOKBACK = 90 * DAY_SECONDS  # the history: clocks of the tickets created in the 90 days before the latest,
HISTORY_TICKETS = 50_000     # and of at most the 50,000 latest tickets (the cost stays bounded)
OPEN = {"breached", "at_risk", "running", "paused"}
METHOD = ("Kaplan-Meier survival of the business time to each clock's stop, over the clocks of the tickets created "
          "in the 90 days before the latest ticket (at most the 50,000 latest; still-running clocks censored), "
          "conditioned on the business time already elapsed")


@dataclass(frozen=True)
class OpenClock:
    ticket: dict          # the ticket's fields (source, ticket_id, priority, team, channel, ...)
    clock: Clock
    evaluation: Evaluation


def open_clocks(store: Store, engine, as_of: int, created_since: int | None = None,
                due_before: int | None = None, team: str | None = None) -> Iterator[OpenClock]:
    """Every running or paused clock at `as_of` (of the tickets created since `created_since`, of
    `team`; of the stored clocks, those due before `due_before`), with its state there: stored
    clocks, and clocks computed live from the data up to `as_of` for tickets with data after it."""
    narrow = {"created_since": created_since, "due_before": due_before, "team": team}
    for row in sla_queries.open_clock_rows(store, as_of, narrow, OPEN, None):
        clock = sla_store.clock_from_row(row)
        yield OpenClock(row, clock, evaluate(clock, engine.calendars[clock.calendar], as_of))
    for ticket, events in sla_store.tickets_with_events(store, sla_queries.newer_than(store, as_of)):
        if (created_since is not None and (ticket["created_at"] or 0) < created_since) or \
                (team and (ticket.get("team") or "").lower() != team.lower()):
            continue
        for clock in engine.clocks(ticket, events, horizon=as_of):
            if clock.mode in ("running", "paused"):
                yield OpenClock({**ticket, "ticket_id": ticket["id"]}, clock,
                                evaluate(clock, engine.calendars[clock.calendar], as_of))


def _key(c: OpenClock) -> tuple[str, ...]:
    t = c.ticket
    return (c.clock.metric, c.clock.policy, t.get("priority") or "", t.get("team") or "", t.get("channel") or "")


class Forecast:
    """The forecaster learnt from the history known at `as_of`; with `every`, also every open
    clock then (`clocks`), else only those of the history's tickets (the censored ones)."""

    def __init__(self, store: Store, engine, as_of: int, every: bool = True):
        self.as_of = as_of
        since = max((forecast_store.latest_data(store, as_of) or as_of) - LOOKBACK,
                    forecast_store.nth_latest_created(store, as_of, HISTORY_TICKETS) or 0)
        self.clocks = list(open_clocks(store, engine, as_of, None if every else since))
        samples: dict[tuple[str, ...], Sample] = {}
        for *key, durations, breached in forecast_store.stopped_clocks(store, since, as_of):
            samples[tuple(key)] = Sample(json.loads(f"[{durations}]"), [], breached)
        for c in self.clocks:
            if (c.ticket.get("created_at") or as_of) >= since:
                samples.setdefault(_key(c), Sample()).censored.append(c.evaluation.elapsed_business_seconds)
        self.forecaster = Forecaster(samples)

    def estimate_for(self, metric: str, state: str, target: int | None, elapsed: int, fields: dict) -> Estimate | None:
        """None for a clock without a target; p = 1 for one already breached."""
        if target is None:
            return None
        if state == "breached":
            return Estimate(1.0, "already breached", "", 0, None)
        return self.forecaster.estimate(fields, metric, elapsed, target)

    def estimate(self, c: OpenClock) -> Estimate | None:
        t = c.ticket
        return self.estimate_for(c.clock.metric, c.evaluation.state, c.clock.target_seconds,
                                 c.evaluation.elapsed_business_seconds,
                                 {"policy": c.clock.policy, "priority": t.get("priority"), "team": t.get("team"),
                                  "channel": t.get("channel")})


LIKELY = 0.5  # "likely to breach": a forecast of at least 50 %


def likely_to_breach(store: Store, engine, as_of: int, until: int, limit: int = 10, team: str | None = None
                     ) -> list[dict]:
    """Open clocks (of `team`) not breached yet, due before `until`, with a forecast of at least
    LIKELY: most likely first (the report's "likely to breach today"); `limit` 0 for all."""
    forecast = Forecast(store, engine, as_of, every=False)
    out = []
    for c in open_clocks(store, engine, as_of, due_before=until, team=team):
        if c.evaluation.state == "breached" or c.clock.due_at is None or c.clock.due_at >= until:
            continue
        e = forecast.estimate(c)
        if e is not None and e.p_breach >= LIKELY:
            t = c.ticket
            out.append({"source": t["source"], "ticket_id": t["ticket_id"], "subject": t.get("subject"),
                        "team": t.get("team"), "assignee": t.get("assignee"), "metric": c.clock.metric,
                        "cycle": c.clock.cycle, "due_at": c.clock.due_at, "p_breach": e.p_breach,
                        "forecast_basis": e.basis, "forecast_n": e.n})
    out.sort(key=lambda r: (-r["p_breach"], r["due_at"], r["ticket_id"]))
    return out[:limit] if limit else out


def annotate(store: Store, engine, as_of: int, findings: list) -> None:
    """Each finding (an open clock of `sla check`) gets its p_breach, forecast_basis and forecast_n."""
    forecast = Forecast(store, engine, as_of, every=False)
    for f in findings:
        e = forecast.estimate_for(f["metric"], f["state"], f["target_seconds"], f["elapsed_business_seconds"], f)
        f.update(p_breach=e.p_breach if e else None, forecast_basis=e.basis if e else None,
                 forecast_n=e.n if e and e.n else None)


def backtest(store: Store, engine, since: int, until: int, every: int) -> dict:
    """Replays [since, until) at every `every` seconds: each clock running and not yet breached
    at an instant is forecast from the data known then, and scored against its outcome as the
    data stands now (clocks whose outcome is not known yet are left out and counted)."""
    end = forecast_store.data_end(store) or until
    finals = forecast_store.outcomes(store, since, until, end)
    scored: list[tuple[float, float, float, bool]] = []
    unknown, instants = 0, 0
    for at in range(since, until, every):
        instants += 1
        forecast = Forecast(store, engine, at)
        for c in forecast.clocks:
            if c.evaluation.state == "breached" or not c.clock.target_seconds:
                continue
            outcome = finals.get((c.ticket["source"], c.ticket["ticket_id"], c.clock.metric, c.clock.cycle))
            estimate = forecast.estimate(c)
            if outcome is None or estimate is None:
                unknown += 1
                continue
            used = min(c.evaluation.elapsed_business_seconds / c.clock.target_seconds, 1.0)
            base = estimate.base_rate if estimate.base_rate is not None else 0.0  # (no stopped clock yet)
            scored.append((estimate.p_breach, base, used, outcome))
    return {"method": METHOD, "since": since, "until": until, "every_seconds": every, "instants": instants,
            "predictions": len(scored), "unknown_outcome": unknown,
            "breach_share": round(sum(s[3] for s in scored) / len(scored), 4) if scored else None,
            "brier": brier([(s[0], s[3]) for s in scored]),
            "baselines": {"base_rate": brier([(s[1], s[3]) for s in scored]),
                          "target_used": brier([(s[2], s[3]) for s in scored])},
            "reliability": reliability([(s[0], s[3]) for s in scored]),
            "reliability_baselines": {"base_rate": reliability([(s[1], s[3]) for s in scored]),
                                      "target_used": reliability([(s[2], s[3]) for s in scored])}}
