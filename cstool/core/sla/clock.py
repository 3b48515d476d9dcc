"""SLA clocks of one ticket (docs/semantics.md#sla-clocks and docs/semantics.md#clock-states):
pure, over a ticket record and its events.

`compute_clocks` reads the ticket's status timeline up to a horizon (the `as_of`, or None for
"everything known") and returns one Clock per metric (and per next-response cycle) with its
deadline. `evaluate` turns a Clock into a state at an instant; it is cheap, so stored clocks
can be evaluated at any `as_of` after the ticket's last known event.

Semantics: the clock runs from its start while the status is neither a pause status of the
policy for that metric nor solved/closed; a reopen resumes it. first_response stops at the
first agent reply (or at the solve, for tickets solved without one), resolution at the final
solve, each next_response cycle at the agent reply that answers the oldest unanswered
customer message. Breach is strict and in wall time: breached when the stop (or as_of) is
later than the deadline.

A clock whose stop the data cannot place is `unknown`, never met nor breached: first_response
when the export counts replies or reports a first-reply time but gives no reply instant, and
resolution (and the first response of a ticket solved without a reply) when the ticket is
solved or closed but the export gives no instant for it. The clock's `note` says why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cstool.core.models import ClockMode, ClockState, Event, Record
from cstool.core.sla.calendar import BusinessCalendar
from cstool.core.sla.duration import Duration
from cstool.core.sla.policy import Policy
from cstool.core.tickets import CLOSED_STATUSES as CLOSED

# Every state a clock can be in at an instant, most urgent first ("most urgent first" orders
# `sla check` and the escalation queues).
NO_REPLY = "solved without a reply: the clock stops at the solve"
STATES = ("breached", "at_risk", "paused", "running", "met", "unknown", "n/a")
URGENCY = {state: rank for rank, state in enumerate(STATES)}
Timeline = list[tuple[int, str]]        # (instant, status) changes, from creation on
Span = tuple[int, int | None]           # [start, end) of a running or paused interval; None = open-ended


@dataclass(slots=True)
class Clock:
    metric: str
    cycle: int
    policy: str
    matched: str
    calendar: str
    target: str
    target_seconds: int | None
    started_at: int | None
    stopped_at: int | None
    due_at: int | None
    risk_at: int | None
    elapsed_business_seconds: int
    paused_seconds: int
    pauses: list[tuple[int, int | None]] = field(default_factory=list)
    mode: ClockMode = "running"
    elapsed_since: int | None = None  # running: start of the open segment (elapsed counted before it)
    note: str = ""                    # unknown: why the data cannot place the stop; else what the
                                      # stop stands for when it is not the metric's own event


@dataclass
class Evaluation:
    state: ClockState
    remaining_seconds: int | None   # business seconds; negative when breached
    elapsed_business_seconds: int


def status_timeline(ticket: Record, events: Sequence[Event], horizon: int | None) -> Timeline:
    """(instant, status) changes up to the horizon, starting at creation."""
    created = ticket["created_at"]
    changes = [(at, value) for at, kind, value in events if kind == "status" and (horizon is None or at <= horizon)]
    if not changes:
        changes = [(created, "open")]
        resolved = ticket.get("resolution_at")
        if resolved is not None and (horizon is None or resolved <= horizon):
            status = ticket.get("status")
            changes.append((resolved, status if status in CLOSED else "solved"))
    if changes[0][0] > created:
        changes.insert(0, (created, "new"))
    return changes


def _segments(timeline: Timeline, start: int, stop: int | None, stopping: frozenset[str]
              ) -> tuple[list[Span], list[Span]]:
    """Running intervals [s, e) within [start, stop), and the paused ones; e None = open-ended."""
    running: list[Span] = []
    paused: list[Span] = []
    for i, (at, status) in enumerate(timeline):
        end = timeline[i + 1][0] if i + 1 < len(timeline) else None
        s = max(at, start)
        e = end if stop is None else (stop if end is None else min(end, stop))
        if e is not None and e <= s:
            continue
        if stop is not None and s >= stop:
            break
        (paused if status in stopping else running).append((s, e))
    return running, paused


def _deadline(calendar: BusinessCalendar, running: list[Span], spent_in: list[int], target: int) -> int | None:
    """When `target` business seconds of the running intervals are used up (None: not within
    them); `spent_in` holds each closed interval's business seconds."""
    remaining = target
    for (s, e), spent in zip(running, spent_in):
        if e is None:
            return calendar.add(s, remaining)
        if spent >= remaining:
            return calendar.add(s, remaining)
        remaining -= spent
    return None


@lru_cache(maxsize=256)
def _label(target: Duration | None) -> str:
    return str(target) if target else ""


def _unplaced(ticket: Record, events: Sequence[Event], replies: list[int]) -> dict[str, str]:
    """{metric: why} for the clocks whose stop the data cannot place (whatever the horizon: an
    instant after it is still a known instant)."""
    out = {}
    reported = ticket.get("reported") or {}
    no_reply_time = ticket.get("first_response_at") is None and not replies
    if no_reply_time:
        if (ticket.get("replies") or 0) > 0:
            out["first_response"] = (f"the export counts {ticket['replies']} replies but gives no time of the "
                                     "first reply")
        elif reported.get("first_reply") is not None or reported.get("first_reply_business") is not None:
            out["first_response"] = "the export reports a first-reply time but not when the reply was sent"
    closed_untimed = (ticket.get("status") in CLOSED and ticket.get("resolution_at") is None
                      and not any(kind == "status" and value in CLOSED for _, kind, value in events))
    if closed_untimed:
        out["resolution"] = f"the ticket is {ticket['status']} but the export gives no time for it"
        if no_reply_time:
            out.setdefault("first_response", f"the ticket is {ticket['status']} with no reply time and no solve time")
    return out


def _stops(policy: Policy, metric: str) -> frozenset[str]:
    """The statuses that stop the metric's clock: its pause statuses and solved/closed."""
    found = policy.stops.get(metric)
    if found is None:
        found = policy.stops[metric] = frozenset(policy.pause.get(metric, ())) | _CLOSED
    return found


_CLOSED = frozenset(CLOSED)


def _clock(calendar: BusinessCalendar, policy: Policy, matched: str, metric: str, cycle: int, target: Duration | None,
           timeline: Timeline, start: int | None, stop: int | None, unplaced: str | None = None) -> Clock:
    label = _label(target)
    if target is None or start is None:
        return Clock(metric, cycle, policy.name, matched, calendar.name, label, None, start, stop, None, None, 0, 0,
                     [], "n/a")
    if unplaced:
        return Clock(metric, cycle, policy.name, matched, calendar.name, label,
                     None if target.business_days else target.seconds, start, None, None, None, 0, 0, [], "unknown",
                     None, unplaced)
    running, paused = _segments(timeline, start, stop, _stops(policy, metric))
    spent_in = [0 if e is None else calendar.between(s, e) for s, e in running]
    if target.business_days:
        plain = calendar.add_business_days(start, target.business_days)
        target_seconds = calendar.between(start, plain)
        uninterrupted = bool(running) and running[0][0] == start and (running[0][1] is None or running[0][1] >= plain)
        due = plain if uninterrupted else _deadline(calendar, running, spent_in, target_seconds)
    else:
        target_seconds = target.seconds
        due = _deadline(calendar, running, spent_in, target_seconds)
    share = policy.at_risk
    threshold = round(target_seconds * share) if isinstance(share, float) else share.seconds
    risk = _deadline(calendar, running, spent_in, max(target_seconds - threshold, 0))
    closed_spent = sum(spent_in)
    open_segment = running[-1][0] if running and running[-1][1] is None else None
    mode: ClockMode = "stopped" if stop is not None else ("running" if open_segment is not None else "paused")
    if stop is not None and due is None:
        due = calendar.add(stop, target_seconds - closed_spent) if closed_spent <= target_seconds else stop
    paused_seconds = 0
    for s, e in paused:
        if e is not None:
            paused_seconds += e - s
    return Clock(metric, cycle, policy.name, matched, calendar.name, label, target_seconds, start, stop, due, risk,
                 closed_spent, paused_seconds, paused, mode, open_segment)


def _cycles(events: Sequence[Event], first_reply: int | None, horizon: int | None) -> list[Span]:
    """(start, stop) of every next-response cycle after the first agent reply."""
    if first_reply is None:
        return []
    cycles: list[Span] = []
    waiting: int | None = None
    for at, kind, _value in events:
        if horizon is not None and at > horizon:
            break
        if at <= first_reply:
            continue
        if kind == "customer_reply" and waiting is None:
            waiting = at
        elif kind == "agent_reply" and waiting is not None:
            cycles.append((waiting, at))
            waiting = None
    if waiting is not None:
        cycles.append((waiting, None))
    return cycles


def compute_clocks(ticket: Record, events: Sequence[Event], policy: Policy, matched: str,
                   calendar: BusinessCalendar, horizon: int | None = None) -> list[Clock]:
    """Every clock of one ticket. `events` are (instant, type, value) sorted by instant;
    `horizon` ignores what happened after it (None: everything known)."""
    created = ticket.get("created_at")
    targets = policy.targets.get(ticket.get("priority") or "normal", {})
    if created is None or (horizon is not None and created > horizon):
        return [_clock(calendar, policy, matched, m, 0, None, [], None, None)
                for m in ("first_response", "resolution")]
    timeline = status_timeline(ticket, events, horizon)
    replies = [at for at, kind, _ in events if kind == "agent_reply" and at >= created]
    first_reply = replies[0] if replies else ticket.get("first_response_at")
    if first_reply is not None and horizon is not None and first_reply > horizon:
        first_reply = None
    solved_at = None  # the final solve: where the trailing run of solved/closed statuses begins
    if timeline[-1][1] in CLOSED:
        i = len(timeline) - 1
        while i > 0 and timeline[i - 1][1] in CLOSED:
            i -= 1
        solved_at = timeline[i][0]
    first_stop = first_reply if first_reply is not None else solved_at
    unplaced = _unplaced(ticket, events, replies)
    first = _clock(calendar, policy, matched, "first_response", 0, targets.get("first_response"), timeline,
                   created, first_stop, unplaced.get("first_response"))
    if first_reply is None and first.mode == "stopped":  # (a duration KPI takes no first response from it)
        first.note = NO_REPLY
    clocks = [first,
              _clock(calendar, policy, matched, "resolution", 0, targets.get("resolution"), timeline, created,
                     solved_at, unplaced.get("resolution"))]
    if "next_response" in targets:
        for n, (start, stop) in enumerate(_cycles(events, first_reply, horizon), 1):
            clocks.append(_clock(calendar, policy, matched, "next_response", n, targets["next_response"], timeline,
                                 start, stop))
    return clocks


def evaluate(clock: Clock, calendar: BusinessCalendar, as_of: int) -> Evaluation:
    """The clock's state at `as_of` (which must not precede the data it was computed from)."""
    if clock.mode in ("n/a", "unknown"):
        return Evaluation(clock.mode, None, 0)
    target, due = clock.target_seconds, clock.due_at
    assert target is not None, "only n/a clocks have no target"
    if clock.mode == "stopped":
        stopped = clock.stopped_at
        assert stopped is not None and due is not None, "a stopped clock has a stop and a deadline"
        elapsed = clock.elapsed_business_seconds
        breached = stopped > due
        remaining = target - elapsed if not breached else -calendar.between(due, stopped)
        return Evaluation("breached" if breached else "met", remaining, elapsed)
    if clock.mode == "paused":
        elapsed = clock.elapsed_business_seconds
        if due is not None and as_of > due:
            return Evaluation("breached", target - elapsed, elapsed)
        return Evaluation("paused", target - elapsed, elapsed)
    since = clock.elapsed_since
    assert since is not None and due is not None, "a running clock has an open segment and a deadline"
    elapsed = clock.elapsed_business_seconds + calendar.between(since, max(as_of, since))
    if as_of > due:
        return Evaluation("breached", -calendar.between(due, as_of), elapsed)
    remaining = calendar.between(as_of, due)
    if clock.risk_at is not None and as_of > clock.risk_at:
        return Evaluation("at_risk", remaining, elapsed)
    return Evaluation("running", remaining, elapsed)
