"""core/staffing: Erlang C against published worked examples and the M/M/1 queue, the search
for the fewest agents, shrinkage and occupancy, and the workload model of asynchronous channels."""

from __future__ import annotations

import pytest

from cstool.core.staffing import erlang_c, erlang_staffing, measures, workload_staffing


def test_call_centre_helper_worked_example():
    # 100 calls in 30 minutes, 180 s handle time, 80 % within 20 s: 10 Erlangs; 11 agents leave
    # 68.21 % waiting and a 39 % service level; 14 agents are needed: 88.9 %, ASA 7.8 s, 71.4 %
    # occupancy; with 30 % shrinkage, 20 agents (callcentrehelper.com, "Erlang C formula")
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)
    sl, asa, occupancy = measures(11, 10.0, 180, 20)
    assert (round(sl, 3), round(asa, 1), round(occupancy, 3)) == (0.39, 122.8, 0.909)
    result = erlang_staffing(100, 1800, 180, 0.8, 20, shrinkage=0.3)
    assert result == {"traffic_erlangs": 10.0, "agents": 14, "agents_with_shrinkage": 20, "service_level": 0.8884,
                      "asa_seconds": 7.8, "occupancy": 0.7143}


def test_one_agent_is_the_m_m_1_queue():
    # M/M/1 at load rho: P(wait) = rho, ASA = rho / (1 - rho) x AHT, P(wait > t) = rho e^(-(1 - rho) t / AHT)
    for rho in (0.2, 0.5, 0.9):
        sl, asa, occupancy = measures(1, rho, 60, 30)
        assert erlang_c(1, rho) == pytest.approx(rho)
        assert asa == pytest.approx(rho / (1 - rho) * 60)
        assert sl == pytest.approx(1 - rho * 2.718281828459045 ** (-(1 - rho) * 30 / 60))
        assert occupancy == rho


def test_the_fewest_agents_meet_the_target_and_one_fewer_does_not():
    for arrivals, aht, level, within in ((100, 180, 0.8, 20), (37, 300, 0.9, 15), (2, 240, 0.8, 60), (900, 120, 0.95, 10)):
        result = erlang_staffing(arrivals, 1800, aht, level, within)
        traffic = arrivals * aht / 1800
        assert measures(result["agents"], traffic, aht, within)[0] >= level
        assert measures(result["agents"] - 1, traffic, aht, within)[0] < level or result["agents"] - 1 <= traffic


def test_maximum_occupancy_and_no_traffic():
    assert erlang_staffing(100, 1800, 180, 0.5, 20, max_occupancy=0.6)["agents"] == 17  # 10 / 17 = 58.8 %
    assert erlang_staffing(0, 1800, 180, 0.8, 20)["agents"] == 0
    assert erlang_c(10, 10.0) == 1.0 and measures(10, 10.0, 180, 20)[0] == 0.0


def test_workload_model_by_hand():
    # 4-hour target: each hour needs the work of the last 4 hours done within 4 hours
    work = [0.0] * 168
    work[9] = 4 * 3600 * 3   # Monday 09:00: 12 hours of work
    out = workload_staffing(work, 4 * 3600)
    assert [a for a, _ in out[8:14]] == [0, 3, 3, 3, 3, 0]
    assert workload_staffing(work, 4 * 3600, shrinkage=0.25, max_occupancy=0.75)[9] == (4, 6)
    wrapped = [0.0] * 168
    wrapped[167] = 3600.0   # Sunday 23:00 counts in Monday's first hours of a cyclic week
    assert [a for a, _ in workload_staffing(wrapped, 2 * 3600)[:2]] == [1, 0]
