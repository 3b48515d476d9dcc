"""cstool.core.escalation: each rule condition fires with its reason, or does not; the highest tier wins and keeps every reason."""

from __future__ import annotations

import pytest

from cstool.core.escalation import Rule, Signals, Tier, escalate
from cstool.core.sla.duration import Duration

AS_OF = 1_800_000_000


H = 3600


def ticket(**fields):
    base = {"id": "T1", "priority": "normal", "team": "Billing", "assignee": "Ana", "customer_tier": "standard",
            "created_at": AS_OF - 2 * H, "reopens": 0, "tags": []}
    return {**base, **fields}


def fire(rule: Rule, signals: Signals):
    return escalate(signals, (Tier("T", (rule,)),), AS_OF)


@pytest.mark.parametrize("rule, signals, text", [
    (Rule(sla_used=0.5), Signals(ticket(), [("resolution", "running", 0.8, 0, AS_OF + H)]),
     "resolution 80% of target used"),
    (Rule(sla_used=1.0), Signals(ticket(), [("first_response", "breached", 1.3, 600, AS_OF - 600)]),
     "first_response breached"),
    (Rule(metric="resolution", breached_for=Duration(4 * H)),
     Signals(ticket(), [("resolution", "breached", 2.0, 5 * H + 600, AS_OF - 5 * H)]), "resolution breached 5h 10m ago"),
    (Rule(priority=("urgent",), unassigned_for=Duration(1800)),
     Signals(ticket(priority="urgent", assignee=None), []), "urgent priority; unassigned for 2h"),
    (Rule(reopens=2), Signals(ticket(reopens=3), []), "reopened 3 times"),
    (Rule(csat_at_most=2), Signals(ticket(), [], latest_csat=(1.0, 1795000000)), "CSAT 1 on 2026-11-18"),
    (Rule(nps_detractor=True), Signals(ticket(), [], latest_nps=(3.0, 1795000000)), "NPS detractor (3) on 2026-11-18"),
    (Rule(customer_tier=("vip",)), Signals(ticket(customer_tier="VIP"), []), "VIP"),
    (Rule(age=Duration(H)), Signals(ticket(), []), "open for 2h"),
    (Rule(tags=("outage",)), Signals(ticket(tags=["outage", "api"]), []), "tagged outage"),
    (Rule(team=("Billing",)), Signals(ticket(), []), "team Billing"),
])
def test_each_rule_kind_fires_with_its_reason(rule, signals, text):
    tier, reasons = fire(rule, signals)
    assert tier == "T"
    assert "; ".join(r.text for r in reasons) == text


@pytest.mark.parametrize("rule, signals", [
    (Rule(sla_used=0.5), Signals(ticket(), [("resolution", "running", 0.49, 0, AS_OF + H)])),
    (Rule(metric="first_response", sla_used=0.5), Signals(ticket(), [("resolution", "running", 0.9, 0, AS_OF)])),
    (Rule(breached_for=Duration(4 * H)), Signals(ticket(), [("resolution", "breached", 2.0, 4 * H, AS_OF)])),
    (Rule(priority=("urgent",), unassigned_for=Duration(1800)), Signals(ticket(priority="urgent"), [])),
    (Rule(reopens=2), Signals(ticket(reopens=1), [])),
    (Rule(csat_at_most=2), Signals(ticket(), [], latest_csat=(3.0, AS_OF))),
    (Rule(csat_at_most=2), Signals(ticket(), [])),
    (Rule(nps_detractor=True), Signals(ticket(), [], latest_nps=(7.0, AS_OF))),
    (Rule(customer_tier=("vip",)), Signals(ticket(), [])),
    (Rule(age=Duration(3 * H)), Signals(ticket(), [])),
    (Rule(tags=("outage",)), Signals(ticket(tags=["api"]), [])),
    (Rule(team=("Tech",)), Signals(ticket(), [])),
])
def test_rules_that_do_not_hold_do_not_fire(rule, signals):
    assert fire(rule, signals) == (None, [])


def test_highest_tier_wins_and_every_reason_is_kept():
    tiers = (Tier("Tier 1", (Rule(sla_used=0.5),)), Tier("Tier 2", (Rule(reopens=2),)),
             Tier("Lead", (Rule(customer_tier=("vip",)),)), Tier("Mgmt", (Rule(tags=("legal",)),)))
    signals = Signals(ticket(reopens=2, customer_tier="vip"), [("resolution", "running", 0.6, 0, AS_OF + H)])
    tier, reasons = escalate(signals, tiers, AS_OF)
    assert tier == "Lead"
    assert [r.code for r in reasons] == ["sla_used", "reopens", "customer_tier"]
