"""Breach forecasts for running SLA clocks (docs/semantics.md#breach-forecast): pure.

A clock's duration D is the business time from its start to its stop (pauses excluded). A clock
still running at elapsed business time e breaches when D reaches its target t, so

    p_breach = P(D >= t | D > e) = S(t-) / S(e)

with S the Kaplan-Meier survival function of D over comparable clocks: those that stopped are
observed durations, those still running or paused are censored at their elapsed time. The
estimate is shrunk towards 1/2 by the m clocks at risk at e, (m p + 1) / (m + 2) (the mean under
a uniform prior), so that a handful of clocks never make a breach certain or impossible. The
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
from collections import Counter
from dataclasses import dataclass, field

MIN_SAMPLE = 100
MIN_AT_RISK = 10
LEVELS: tuple[tuple[str, ...], ...] = (("policy", "priority", "team", "channel"), ("policy", "priority", "team"),
                                       ("policy", "priority"), ("priority",), ())
BUCKETS = 10  # the reliability table's predicted-probability buckets: [0, 0.1), ..., [0.9, 1]


FIELDS = ("policy", "priority", "team", "channel")


@dataclass
class Sample:
    """The history of one finest group (metric, policy, priority, team, channel): business
    seconds to the stop of the clocks that stopped, business seconds so far of those still
    running or paused (censored), and how many of the stopped ones breached."""

    stopped: list[int] = field(default_factory=list)
    censored: list[int] = field(default_factory=list)
    breached: int = 0

    def add(self, other: Sample) -> None:
        self.stopped += other.stopped
        self.censored += other.censored
        self.breached += other.breached


class Survival:
    """Kaplan-Meier estimate of P(D > x) from observed durations and censored ones; ties put the
    events before the censorings (a clock censored at x was at risk at x)."""

    def __init__(self, stopped: list[int], censored: list[int]):
        self.events, self.censored = sorted(stopped), sorted(censored)
        self.n = len(stopped) + len(censored)
        self.times: list[int] = []
        self.after: list[float] = []  # S just after each event time
        s, gone, cut, n_censored = 1.0, 0, 0, len(censored)
        for t, d in sorted(Counter(stopped).items()):
            while cut < n_censored and self.censored[cut] < t:  # (censored before t: no longer at risk)
                cut += 1
            s *= 1 - d / (self.n - gone - cut)
            self.times.append(t)
            self.after.append(s)
            gone += d

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
        return self.n - bisect_left(self.events, x) - bisect_left(self.censored, x)


@dataclass(frozen=True)
class Estimate:
    p_breach: float
    basis: str        # the group used: "Standard, high, Billing" or "all first_response clocks"
    level: str        # its fields: "policy, priority, team" ("metric" for the whole metric)
    n: int            # clocks in the group (stopped and running)
    base_rate: float | None  # the group's share of stopped clocks that breached (a baseline); the
                             # metric's when the group has none stopped


GroupKey = tuple[str, ...]  # (metric, policy, priority, team, channel); inside, (fields, metric, values...)


class Forecaster:
    """Survival curves of the history's groups at every level, built when first asked for, from
    the samples of the finest groups keyed (metric, policy, priority, team, channel)."""

    def __init__(self, samples: dict[GroupKey, Sample]):
        self.samples: dict[GroupKey, Sample] = {}
        places = [tuple(1 + FIELDS.index(f) for f in level) for level in LEVELS]
        for key, sample in samples.items():
            for level, at in zip(LEVELS, places):
                self.samples.setdefault((str(len(level)), key[0], *(key[i] for i in at)), Sample()).add(sample)
        self.curves: dict[GroupKey, Survival] = {}

    def curve(self, key: GroupKey) -> Survival:
        if key not in self.curves:
            sample = self.samples[key]
            self.curves[key] = Survival(sample.stopped, sample.censored)
        return self.curves[key]

    @staticmethod
    def _base(sample: Sample | None) -> float | None:
        """The breach share among the sample's stopped clocks."""
        return sample.breached / len(sample.stopped) if sample and sample.stopped else None

    def estimate(self, fields: dict[str, str | None], metric: str, elapsed: int, target: int) -> Estimate | None:
        """The forecast for a clock of `metric` whose ticket has these group `fields`, running at
        `elapsed` business seconds towards `target`; None when the history has no such clock."""
        for level in LEVELS:
            key: GroupKey = (str(len(level)), metric, *((fields.get(f) or "") for f in level))
            sample = self.samples.get(key)
            if sample is None:
                continue
            size = len(sample.stopped) + len(sample.censored)
            if level and (size < MIN_SAMPLE or self.curve(key).at_risk(elapsed) < MIN_AT_RISK):
                continue
            km = self.curve(key)
            alive = km.at(elapsed)
            p = min(max(km.before(target) / alive, 0.0), 1.0) if alive > 0 else 1.0
            m = km.at_risk(elapsed)  # (shrunk towards 1/2 by the clocks it rests on: never 0 or 1 from few)
            p = (m * p + 1) / (m + 2)
            base = self._base(sample) if sample.stopped else self._base(self.samples.get(("0", metric)))
            basis = ", ".join(v or "(none)" for v in key[2:]) if level else f"all {metric} clocks"
            return Estimate(round(p, 4), basis, ", ".join(level) or "metric", size, base)
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
