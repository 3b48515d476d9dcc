"""KPI formulas (DESIGN §7) over plain records. Pure: no I/O, no clock.

Percentages are 0-100 rounded to two decimals; every figure comes with its sample size `n`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

LOW_SAMPLE = 30


@dataclass(frozen=True)
class Figure:
    value: float | None
    n: int

    @property
    def low_sample(self) -> bool:
        return self.n < LOW_SAMPLE


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def csat(surveys: list[dict]) -> dict[str, Figure]:
    """csat_pct: share of 4-5 on a 1-5 scale (`good` counts as satisfied, `bad` not; other
    scales: the top two points); csat_avg: mean of numeric scores; csat_responses."""
    answers = [s for s in surveys if s["kind"] == "csat" and (s["score"] is not None or s.get("label"))]
    satisfied = 0
    for s in answers:
        if s.get("label"):
            satisfied += s["label"] == "good"
        else:
            satisfied += s["score"] >= (s.get("scale_max") or 5) - 1
    scores = [s["score"] for s in answers if s["score"] is not None]
    n = len(answers)
    return {"csat_pct": Figure(pct(satisfied, n), n),
            "csat_avg": Figure(round(sum(scores) / len(scores), 2) if scores else None, len(scores)),
            "csat_responses": Figure(n, n)}


def nps(surveys: list[dict]) -> dict[str, Figure]:
    """9-10 promoters, 7-8 passives, 0-6 detractors (a 1-10 survey keeps those bands);
    NPS = %promoters - %detractors, from -100 to 100."""
    scores = [s["score"] for s in surveys if s["kind"] == "nps" and s["score"] is not None]
    n = len(scores)
    promoters = sum(1 for x in scores if x >= 9)
    detractors = sum(1 for x in scores if x <= 6)
    passives = n - promoters - detractors
    value = round(100.0 * (promoters - detractors) / n, 2) if n else None
    return {"nps": Figure(value, n), "promoters_pct": Figure(pct(promoters, n), n),
            "passives_pct": Figure(pct(passives, n), n), "detractors_pct": Figure(pct(detractors, n), n),
            "nps_responses": Figure(n, n)}


def ces(surveys: list[dict]) -> dict[str, Figure]:
    """1-7 scale, 7 = easiest: mean, and the share of 5-7."""
    scores = [s["score"] for s in surveys if s["kind"] == "ces" and s["score"] is not None]
    n = len(scores)
    return {"ces_avg": Figure(round(sum(scores) / n, 2) if n else None, n),
            "ces_easy_pct": Figure(pct(sum(1 for x in scores if x >= 5), n), n),
            "ces_responses": Figure(n, n)}


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted `values` (q in (0, 1]): the ceil(q*n)-th smallest."""
    rank = math.ceil(q * len(values) - 1e-9)  # the epsilon absorbs float noise (0.9 * 10 = 9.000…02)
    return values[min(max(rank, 1), len(values)) - 1]


def duration_figures(prefix: str, values: list[float]) -> dict[str, Figure]:
    """{prefix}_median_s, _p90_s, _mean_s in seconds; the median of an even count is the mean of
    the two middle values."""
    values = sorted(values)
    n = len(values)
    if not n:
        return {f"{prefix}_{k}_s": Figure(None, 0) for k in ("median", "p90", "mean")}
    mid = n // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    return {f"{prefix}_median_s": Figure(round(median, 1), n),
            f"{prefix}_p90_s": Figure(round(percentile(values, 0.9), 1), n),
            f"{prefix}_mean_s": Figure(round(sum(values) / n, 1), n)}


def _reported(ticket: dict, key: str):
    """A vendor-reported duration in seconds from the record's `reported` mapping, if any."""
    return (ticket.get("reported") or {}).get(key)


def _clean(ticket: dict) -> bool:
    """No data-quality finding that makes its durations meaningless."""
    return not ticket.get("findings")


def is_open_at(ticket: dict, until: int) -> bool:
    created, resolved = ticket.get("created_at"), ticket.get("resolution_at")
    if created is not None and created >= until:
        return False
    if resolved is not None:
        return resolved >= until
    return ticket.get("status") not in ("solved", "closed")


DAY = 86400
BACKLOG_BUCKETS = (("<1d", 0, DAY), ("1-3d", DAY, 3 * DAY), ("3-7d", 3 * DAY, 7 * DAY), ("7-30d", 7 * DAY, 30 * DAY),
                   (">30d", 30 * DAY, float("inf")))


def ticket_kpis(tickets: list[dict], since: int, until: int) -> dict[str, Figure]:
    """Volume, backlog, response and resolution times, FCR and reopens over [since, until).

    Each ticket may carry `first_response_business_s` and `resolution_business_s` (business
    seconds in its policy calendar, pauses excluded) and `resolution_paused_s` (wall seconds
    paused); without them the vendor-reported business value is used, if any."""
    created = [t for t in tickets if t.get("created_at") is not None and since <= t["created_at"] < until]
    resolved = [t for t in tickets if t.get("resolution_at") is not None and since <= t["resolution_at"] < until]
    backlog = [t for t in tickets if is_open_at(t, until)]
    figures = {"tickets_created": Figure(len(created), len(created)),
               "tickets_resolved": Figure(len(resolved), len(resolved)),
               "backlog": Figure(len(backlog), len(backlog))}
    for label, low, high in BACKLOG_BUCKETS:
        n = sum(1 for t in backlog if t.get("created_at") is not None and low <= until - t["created_at"] < high)
        figures[f"backlog_age_{label}"] = Figure(n, n)
    answered = [t for t in created if t.get("first_response_at") is not None and _clean(t)]
    figures.update(duration_figures("first_response", [t["first_response_at"] - t["created_at"] for t in answered]))
    business = [t.get("first_response_business_s") if t.get("first_response_business_s") is not None
                else _reported(t, "first_reply_business") for t in created if _clean(t)]
    figures.update(duration_figures("first_response_business", [b for b in business if b is not None]))
    timed = [t for t in resolved if t.get("created_at") is not None and _clean(t)]
    figures.update(duration_figures("resolution", [t["resolution_at"] - t["created_at"] - (t.get("resolution_paused_s") or 0)
                                                   for t in timed]))
    business = [t.get("resolution_business_s") if t.get("resolution_business_s") is not None
                else _reported(t, "full_resolution_business") for t in resolved if _clean(t)]
    figures.update(duration_figures("resolution_business", [b for b in business if b is not None]))
    n = len(resolved)
    one_touch = sum(1 for t in resolved if (t.get("replies") or 0) <= 1 and not (t.get("reopens") or 0))
    figures["fcr_pct"] = Figure(pct(one_touch, n), n)
    figures["reopen_pct"] = Figure(pct(sum(1 for t in resolved if (t.get("reopens") or 0) >= 1), n), n)
    return figures


def sla_kpis(clocks: list[dict], since: int, until: int) -> dict[str, Figure]:
    """met / (met + breached) per metric for clocks that completed or breached in [since, until):
    a clock stopped in the period is met unless it stopped after its deadline; one still running
    at its deadline in the period is breached."""
    out = {}
    for metric in ("first_response", "resolution"):
        met = breached = 0
        for c in clocks:
            if c["metric"] != metric or c.get("due_at") is None:
                continue
            stopped, due = c.get("stopped_at"), c["due_at"]
            if stopped is not None and since <= stopped < until:
                met += stopped <= due
                breached += stopped > due
            elif since <= due < until and (stopped is None or stopped > due) and due < until:
                breached += 1
        out[f"sla_{metric}_pct"] = Figure(pct(met, met + breached), met + breached)
    return out


def churn_kpis(customers: list[dict], since: int, until: int) -> dict[str, Figure]:
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


def compute_kpis(tickets: list[dict], surveys: list[dict], clocks: list[dict], customers: list[dict] | None,
                 since: int, until: int) -> dict[str, Figure]:
    """Every figure of DESIGN §7 for [since, until). Surveys count by their submission time."""
    answered = [s for s in surveys if s.get("submitted_at") is not None and since <= s["submitted_at"] < until]
    figures = {**ticket_kpis(tickets, since, until), **sla_kpis(clocks, since, until),
               **csat(answered), **nps(answered), **ces(answered)}
    figures.update(churn_kpis(customers or [], since, until) if customers is not None
                   else {"churn_pct": Figure(None, 0), "clv": Figure(None, 0)})
    return figures


def _between(rows: list[dict], keys: list[int], start: int, end: int) -> list[dict]:
    """Rows of `rows` (sorted, `keys` their sort keys) with start <= key < end."""
    from bisect import bisect_left

    return rows[bisect_left(keys, start):bisect_left(keys, end)]


def window_slices(tickets: list[dict], surveys: list[dict], clocks: list[dict], windows):
    """For consecutive windows (label, start, end), yield (label, start, end, tickets, surveys,
    clocks) holding only what can count in that window: tickets created or resolved in it or
    still open at its end, surveys answered in it, clocks stopped or due in it. One sweep over
    the data instead of every window scanning everything."""
    created = sorted((t for t in tickets if t.get("created_at") is not None), key=lambda t: t["created_at"])
    undated = [t for t in tickets if t.get("created_at") is None]
    resolved = sorted((t for t in tickets if t.get("resolution_at") is not None), key=lambda t: t["resolution_at"])
    answered = sorted((s for s in surveys if s.get("submitted_at") is not None), key=lambda s: s["submitted_at"])
    stopped = sorted((c for c in clocks if c.get("stopped_at") is not None), key=lambda c: c["stopped_at"])
    due = sorted((c for c in clocks if c.get("due_at") is not None), key=lambda c: c["due_at"])
    answered_at = [s["submitted_at"] for s in answered]
    stopped_at, due_at = [c["stopped_at"] for c in stopped], [c["due_at"] for c in due]
    open_now: dict[int, dict] = {id(t): t for t in undated}
    i = j = 0
    for label, start, end in windows:
        here: dict[int, dict] = {}
        while i < len(created) and created[i]["created_at"] < end:
            open_now[id(created[i])] = created[i]
            if created[i]["created_at"] >= start:
                here[id(created[i])] = created[i]
            i += 1
        while j < len(resolved) and resolved[j]["resolution_at"] < end:
            open_now.pop(id(resolved[j]), None)
            if resolved[j]["resolution_at"] >= start:
                here[id(resolved[j])] = resolved[j]
            j += 1
        here.update(open_now)
        window_clocks = {id(c): c for c in _between(stopped, stopped_at, start, end)}
        window_clocks.update((id(c), c) for c in _between(due, due_at, start, end))
        yield (label, start, end, list(here.values()), _between(answered, answered_at, start, end),
               list(window_clocks.values()))
