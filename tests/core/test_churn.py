"""core/churn: the churn rates of customers with and without a bad experience, their ratio and
its log-method interval, by hand."""

from __future__ import annotations

import math

from cstool.core.churn import churn_link


def test_rates_ratio_and_interval_by_hand():
    # bad: 10 of 40 churned (25 %); none: 6 of 60 (10 %): ratio 2.5,
    # interval exp(ln 2.5 ± 1.96 sqrt(1/10 - 1/40 + 1/6 - 1/60))
    rows = [(True, i < 10) for i in range(40)] + [(False, i < 6) for i in range(60)]
    link = churn_link(rows)
    spread = 1.959963984540054 * math.sqrt(1 / 10 - 1 / 40 + 1 / 6 - 1 / 60)
    assert link == {"bad": {"customers": 40, "churned": 10, "churn_pct": 25.0},
                    "none": {"customers": 60, "churned": 6, "churn_pct": 10.0}, "rate_ratio": 2.5,
                    "ci": [round(2.5 * math.exp(-spread), 3), round(2.5 * math.exp(spread), 3)]}
    assert link["ci"] == [0.987, 6.334]  # sqrt(0.225) = 0.4743; x 1.96 = 0.9297; 2.5 e^-0.9297, 2.5 e^0.9297


def test_no_churn_in_a_group_gives_no_interval_and_no_group_no_ratio():
    assert churn_link([(True, False), (False, True)])["rate_ratio"] == 0.0
    assert churn_link([(True, False), (False, True)])["ci"] is None
    assert churn_link([(True, True)]) == {"bad": {"customers": 1, "churned": 1, "churn_pct": 100.0},
                                          "none": {"customers": 0, "churned": 0, "churn_pct": None},
                                          "rate_ratio": None, "ci": None}
