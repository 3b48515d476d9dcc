"""Fair comparisons (docs/semantics.md#intervals-and-flags): 95 % intervals for shares (Wilson
score) and medians (order statistics), and the funnel-plot rule that flags a group only when its
interval excludes the overall figure. Pure."""

from __future__ import annotations

import math

Z = 1.959963984540054  # the two-sided 95 % normal quantile
MIN_MEDIAN_N = 6       # fewer values give no distribution-free 95 % interval for a median


def wilson(part: float, whole: float, z: float = Z) -> tuple[float, float] | None:
    """The Wilson score interval of the share part/whole, as percentages (None for no whole)."""
    if whole <= 0:
        return None
    p = part / whole
    denominator = 1 + z * z / whole
    centre = (p + z * z / (2 * whole)) / denominator
    half = z * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole)) / denominator
    return round(100 * max(centre - half, 0.0), 2), round(100 * min(centre + half, 1.0), 2)


def median_ranks(n: int, z: float = Z) -> tuple[int, int] | None:
    """0-based ranks (j, k) of the order statistics that bound a 95 % interval for the median of
    n values: the j-th and k-th smallest with j = floor((n - z sqrt n) / 2) and
    k = ceil(1 + (n + z sqrt n) / 2) in 1-based ranks (the binomial's normal approximation,
    distribution-free). None below MIN_MEDIAN_N values."""
    if n < MIN_MEDIAN_N:
        return None
    spread = z * math.sqrt(n)
    lower = max(math.floor((n - spread) / 2), 1)
    upper = min(math.ceil(1 + (n + spread) / 2), n)
    return lower - 1, upper - 1


def flag(interval: tuple[float, float] | None, overall: float | None) -> str | None:
    """`above` or `below` when the group's interval lies wholly above or below the overall figure."""
    if interval is None or overall is None:
        return None
    if interval[0] > overall:
        return "above"
    if interval[1] < overall:
        return "below"
    return None
