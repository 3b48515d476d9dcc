"""Breach forecasts for running SLA clocks (docs/semantics.md#breach-forecast): pure.

A clock's duration D is the business time from its start to its stop (pauses excluded). A clock
still running at elapsed business time e breaches when D reaches its target t, so

    p_breach = P(D >= t | D > e) = S(t-) / S(e)

with S the Kaplan-Meier survival function of D over comparable clocks: those that stopped are
observed durations, those still running or paused are censored at their elapsed time. The
comparable clocks are the finest group with enough data: metric with policy, priority, team and
channel; then without channel; then without team; then priority alone; then the metric alone.
A group serves when it holds at least MIN_SAMPLE clocks of which at least MIN_AT_RISK lasted as
long as the clock being forecast.

The scores of a back-test are here too: the Brier score of the forecast and of two baselines
(the group's breach share among stopped clocks, and the share of the target already used), and
a reliability table.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import NamedTuple

MIN_SAMPLE = 100
MIN_AT_RISK = 10
LEVELS: tuple[tuple[str, ...], ...] = (("policy", "priority", "team", "channel"), ("policy", "priority", "team"),
                                       ("policy", "priority"), ("priority",), ())
BUCKETS = 10  # the reliability table's predicted-probability buckets: [0, 0.1), ..., [0.9, 1]


class Observation(NamedTuple):
    """One clock of the history: its group fields, business seconds elapsed (to its stop when
    `stopped`, else so far: censored), and whether it stopped after its deadline."""

    metric: str
    policy: str
    priority: str
    team: str
    channel: str
    elapsed: int
    stopped: bool
    breached: bool


class Survival:
    """Kaplan-Meier estimate of P(D > x) over (duration, observed) pairs; ties put the events
    before the censorings (a clock censored at x was at risk at x)."""

    def __init__(self, pairs: list[tuple[int, bool]]):
        pairs = sorted(pairs)
        self.n = len(pairs)
        self.durations = [d for d, _ in pairs]
        self.times: list[int] = []
        self.after: list[float] = []  # S just after each event time
        s, i, n = 1.0, 0, len(pairs)
        while i < n:
            t, j, events = pairs[i][0], i, 0
            while j < n and pairs[j][0] == t:
                events += pairs[j][1]
                j += 1
            if events:
                s *= 1 - events / (n - i)
                self.times.append(t)
                self.after.append(s)
            i = j

    def at(self, x: float) -> float:
        """S(x) = P(D > x)."""
        k = bisect_right(self.times, x)
        return self.after[k - 1] if k else 1.0

    def before(self, x: float) -> float:
        """S(x-) = P(D >= x)."""
        k = bisect_left(self.times, x)
        return self.after[k - 1] if k else 1.0

    def at_risk(self, x: float) -> int:
        """How many clocks lasted at least x."""
        return self.n - bisect_left(self.durations, x)


@dataclass(frozen=True)
class Estimate:
    p_breach: float
    basis: str        # the group used: "Standard, high, Billing" or "all first_response clocks"
    level: str        # its fields: "policy, priority, team" ("metric" for the whole metric)
    n: int            # clocks in the group (stopped and running)
    base_rate: float | None  # the group's share of stopped clocks that breached (a baseline)


GroupKey = tuple[object, ...]  # (metric, level, the level's field values...)


class Forecaster:
    """Survival curves of the history's groups, built when first asked for."""

    def __init__(self, history: list[Observation]):
        self.groups: dict[GroupKey, list[Observation]] = {}
        places = [tuple(Observation._fields.index(f) for f in level) for level in LEVELS]
        for obs in history:
            for level, at in zip(LEVELS, places):
                self.groups.setdefault((obs.metric, level, *(obs[i] for i in at)), []).append(obs)
        self.curves: dict[GroupKey, tuple[Survival, float | None]] = {}

    def curve(self, key: GroupKey) -> tuple[Survival, float | None]:
        """The group's survival curve and its breach share among stopped clocks."""
        if key not in self.curves:
            members = self.groups[key]
            stopped = sum(o.stopped for o in members)
            base = sum(o.breached for o in members if o.stopped) / stopped if stopped else None
            self.curves[key] = (Survival([(o.elapsed, o.stopped) for o in members]), base)
        return self.curves[key]

    def estimate(self, fields: dict[str, str | None], metric: str, elapsed: int, target: int) -> Estimate | None:
        """The forecast for a clock of `metric` whose ticket has these group `fields`, running at
        `elapsed` business seconds towards `target`; None when the history has no such clock."""
        for level in LEVELS:
            key: GroupKey = (metric, level, *((fields.get(f) or "") for f in level))
            members = self.groups.get(key)
            small = level and (len(members or ()) < MIN_SAMPLE or self.curve(key)[0].at_risk(elapsed) < MIN_AT_RISK)
            if not members or small:
                continue
            km, base = self.curve(key)
            alive = km.at(elapsed)
            p = min(max(km.before(target) / alive, 0.0), 1.0) if alive > 0 else 1.0
            basis = ", ".join(str(v) for v in key[2:]) if level else f"all {metric} clocks"
            return Estimate(round(p, 4), basis, ", ".join(level) or "metric", len(members), base)
        return None


def brier(pairs: list[tuple[float, bool]]) -> float | None:
    """The mean squared difference between forecast probability and outcome (0 is perfect)."""
    return round(sum((p - y) ** 2 for p, y in pairs) / len(pairs), 4) if pairs else None


def reliability(pairs: list[tuple[float, bool]]) -> list[dict[str, object]]:
    """Per predicted-probability bucket: how many forecasts, their mean, the observed breach share."""
    buckets: list[list[tuple[float, bool]]] = [[] for _ in range(BUCKETS)]
    for p, y in pairs:
        buckets[min(int(p * BUCKETS), BUCKETS - 1)].append((p, y))
    return [{"bucket": f"{i / BUCKETS:.0%}-{(i + 1) / BUCKETS:.0%}", "n": len(b),
             "predicted": round(sum(p for p, _ in b) / len(b), 4),
             "observed": round(sum(y for _, y in b) / len(b), 4)}
            for i, b in enumerate(buckets) if b]
