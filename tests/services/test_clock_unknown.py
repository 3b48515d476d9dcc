"""cstool.core.sla.clock: a stop the data cannot place makes the clock unknown, never met nor
breached; a first response "stopped" by a solve without a reply says so."""

from __future__ import annotations

from cstool.config import default_config
from cstool.core.sla.clock import NO_REPLY, evaluate
from cstool.services.sla import SlaEngine

T0 = 1772442000  # 2026-03-02 09:00 UTC
H = 3600
ENGINE = SlaEngine(default_config())


def clocks(**ticket):
    record = {"source": "s", "id": "T", "priority": "normal", "status": "open", "created_at": T0,
              "first_response_at": None, "resolution_at": None, "replies": None, "reported": {}, **ticket}
    events = ticket.pop("events", [])
    return {c.metric: c for c in ENGINE.clocks(record, events, horizon=ticket.get("horizon"))}


def test_replies_counted_without_a_reply_time_make_the_first_response_unknown():
    c = clocks(replies=3, status="solved", resolution_at=T0 + 30 * H)["first_response"]
    assert (c.mode, c.due_at, c.stopped_at) == ("unknown", None, None)
    assert c.note == "the export counts 3 replies but gives no time of the first reply"
    assert evaluate(c, ENGINE.calendars[c.calendar], T0 + 400 * H).state == "unknown"  # never breached


def test_a_reported_first_reply_time_without_its_instant_is_unknown_too():
    c = clocks(reported={"first_reply_business": 600}, status="solved", resolution_at=T0 + H)["first_response"]
    assert (c.mode, c.note) == ("unknown", "the export reports a first-reply time but not when the reply was sent")


def test_a_solve_without_a_reply_stops_the_first_response_and_says_so():
    c = clocks(replies=0, status="solved", resolution_at=T0 + H)["first_response"]
    assert (c.mode, c.stopped_at, c.note) == ("stopped", T0 + H, NO_REPLY)


def test_a_closed_ticket_without_a_time_for_it_has_an_unknown_resolution():
    c = clocks(status="closed", first_response_at=T0 + H)
    assert c["resolution"].mode == "unknown" and c["first_response"].mode == "stopped"
    assert c["resolution"].note == "the ticket is closed but the export gives no time for it"
    c = clocks(status="closed")
    assert c["first_response"].note == "the ticket is closed with no reply time and no solve time"


def test_a_known_reply_after_the_horizon_is_a_running_clock_not_an_unknown_one():
    c = clocks(replies=2, first_response_at=T0 + 5 * H, horizon=T0 + H)["first_response"]
    assert c.mode == "running" and not c.note
