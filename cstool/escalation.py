"""Escalation tiers and rules (DESIGN §8): pure data and evaluation over plain records."""

from __future__ import annotations

from dataclasses import dataclass, field

from cstool.sla.duration import Duration

# Conditions a rule may hold; all conditions of one rule must hold for it to fire.
RULE_KEYS = {
    "metric": "an SLA metric (first_response, next_response, resolution) or \"any\"",
    "sla_used": "a share of the SLA target such as \"75%\"",
    "breached_for": "a duration past the SLA deadline such as \"4h\"",
    "priority": "a list of priorities",
    "unassigned_for": "a duration such as \"30m\"",
    "reopens": "a whole number (reopened at least that many times)",
    "csat_at_most": "a CSAT score such as 2",
    "nps_detractor": "true",
    "customer_tier": "a list of customer tiers",
    "age": "a duration such as \"7d\"",
    "tags": "a list of tags",
    "team": "a list of teams",
}


@dataclass(frozen=True)
class Rule:
    """A conjunction of conditions; None means "not tested"."""

    metric: str = "any"
    sla_used: float | None = None
    breached_for: Duration | None = None
    priority: tuple[str, ...] | None = None
    unassigned_for: Duration | None = None
    reopens: int | None = None
    csat_at_most: int | None = None
    nps_detractor: bool | None = None
    customer_tier: tuple[str, ...] | None = None
    age: Duration | None = None
    tags: tuple[str, ...] | None = None
    team: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Tier:
    """An escalation tier; tiers are ordered lowest first."""

    name: str
    rules: tuple[Rule, ...] = field(default_factory=tuple)


def default_tiers() -> tuple[Tier, ...]:
    """The tiers `cstool config init` writes (ServiceNow-style 50/75/100 % notifications)."""
    return (
        Tier("Tier 1", (Rule(sla_used=0.5),)),
        Tier("Tier 2", (Rule(sla_used=0.75), Rule(priority=("urgent",), unassigned_for=Duration(1800)))),
        Tier("Team lead", (Rule(sla_used=1.0), Rule(reopens=2))),
        Tier("Management", (Rule(metric="resolution", breached_for=Duration(4 * 3600)),)),
    )
