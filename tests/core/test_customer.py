"""cstool.core.customer: the customer view's health figures and timeline, from plain records."""

from __future__ import annotations

from cstool.core.customer import customer_view

CUSTOMER = {"source": "s", "id": "C1", "email": "a@example.com", "name": "Ann", "tier": "vip", "signup_at": 0,
            "churned_at": 500, "revenue": 10.0}
TICKETS = [
    {"source": "s", "id": "T1", "subject": "Login", "channel": "email", "priority": "high", "status": "open",
     "created_at": 100, "resolution_at": None},
    {"source": "s", "id": "T2", "subject": None, "channel": "chat", "priority": "low", "status": "solved",
     "created_at": 50, "resolution_at": 300},
    {"source": "s", "id": "T3", "subject": "Old", "channel": "phone", "priority": "normal", "status": "closed",
     "created_at": None, "resolution_at": None},
]
EVENTS = [{"source": "s", "ticket_id": "T1", "at": 120, "type": "agent_reply", "value": "Dara"},
          {"source": "s", "ticket_id": "T2", "at": 60, "type": "customer_reply", "value": ""}]
SURVEYS = [{"source": "s", "id": "S1", "ticket_id": "T2", "kind": "csat", "score": None, "label": "bad",
            "comment": "slow", "submitted_at": 310},
           {"source": "s", "id": "S2", "ticket_id": None, "kind": "nps", "score": 9.0, "label": None, "comment": None,
            "submitted_at": 200}]


def test_health_and_timeline_newest_first():
    view = customer_view(CUSTOMER, TICKETS, EVENTS, SURVEYS, 1, as_of=400)
    assert view["customer"]["churned"] is False            # churned at 500, after as_of
    assert view["health"] == {"open_tickets": 1, "tickets": 3, "breached_tickets_90d": 1,
                              "csat": [(310, "bad")], "nps": [(200, 9.0)], "last_contact": 310}
    assert [(e["at"], e["kind"], e["channel"], e["text"]) for e in view["timeline"]] == [
        (310, "csat", "survey", "CSAT bad: slow"), (200, "nps", "survey", "NPS 9"),
        (120, "agent_reply", "email", "agent Dara"), (100, "ticket", "email", "Login (high, open)"),
        (60, "customer_reply", "chat", "customer reply"), (50, "ticket", "chat", " (low, solved)")]


def test_open_tickets_follow_the_open_at_rule():
    assert customer_view(CUSTOMER, TICKETS, [], [], 0, as_of=300)["health"]["open_tickets"] == 2  # T2 resolved at T
    assert customer_view(CUSTOMER, TICKETS, [], [], 0, as_of=99)["health"]["open_tickets"] == 1
    assert customer_view(CUSTOMER, TICKETS, [], [], 0, as_of=600)["customer"]["churned"] is True
