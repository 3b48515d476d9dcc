"""core/fairness: Wilson intervals against Newcombe's published values, the median's
order-statistic interval by hand, and the funnel-plot flag."""

from __future__ import annotations

import pytest

from cstool.core.fairness import flag, median_ranks, wilson
from cstool.core.kpi import Figure, duration_figures, share


@pytest.mark.parametrize("part, whole, expected", [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Table I,
    # method 3 (score, without continuity correction)
    (81, 263, (25.53, 36.62)), (15, 148, (6.24, 16.05)), (0, 20, (0.0, 16.11)), (1, 29, (0.61, 17.18)),
])
def test_wilson_against_published_values(part, whole, expected):
    assert wilson(part, whole) == expected


def test_wilson_edges():
    assert wilson(5, 0) is None
    low, high = wilson(20, 20)
    assert high == 100.0 and low == pytest.approx(83.89, abs=0.01)


def test_median_ranks_by_hand():
    # n = 20: 1.96 sqrt(20) = 8.77: the 5th and 16th smallest (1-based: floor(5.6) and ceil(15.4))
    assert median_ranks(20) == (4, 15)
    assert median_ranks(100) == (39, 60)  # (40th and 61st)
    assert median_ranks(5) is None and median_ranks(6) == (0, 5)


def test_a_median_figure_carries_its_interval():
    fig = duration_figures("first_response", [float(v) for v in range(1, 21)])["first_response_median_s"]
    assert (fig.value, fig.ci) == (10.5, (5.0, 16.0))
    assert duration_figures("first_response", [1.0, 2.0])["first_response_median_s"].ci is None


def test_share_figures_and_the_flag():
    assert share(14, 20) == Figure(70.0, 20, ci=(48.1, 85.45))
    assert flag((48.1, 85.45), 88.64) == "below" and flag((48.1, 85.45), 40.0) == "above"
    assert flag((48.1, 85.45), 70.0) is None and flag(None, 50.0) is None and flag((1.0, 2.0), None) is None
