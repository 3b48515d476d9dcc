"""KPI formulas (docs/semantics.md#kpi-formulas). Pure: no I/O, no clock.

Figures are computed from Stats (counts, duration samples, backlog, SLA and survey counts of a
period), which the store aggregates in SQL and `record_stats` builds from plain records: the
record-level functions are the reference meaning of every figure. Percentages are 0-100 rounded
to two decimals; every figure comes with its sample size `n`.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cstool.core.fairness import median_ranks, wilson
from cstool.core.formats import DAY_SECONDS
from cstool.core.models import Record
from cstool.core.tickets import is_open_at

LOW_SAMPLE = 30
# The figures a team lead reads first (the kpi headline and the nightly report).
HEADLINE = ("tickets_created", "tickets_resolved", "backlog", "csat_pct", "nps", "sla_first_response_pct",
            "sla_resolution_pct", "first_response_median_s", "resolution_median_s")
TIME_DIMS = ("day", "week", "month")
TICKET_DIMS = ("channel", "priority", "team", "assignee", "tag", "customer_tier")
# A ticket's themes: its subject's key phrases; an answer's: its comment's (core/text.py).
TEXT_DIMS = ("theme",)
DIMENSIONS = TICKET_DIMS + TEXT_DIMS + TIME_DIMS
# Lower is better for these; everything else (except plain volumes) is better higher.
LOWER_IS_BETTER = ("first_response", "resolution", "backlog", "reopen_pct", "churn_pct", "detractors_pct")


def better(key: str, delta: float) -> bool | None:
    """Whether a change of a figure is an improvement (None for no change and neutral volumes)."""
    if delta == 0 or key in ("tickets_created", "tickets_resolved") or key.endswith("_responses"):
        return None
    return (delta < 0) if key.startswith(LOWER_IS_BETTER) else (delta > 0)


@dataclass(frozen=True)
class Figure:
    value: float | None
    n: int
    basis: str | None = None    # durations: what the samples come from (docs/semantics.md#kpi-formulas)
    unknown: int | None = None  # SLA percentages: clocks whose stop the data cannot place, not in n
    ci: tuple[float, float] | None = None  # shares and medians: the 95 % interval (core/fairness)

    @property
    def low_sample(self) -> bool:
        return self.n < LOW_SAMPLE


def share(part: float, whole: float, unknown: int | None = None) -> Figure:
    """A percentage figure of part/whole with its Wilson interval."""
    return Figure(pct(part, whole), int(whole), unknown=unknown, ci=wilson(part, whole))


def pct(part: float, whole: float) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


DURATIONS = ("first_response", "first_response_business", "resolution", "resolution_business")
BUSINESS = ("first_response_business", "resolution_business")
SLA_METRICS = ("first_response", "resolution")
BACKLOG_BUCKETS = (("<1d", 0, DAY_SECONDS), ("1-3d", DAY_SECONDS, 3 * DAY_SECONDS),
                   ("3-7d", 3 * DAY_SECONDS, 7 * DAY_SECONDS), ("7-30d", 7 * DAY_SECONDS, 30 * DAY_SECONDS),
                   (">30d", 30 * DAY_SECONDS, float("inf")))
SURVEY_COUNTS = ("csat_n", "csat_satisfied", "csat_scored", "csat_sum", "nps_n", "promoters", "detractors",
                 "ces_n", "ces_easy", "ces_sum")


@dataclass
class Stats:
    """What the figures of one period are computed from: counts, the duration samples, the
    backlog at the period's end with its age buckets, SLA met/breached per metric, survey counts.
    Built from plain records here (`record_stats`) or aggregated by the store in SQL."""

    created: int = 0
    resolved: int = 0
    one_touch: int = 0
    reopened: int = 0
    backlog: int = 0
    ages: list[int] = field(default_factory=lambda: [0] * len(BACKLOG_BUCKETS))
    # per duration: a list of values, or Runs (sorted runs side by side) when periods are joined
    samples: dict[str, Any] = field(default_factory=lambda: {k: [] for k in DURATIONS})
    sla: dict[str, list[int]] = field(default_factory=lambda: {m: [0, 0, 0] for m in SLA_METRICS})  # met, breached,
    # unknown; and per business duration, how many of its samples are the vendor's reported figure
    reported: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUSINESS, 0))
    surveys: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SURVEY_COUNTS, 0))

    @classmethod
    def consecutive(cls, parts: list[Stats], sla: dict[str, list[int]]) -> Stats:
        """The stats of consecutive periods joined: counts add up, samples sit side by side as
        sorted runs, the backlog is the last period's; SLA (a late clock counts in its due and
        its stop period) is given."""
        last = parts[-1] if parts else cls()
        out = cls(backlog=last.backlog, ages=list(last.ages), sla=sla, samples={k: Runs() for k in DURATIONS})
        for part in parts:
            for name in ("created", "resolved", "one_touch", "reopened"):
                setattr(out, name, getattr(out, name) + getattr(part, name))
            for key in DURATIONS:
                out.samples[key].append(_sorted(part.samples[key]))
            for key in BUSINESS:
                out.reported[key] += part.reported[key]
            for key in SURVEY_COUNTS:
                out.surveys[key] += part.surveys[key]
        return out


def csat(surveys: list[Record]) -> dict[str, Figure]:
    """csat_pct: share of 4-5 on a 1-5 scale (`good` counts as satisfied, `bad` not; other
    scales: the top two points); csat_avg: mean of numeric scores; csat_responses."""
    return survey_figures(survey_counts(surveys), "csat")


def nps(surveys: list[Record]) -> dict[str, Figure]:
    """9-10 promoters, 7-8 passives, 0-6 detractors (a 1-10 survey keeps those bands);
    NPS = %promoters - %detractors, from -100 to 100."""
    return survey_figures(survey_counts(surveys), "nps")


def ces(surveys: list[Record]) -> dict[str, Figure]:
    """1-7 scale, 7 = easiest: mean, and the share of 5-7."""
    return survey_figures(survey_counts(surveys), "ces")


def survey_counts(surveys: list[Record]) -> dict[str, float]:
    """The counts behind the survey figures (the store computes the same in SQL)."""
    c: dict[str, float] = dict.fromkeys(SURVEY_COUNTS, 0)
    for s in surveys:
        kind, score, label = s["kind"], s["score"], s.get("label")
        if kind == "csat" and (score is not None or label):
            c["csat_n"] += 1
            c["csat_satisfied"] += (label == "good") if label else score >= (s.get("scale_max") or 5) - 1
            if score is not None:
                c["csat_scored"] += 1
                c["csat_sum"] += score
        elif kind == "nps" and score is not None:
            c["nps_n"] += 1
            c["promoters"] += score >= 9
            c["detractors"] += score <= 6
        elif kind == "ces" and score is not None:
            c["ces_n"] += 1
            c["ces_easy"] += score >= 5
            c["ces_sum"] += score
    return c


def survey_figures(c: dict[str, float], kind: str | None = None) -> dict[str, Figure]:
    """CSAT, NPS and CES figures from survey counts (one kind, or all)."""
    out: dict[str, Figure] = {}
    if kind in (None, "csat"):
        n, scored = int(c["csat_n"]), int(c["csat_scored"])
        out.update({"csat_pct": share(c["csat_satisfied"], n),
                    "csat_avg": Figure(round(c["csat_sum"] / scored, 2) if scored else None, scored),
                    "csat_responses": Figure(n, n)})
    if kind in (None, "nps"):
        n, promoters, detractors = int(c["nps_n"]), c["promoters"], c["detractors"]
        out.update({"nps": Figure(round(100.0 * (promoters - detractors) / n, 2) if n else None, n),
                    "promoters_pct": share(promoters, n),
                    "passives_pct": share(n - promoters - detractors, n),
                    "detractors_pct": share(detractors, n), "nps_responses": Figure(n, n)})
    if kind in (None, "ces"):
        n = int(c["ces_n"])
        out.update({"ces_avg": Figure(round(c["ces_sum"] / n, 2) if n else None, n),
                    "ces_easy_pct": share(c["ces_easy"], n), "ces_responses": Figure(n, n)})
    return out


def _sorted(values: Sequence[float]) -> Sequence[float]:
    """The values in order: the store's compact arrays come sorted (store/kpi.sorted_samples)."""
    return values if isinstance(values, array) else sorted(values)


def _rank(n: int, q: float) -> int:
    """The 0-based index of the nearest-rank q-percentile among n sorted values (q in (0, 1]):
    the ceil(q*n)-th smallest."""
    rank = math.ceil(q * n - 1e-9)  # the epsilon absorbs float noise (0.9 * 10 = 9.000…02)
    return min(max(rank, 1), n) - 1


class Runs(list[Sequence[float]]):
    """Sorted runs of values side by side (the samples of consecutive periods): order
    statistics are found across them without merging them."""

    def kth(self, k: int) -> float:
        """The k-th smallest (0-based) value of all runs: narrow every run's candidate range
        around a pivot taken from the widest range until the pivot is the answer."""
        from bisect import bisect_left, bisect_right

        runs = [r for r in self if r]
        lo, hi = [0] * len(runs), [len(r) for r in runs]
        while True:
            j = max(range(len(runs)), key=lambda i: hi[i] - lo[i])
            pivot = runs[j][(lo[j] + hi[j]) // 2]
            below = [bisect_left(r, pivot, a, b) for r, a, b in zip(runs, lo, hi)]
            upto = [bisect_right(r, pivot, a, b) for r, a, b in zip(runs, lo, hi)]
            n_below = sum(x - a for x, a in zip(below, lo))
            n_upto = sum(x - a for x, a in zip(upto, lo))
            if k < n_below:
                hi = below
            elif k < n_upto:
                return pivot
            else:
                k -= n_upto
                lo = upto


def duration_figures(prefix: str, values: Sequence[float], reported: int = 0) -> dict[str, Figure]:
    """{prefix}_median_s, _p90_s, _mean_s in seconds; the median of an even count is the mean of
    the two middle values. `values` is a plain sequence or sorted Runs, `reported` how many of them
    are vendor-reported figures (the basis: `timestamps` for calendar durations; `clock`,
    `reported` or `mixed` for business ones)."""
    runs = values if isinstance(values, Runs) else Runs([_sorted(values)])
    n = sum(len(r) for r in runs)
    if not n:
        return {f"{prefix}_{k}_s": Figure(None, 0) for k in ("median", "p90", "mean")}
    basis = ("timestamps" if prefix not in BUSINESS else "clock" if not reported else
             "reported" if reported == n else "mixed")
    mid = n // 2
    median = runs.kth(mid) if n % 2 else (runs.kth(mid - 1) + runs.kth(mid)) / 2
    ranks = median_ranks(n)
    interval = (round(runs.kth(ranks[0]), 1), round(runs.kth(ranks[1]), 1)) if ranks else None
    return {f"{prefix}_median_s": Figure(round(median, 1), n, basis, ci=interval),
            f"{prefix}_p90_s": Figure(round(runs.kth(_rank(n, 0.9)), 1), n, basis),
            f"{prefix}_mean_s": Figure(round(sum(sum(r) for r in runs) / n, 1), n, basis)}


def _reported(ticket: Record, key: str) -> float | None:
    """A vendor-reported duration in seconds from the record's `reported` mapping, if any."""
    return (ticket.get("reported") or {}).get(key)


def _clean(ticket: Record) -> bool:
    """No data-quality finding that makes its durations meaningless."""
    return not ticket.get("findings")


def ticket_stats(tickets: list[Record], since: int, until: int, stats: Stats | None = None) -> Stats:
    """The ticket part of the stats of [since, until).

    Each ticket may carry `first_response_business_s` and `resolution_business_s` (business
    seconds in its policy calendar, pauses excluded) and `resolution_paused_s` (wall seconds
    paused); without them the vendor-reported business value is used, if any."""
    out = stats or Stats()
    created = [t for t in tickets if t.get("created_at") is not None and since <= t["created_at"] < until]
    resolved = [t for t in tickets if t.get("resolution_at") is not None and since <= t["resolution_at"] < until]
    backlog = [t for t in tickets if is_open_at(t, until)]
    out.created, out.resolved, out.backlog = len(created), len(resolved), len(backlog)
    out.ages = [sum(1 for t in backlog if t.get("created_at") is not None and low <= until - t["created_at"] < high)
                for _, low, high in BACKLOG_BUCKETS]
    out.samples["first_response"] = [t["first_response_at"] - t["created_at"] for t in created
                                     if t.get("first_response_at") is not None and _clean(t)]
    business = [t.get("first_response_business_s") if t.get("first_response_business_s") is not None
                else _reported(t, "first_reply_business") for t in created if _clean(t)]
    out.samples["first_response_business"] = [b for b in business if b is not None]
    out.reported["first_response_business"] = sum(1 for t in created if _clean(t) and t.get(
        "first_response_business_s") is None and _reported(t, "first_reply_business") is not None)
    out.samples["resolution"] = [t["resolution_at"] - t["created_at"] - (t.get("resolution_paused_s") or 0)
                                 for t in resolved if t.get("created_at") is not None and _clean(t)]
    business = [t.get("resolution_business_s") if t.get("resolution_business_s") is not None
                else _reported(t, "full_resolution_business") for t in resolved if _clean(t)]
    out.samples["resolution_business"] = [b for b in business if b is not None]
    out.reported["resolution_business"] = sum(1 for t in resolved if _clean(t) and t.get(
        "resolution_business_s") is None and _reported(t, "full_resolution_business") is not None)
    out.one_touch = sum(1 for t in resolved if (t.get("replies") or 0) <= 1 and not (t.get("reopens") or 0))
    out.reopened = sum(1 for t in resolved if (t.get("reopens") or 0) >= 1)
    return out


def ticket_figures(s: Stats) -> dict[str, Figure]:
    """Volume, backlog with its ages, response and resolution times, FCR and reopens."""
    figures = {"tickets_created": Figure(s.created, s.created), "tickets_resolved": Figure(s.resolved, s.resolved),
               "backlog": Figure(s.backlog, s.backlog)}
    for (label, _, _), n in zip(BACKLOG_BUCKETS, s.ages):
        figures[f"backlog_age_{label}"] = Figure(n, n)
    for key in DURATIONS:
        figures.update(duration_figures(key, s.samples[key], s.reported.get(key, 0)))
    figures["fcr_pct"] = share(s.one_touch, s.resolved)
    figures["reopen_pct"] = share(s.reopened, s.resolved)
    return figures


def ticket_kpis(tickets: list[Record], since: int, until: int) -> dict[str, Figure]:
    """Volume, backlog, response and resolution times, FCR and reopens over [since, until)."""
    return ticket_figures(ticket_stats(tickets, since, until))


def sla_counts(clocks: list[Record], since: int, until: int) -> dict[str, list[int]]:
    """[met, breached, unknown] per metric for clocks that completed or breached in [since,
    until): a clock stopped in the period is met unless it stopped after its deadline; one still
    running at its deadline in the period is breached; one whose stop the data cannot place
    (mode unknown) is counted by its start, apart."""
    out = {m: [0, 0, 0] for m in SLA_METRICS}
    for c in clocks:
        if c["metric"] in out and c.get("mode") == "unknown" and c.get("cycle", 0) == 0 and \
                c.get("started_at") is not None and since <= c["started_at"] < until:
            out[c["metric"]][2] += 1
        if c["metric"] not in out or c.get("due_at") is None:
            continue
        stopped, due = c.get("stopped_at"), c["due_at"]
        if stopped is not None and since <= stopped < until:
            out[c["metric"]][0 if stopped <= due else 1] += 1
        elif since <= due < until and (stopped is None or stopped > due):
            out[c["metric"]][1] += 1
    return out


def sla_figures(counts: dict[str, list[int]]) -> dict[str, Figure]:
    """sla_*_pct over the clocks with a known stop; `unknown` beside it counts the others."""
    return {f"sla_{m}_pct": share(c[0], c[0] + c[1], unknown=c[2] if len(c) > 2 else 0)
            for m, c in counts.items()}


def sla_kpis(clocks: list[Record], since: int, until: int) -> dict[str, Figure]:
    return sla_figures(sla_counts(clocks, since, until))


def backlog_at_ends(intervals: Iterable[tuple[int | None, int | None]], ends: list[int]
                    ) -> tuple[list[int], list[list[int]]]:
    """For ticket intervals (created_at or None, left_at or None: open from creation until it
    left), how many are open at each of the sorted period `ends` (open at E: created before E,
    not yet left at E), and per end the count in each backlog age bucket."""
    from bisect import bisect_right
    from itertools import accumulate

    n = len(ends)
    total, oldest = [0] * (n + 1), [0] * (n + 1)  # differences: +1 where a run of ends starts, -1 after
    young = [[0] * n for _ in BACKLOG_BUCKETS[:-1]]  # direct counts for the buckets under 30 days
    limits = [high for _, _, high in BACKLOG_BUCKETS[:-1]]
    last_limit = limits[-1]
    for created, left in intervals:
        lo = 0 if created is None else bisect_right(ends, created)
        hi = n if left is None else bisect_right(ends, left)
        if lo >= hi:
            continue
        total[lo] += 1
        total[hi] -= 1
        if created is None:
            continue
        for k in range(lo, hi):  # a few ends at most before the ticket is 30 days old
            age = ends[k] - created
            if age >= last_limit:
                oldest[k] += 1
                oldest[hi] -= 1
                break
            bucket = 0
            while age >= limits[bucket]:
                bucket += 1
            young[bucket][k] += 1
    ages = [*young, list(accumulate(oldest))[:n]]
    return list(accumulate(total))[:n], [list(row) for row in zip(*ages)]


def churn_kpis(customers: list[Record], since: int, until: int) -> dict[str, Figure]:
    """churn_pct: customers lost in [since, until) / customers at `since`; clv: average revenue
    per customer (the `revenue` field, read as revenue per period) / churn rate."""
    if not customers:
        return {"churn_pct": Figure(None, 0), "clv": Figure(None, 0)}
    at_start = [c for c in customers if (c.get("signup_at") is None or c["signup_at"] < since)
                and (c.get("churned_at") is None or c["churned_at"] >= since)]
    lost = sum(1 for c in at_start if c.get("churned_at") is not None and c["churned_at"] < until)
    n = len(at_start)
    churn = pct(lost, n)
    revenue = [c["revenue"] for c in at_start if c.get("revenue") is not None]
    clv = round(sum(revenue) / len(revenue) / (churn / 100), 2) if revenue and churn else None
    return {"churn_pct": Figure(churn, n), "clv": Figure(clv, len(revenue))}


def figures(stats: Stats, customers: list[Record] | None, since: int, until: int) -> dict[str, Figure]:
    """Every figure of docs/semantics.md#kpi-formulas from the stats of [since, until) (churn from the customers)."""
    out = {**ticket_figures(stats), **sla_figures(stats.sla), **survey_figures(stats.surveys)}
    out.update(churn_kpis(customers or [], since, until) if customers is not None
               else {"churn_pct": Figure(None, 0), "clv": Figure(None, 0)})
    return out


def record_stats(tickets: list[Record], surveys: list[Record], clocks: list[Record], since: int, until: int) -> Stats:
    """The stats of [since, until) from plain records. Surveys count by their submission time."""
    answered = [s for s in surveys if s.get("submitted_at") is not None and since <= s["submitted_at"] < until]
    stats = ticket_stats(tickets, since, until, Stats(sla=sla_counts(clocks, since, until)))
    stats.surveys = survey_counts(answered)
    return stats


def compute_kpis(tickets: list[Record], surveys: list[Record], clocks: list[Record], customers: list[Record] | None,
                 since: int, until: int) -> dict[str, Figure]:
    """Every figure of docs/semantics.md#kpi-formulas for [since, until) from plain records."""
    return figures(record_stats(tickets, surveys, clocks, since, until), customers, since, until)
