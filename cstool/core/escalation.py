"""Escalation tiers and rules (docs/semantics.md#escalations): pure data and evaluation over plain records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC

from cstool.core.models import Record
from cstool.core.sla.duration import Duration

# Conditions a rule may hold; all conditions of one rule must hold for it to fire.
RULE_KEYS = {
    "metric": "an SLA metric (first_response, next_response, resolution) or \"any\"",
    "sla_used": "a share of the SLA target such as \"75%\"",
    "breach_probability": "a forecast probability of breaching such as \"70%\" (docs/semantics.md#breach-forecast)",
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
    breach_probability: float | None = None
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


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass
class Signals:
    """What the rules look at for one open ticket, in plain values (instants in epoch seconds).

    `clocks` holds (metric, state, used share of the target, overdue wall seconds, due_at) for
    every clock of the ticket that is running, paused or breached; `forecasts` (metric, p_breach)
    for its running and paused clocks not yet breached, when a rule asks for them."""

    ticket: Record
    clocks: list[tuple[str, str, float, int, int | None]]
    latest_csat: tuple[float, int] | None = None   # (score, submitted_at)
    latest_nps: tuple[float, int] | None = None
    forecasts: list[tuple[str, float]] = field(default_factory=list)


def _span(seconds: float) -> str:
    from cstool.core.formats import format_seconds

    return format_seconds(int(seconds))


def _date(epoch: int) -> str:
    from datetime import datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def _clock_reasons(rule: Rule, s: Signals) -> list[Reason] | None:
    """The reasons of the rule's conditions on the ticket's clocks, or None when one fails."""
    reasons: list[Reason] = []
    clocks = [c for c in s.clocks if rule.metric == "any" or c[0] == rule.metric]
    if rule.sla_used is not None:
        hits = [c for c in clocks if c[2] >= rule.sla_used]
        if not hits:
            return None
        metric, state, used = max(hits, key=lambda c: c[2])[:3]
        text = f"{metric} breached" if state == "breached" else f"{metric} {used:.0%} of target used"
        reasons.append(Reason("sla_used", text))
    if rule.breach_probability is not None:
        likely = [f for f in s.forecasts if (rule.metric == "any" or f[0] == rule.metric)
                  and f[1] >= rule.breach_probability]
        if not likely:
            return None
        metric, p = max(likely, key=lambda f: f[1])
        reasons.append(Reason("breach_probability", f"{metric} {p:.0%} likely to breach"))
    if rule.breached_for is not None:
        hits = [c for c in clocks if c[1] == "breached" and c[3] > rule.breached_for.seconds]
        if not hits:
            return None
        metric, _, _, overdue, _ = max(hits, key=lambda c: c[3])
        reasons.append(Reason("breached_for", f"{metric} breached {_span(overdue)} ago"))
    return reasons


def _rule_reasons(rule: Rule, s: Signals, as_of: int) -> list[Reason] | None:
    """The reasons this rule fires for, or None when one of its conditions fails."""
    t = s.ticket
    reasons = _clock_reasons(rule, s)
    if reasons is None:
        return None
    if rule.priority is not None:
        if (t.get("priority") or "") not in rule.priority:
            return None
        reasons.append(Reason("priority", f"{t['priority']} priority"))
    if rule.unassigned_for is not None:
        waited = as_of - (t.get("created_at") or as_of)
        if t.get("assignee") or waited <= rule.unassigned_for.seconds:
            return None
        reasons.append(Reason("unassigned", f"unassigned for {_span(waited)}"))
    if rule.reopens is not None:
        if (t.get("reopens") or 0) < rule.reopens:
            return None
        reasons.append(Reason("reopens", f"reopened {t.get('reopens')} times"))
    if rule.csat_at_most is not None:
        if s.latest_csat is None or s.latest_csat[0] > rule.csat_at_most:
            return None
        reasons.append(Reason("low_csat", f"CSAT {s.latest_csat[0]:g} on {_date(s.latest_csat[1])}"))
    if rule.nps_detractor:
        if s.latest_nps is None or s.latest_nps[0] > 6:
            return None
        reasons.append(Reason("nps_detractor", f"NPS detractor ({s.latest_nps[0]:g}) on {_date(s.latest_nps[1])}"))
    if rule.customer_tier is not None:
        tier = (t.get("customer_tier") or "").lower()
        if tier not in {x.lower() for x in rule.customer_tier}:
            return None
        reasons.append(Reason("customer_tier", tier.upper() if tier == "vip" else f"{tier} customer"))
    if rule.age is not None:
        age = as_of - (t.get("created_at") or as_of)
        if age <= rule.age.seconds:
            return None
        reasons.append(Reason("age", f"open for {_span(age)}"))
    if rule.tags is not None:
        common = [tag for tag in (t.get("tags") or []) if tag in rule.tags]
        if not common:
            return None
        reasons.append(Reason("tags", "tagged " + ", ".join(common)))
    if rule.team is not None:
        if (t.get("team") or "") not in rule.team:
            return None
        reasons.append(Reason("team", f"team {t['team']}"))
    return reasons


def escalate(signals: Signals, tiers: tuple[Tier, ...], as_of: int) -> tuple[str | None, list[Reason]]:
    """(the highest tier any rule sends the ticket to, every reason from every tier)."""
    tier_name, reasons = None, []
    for tier in tiers:
        for rule in tier.rules:
            fired = _rule_reasons(rule, signals, as_of)
            if fired:
                tier_name = tier.name
                for reason in fired:
                    if reason not in reasons:
                        reasons.append(reason)
    return tier_name, reasons
