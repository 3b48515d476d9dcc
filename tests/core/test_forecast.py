"""core/forecast: the Kaplan-Meier curve by hand, the conditional breach probability, the
fallback to coarser groups, and the scores of a back-test."""

from __future__ import annotations

import random

import pytest

from cstool.core.forecast import MIN_AT_RISK, MIN_SAMPLE, Forecaster, Sample, Survival, brier, reliability


def test_kaplan_meier_by_hand():
    # 3, 4+, 5, 5, 8+, 10: S = 5/6 after 3; x 2/4 after 5 (4 at risk); x 0/1 after 10
    km = Survival([3, 5, 5, 10], [4, 8])
    assert km.at(2) == 1.0 and km.at(3) == pytest.approx(5 / 6) and km.at(4.9) == pytest.approx(5 / 6)
    assert km.at(5) == pytest.approx(5 / 12) and km.before(5) == pytest.approx(5 / 6)
    assert km.at(9) == pytest.approx(5 / 12) and km.at(10) == 0.0 and km.before(10) == pytest.approx(5 / 12)
    assert [km.at_risk(x) for x in (0, 4, 5, 6, 10, 11)] == [6, 5, 4, 2, 1, 0]


def test_a_clock_censored_at_an_event_time_was_at_risk_then():
    assert Survival([5], [5]).at(5) == 0.5
    assert Survival([5, 5], []).at(5) == 0.0


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    rng = random.Random(1)
    values = [rng.randrange(100) for _ in range(500)]
    km = Survival(values, [])
    for x in (0, 10, 50, 99):
        assert km.at(x) == pytest.approx(sum(v > x for v in values) / len(values))


def _samples(n_fine: int, n_team: int) -> dict:
    """A finest group (Standard, high, Billing, email) of n_fine clocks lasting 100..; the rest of
    the team's clocks (chat) last 1000.."""
    fine = Sample(stopped=list(range(100, 100 + n_fine)), censored=[], breached=0)
    team = Sample(stopped=list(range(1000, 1000 + n_team)), censored=[50], breached=n_team)
    return {("first_response", "Standard", "high", "Billing", "email"): fine,
            ("first_response", "Standard", "high", "Billing", "chat"): team}


FIELDS = {"policy": "Standard", "priority": "high", "team": "Billing", "channel": "email"}


def test_the_probability_is_conditioned_on_the_time_elapsed():
    f = Forecaster(_samples(MIN_SAMPLE, MIN_SAMPLE))
    e = f.estimate(FIELDS, "first_response", elapsed=100 + MIN_SAMPLE // 2, target=100 + MIN_SAMPLE * 3 // 4)
    # the email group: durations 100..199; after 150 (49 left > 150), P(D >= 175) = 25/49; the 50
    # clocks that lasted 150 shrink it towards 1/2: (50 x 25/49 + 1) / 52
    assert e.level == "policy, priority, team, channel" and e.basis == "Standard, high, Billing, email"
    assert e.p_breach == round((50 * 25 / 49 + 1) / 52, 4) and e.n == MIN_SAMPLE and e.base_rate == 0.0


def test_a_small_group_falls_back_to_the_coarser_one_and_says_so():
    f = Forecaster(_samples(MIN_SAMPLE - 1, MIN_SAMPLE))
    e = f.estimate(FIELDS, "first_response", elapsed=10, target=1000 + MIN_SAMPLE // 2)
    assert e.level == "policy, priority, team" and e.basis == "Standard, high, Billing"
    # 2 MIN_SAMPLE - 1 + 1 clocks; P(D >= 1050 | D > 10): the 50 chat clocks from 1050 of the 199
    # left after the one censored at 50; shrunk by the 200 at risk at 10
    raw = MIN_SAMPLE / 2 / (2 * MIN_SAMPLE - 1)
    assert e.n == 2 * MIN_SAMPLE and e.p_breach == round((200 * raw + 1) / 202, 4)
    assert e.base_rate == pytest.approx(MIN_SAMPLE / (2 * MIN_SAMPLE - 1))  # (every chat clock breached)


def test_few_clocks_lasting_as_long_also_fall_back():
    f = Forecaster(_samples(MIN_SAMPLE, MIN_SAMPLE))
    late = 100 + MIN_SAMPLE - MIN_AT_RISK + 1  # fewer than MIN_AT_RISK email clocks lasted this long
    assert f.estimate(FIELDS, "first_response", late, late + 5).level == "policy, priority, team"


def test_no_history_of_the_metric_gives_no_forecast_and_the_metric_level_serves_any_size():
    f = Forecaster({("resolution", "VIP", "low", "", ""): Sample([10, 20], [], 1)})
    assert f.estimate(FIELDS, "first_response", 0, 10) is None
    e = f.estimate({"policy": "VIP", "priority": "low"}, "resolution", 0, 15)
    assert (e.level, e.basis, e.p_breach, e.base_rate) == ("metric", "all resolution clocks", 0.5, 0.5)
    # (a certain breach from two clocks is not certain: (2 x 1 + 1) / 4)
    assert f.estimate({"policy": "VIP", "priority": "low"}, "resolution", 0, 5).p_breach == 0.75


def test_brier_and_reliability_by_hand():
    pairs = [(0.8, True), (0.3, False), (0.85, False), (0.05, False)]
    assert brier(pairs) == round((0.04 + 0.09 + 0.7225 + 0.0025) / 4, 4)
    assert brier([]) is None
    assert reliability(pairs) == [{"bucket": "0%-10%", "n": 1, "predicted": 0.05, "observed": 0.0},
                                  {"bucket": "30%-40%", "n": 1, "predicted": 0.3, "observed": 0.0},
                                  {"bucket": "80%-90%", "n": 2, "predicted": 0.825, "observed": 0.5}]
    assert reliability([(1.0, True)])[0]["bucket"] == "90%-100%"
