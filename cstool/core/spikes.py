"""Volume spikes against a seasonal baseline (docs/semantics.md#spike-alerts): pure.

Time before the instant T is cut into windows of width w ending at T: window j is
[T - (j+1)w, T - jw). The baseline of window j is the same window of each of the BASELINE_WEEKS
weeks before (same hour of the week); the highest and the lowest of those counts are dropped,
so one past spike (or one dead week) does not move it. Under "no spike" the window's count O
and the baseline's total B come from one Poisson rate, so O given O + B is binomial with
p = 1 / (m + 1), m the baseline windows kept: the p-value is P(X >= O), which accounts for the
baseline being an estimate. A group spikes when p < ALPHA, O >= MIN_OBSERVED and its tickets
appear in at least HISTORY_WEEKS of the baseline weeks (a group with little history is never
flagged). The spike's start is the first of the consecutive windows before the current one
whose p-value is below RISE_ALPHA.
"""

from __future__ import annotations

import math
from typing import NamedTuple

WEEK = 7 * 86400
BASELINE_WEEKS = 8
ALPHA = 0.001        # a window is a spike below this p-value
RISE_ALPHA = 0.01    # earlier windows belong to the same spike below this one
MIN_OBSERVED = 5     # tickets in the window, at least
HISTORY_WEEKS = 6    # of the BASELINE_WEEKS weeks before, those with tickets of the group, at least
MAX_BACK = 6         # windows looked back for the start of a spike


class Spike(NamedTuple):
    dimension: str
    value: str
    observed: int
    expected: float
    ratio: float | None
    p_value: float
    window_start: int
    window_end: int


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), summed in log space (no overflow for large n)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    lp, lq = math.log(p), math.log1p(-p)
    terms = [math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq
             for i in range(k, n + 1)]
    top = max(terms)
    return min(1.0, math.exp(top) * sum(math.exp(t - top) for t in terms))


def window_test(observed: int, baseline: list[int]) -> tuple[float, float]:
    """(expected count, p-value of `observed` or more) against the same window's past counts."""
    kept = sorted(baseline)[1:-1] if len(baseline) >= 4 else list(baseline)
    if not kept:
        return 0.0, 1.0
    total = sum(kept)
    return total / len(kept), binomial_tail(observed, observed + total, 1 / (len(kept) + 1))


def windows_needed(width: int) -> int:
    """How many windows before T the detection reads (the baseline of the oldest window looked at)."""
    return (BASELINE_WEEKS * WEEK) // width + MAX_BACK + 1


def _test(by_window: dict[int, int], j: int, per_week: int) -> tuple[int, float, float]:
    """(observed, expected, p-value) of window j against the same window of the weeks before."""
    observed = by_window.get(j, 0)
    return (observed, *window_test(observed, [by_window.get(j + k * per_week, 0)
                                              for k in range(1, BASELINE_WEEKS + 1)]))


def detect(dimension: str, counts: dict[str, dict[int, int]], width: int, as_of: int) -> list[Spike]:
    """The groups of one dimension whose window before `as_of` spikes; `counts[value][j]` is the
    group's tickets in window j (0 the latest), for j < windows_needed(width)."""
    if WEEK % width:
        raise ValueError(f"the window ({width} s) must divide a week")
    per_week = WEEK // width
    found = []
    for value, by_window in counts.items():
        weeks = {(j - 1) // per_week for j in by_window if j >= 1}  # (week 0: the week just before)
        if len(weeks & set(range(BASELINE_WEEKS))) < HISTORY_WEEKS:
            continue

        observed, expected, p = _test(by_window, 0, per_week)
        if p >= ALPHA or observed < MIN_OBSERVED:
            continue
        first = 0
        while first + 1 <= MAX_BACK and _test(by_window, first + 1, per_week)[2] < RISE_ALPHA:
            first += 1
        found.append(Spike(dimension, value, observed, round(expected, 2),
                           round(observed / expected, 2) if expected else None, p,
                           as_of - (first + 1) * width, as_of))
    found.sort(key=lambda s: (s.p_value, -s.observed, s.value))
    return found
