"""Staffing (docs/semantics.md#staffing): the Erlang C model for live channels and a workload
model for asynchronous ones. Pure.

Erlang C (M/M/N): contacts arrive at random (Poisson) and wait in one queue for N agents with
exponential handle times. With traffic A = arrivals x AHT / interval (Erlangs), the share that
waits is C(N, A); the service level, the share answered within t, is 1 - C e^(-(N - A) t / AHT);
the average speed of answer is C x AHT / (N - A); occupancy is A / N. The agents needed are the
fewest N > A meeting the service level and at most the maximum occupancy; shrinkage (breaks,
training, absence) divides them by (1 - shrinkage), rounded up.
"""

from __future__ import annotations

import math
from typing import TypedDict

LIVE_CHANNELS = ("chat", "phone")  # answered while the customer waits: Erlang C; the rest by workload


class Staffing(TypedDict):
    traffic_erlangs: float
    agents: int
    agents_with_shrinkage: int
    service_level: float
    asa_seconds: float
    occupancy: float


def erlang_c(agents: int, traffic: float) -> float:
    """The probability that a contact waits (1 when the agents cannot keep up), by the Erlang B
    recursion (stable for hundreds of agents)."""
    if agents <= traffic:
        return 1.0
    b = 1.0
    for n in range(1, agents + 1):
        b = traffic * b / (n + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def measures(agents: int, traffic: float, aht: float, answer_within: float) -> tuple[float, float, float]:
    """(service level, average speed of answer in seconds, occupancy) with `agents` agents."""
    if agents <= traffic:
        return 0.0, math.inf, 1.0
    c = erlang_c(agents, traffic)
    return (1 - c * math.exp(-(agents - traffic) * answer_within / aht), c * aht / (agents - traffic),
            traffic / agents)


def _with_shrinkage(agents: int, shrinkage: float) -> int:
    return math.ceil(agents / (1 - shrinkage) - 1e-9)


def erlang_staffing(arrivals: float, interval: float, aht: float, service_level: float, answer_within: float,
                    shrinkage: float = 0.0, max_occupancy: float = 1.0) -> Staffing:
    """The fewest agents meeting `service_level` answered within `answer_within` seconds and at
    most `max_occupancy`, for `arrivals` contacts per `interval` seconds of `aht` seconds each."""
    traffic = arrivals * aht / interval
    if traffic <= 0:
        return {"traffic_erlangs": 0.0, "agents": 0, "agents_with_shrinkage": 0, "service_level": 1.0,
                "asa_seconds": 0.0, "occupancy": 0.0}
    agents = max(math.floor(traffic) + 1, math.ceil(traffic / max_occupancy - 1e-9))
    while True:
        sl, asa, occupancy = measures(agents, traffic, aht, answer_within)
        if sl >= service_level and occupancy <= max_occupancy + 1e-9:
            return {"traffic_erlangs": round(traffic, 4), "agents": agents,
                    "agents_with_shrinkage": _with_shrinkage(agents, shrinkage), "service_level": round(sl, 4),
                    "asa_seconds": round(asa, 1), "occupancy": round(occupancy, 4)}
        agents += 1


def workload_staffing(work: list[float], respond_within: float, shrinkage: float = 0.0,
                      max_occupancy: float = 1.0) -> list[tuple[int, int]]:
    """Asynchronous channels, hour by hour of a cyclic week: `work[h]` seconds of handling arrive
    in hour h; the work that arrived in the last r hours (r = the response target in whole hours,
    at least 1) must be done within r hours, so hour h needs ceil(that work / (r x 3600 x
    max_occupancy)) agents. [(agents, with shrinkage)] per hour."""
    r = max(1, math.ceil(respond_within / 3600 - 1e-9))
    n = len(work)
    out = []
    for h in range(n):
        recent = sum(work[(h - i) % n] for i in range(r))
        agents = math.ceil(recent / (r * 3600 * max_occupancy) - 1e-9)
        out.append((agents, _with_shrinkage(agents, shrinkage)))
    return out
