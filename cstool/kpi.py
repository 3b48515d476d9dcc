"""KPI formulas (DESIGN §7) over plain records. Pure: no I/O, no clock.

Percentages are 0-100 rounded to two decimals; every figure comes with its sample size `n`.
"""

from __future__ import annotations

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
