"""SLA operations over the store: keep the materialised clocks fresh, find breaches, explain one ticket.

Stored clocks are recomputed only for tickets that imports touched since the last refresh, or
all of them when the policies or calendars change (their fingerprint is stored). A stored clock
is valid for any as_of at or after its ticket's last known event; for an earlier as_of the
ticket's clocks are computed live from the data up to that instant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from cstool.config import Config
from cstool.core.errors import InputMissing, TempFailure
from cstool.core.models import Record, SlaCounts, SlaFinding
from cstool.core.sla.calendar import BusinessCalendar, build_calendars
from cstool.core.sla.clock import URGENCY, Clock, Evaluation, compute_clocks, evaluate
from cstool.core.sla.policy import match_policy, policies_fingerprint
from cstool.store import Store, sla_queries
from cstool.store import sla as sla_store
from cstool.store.tickets import count_open_at, find_tickets

CLOCKS_PER_WRITE = 5000  # clock rows per executemany during a refresh


class SlaEngine:
    """Policies and calendars of one config, ready to compute clocks."""

    def __init__(self, config: Config):
        self.config = config
        self.calendars: dict[str, BusinessCalendar] = build_calendars(config.calendars)
        self.fingerprint = policies_fingerprint(config.policies, config.calendars)

    def clocks(self, ticket: dict, events, horizon: int | None = None) -> list[Clock]:
        policy, matched = match_policy(self.config.policies, ticket)
        return compute_clocks(ticket, events, policy, matched, self.calendars[policy.calendar], horizon)


class _Fresh:
    """The stored clocks are current (a sentinel: an empty set of stale tickets is not)."""


_FRESH = _Fresh()
SNAPSHOT_ATTEMPTS = 5  # refresh-then-read rounds before a store that keeps changing is given up on


def _stale(store: Store, engine: SlaEngine) -> set[tuple[str, str]] | _Fresh | None:
    """The tickets whose stored clocks are out of date: `_FRESH` when the clocks are current, a
    set (possibly empty: an import touched no ticket, only the marker moves), or None (all)."""
    meta = sla_store.sla_meta(store)
    last = sla_store.last_import_id(store)
    if meta.get("fingerprint") != engine.fingerprint:
        return None
    if int(meta.get("import_id", 0)) < last:
        return sla_store.stale_tickets(store, int(meta.get("import_id", 0)))
    return _FRESH


def refresh_clocks(store: Store, engine: SlaEngine) -> int:
    """Bring the stored clocks up to date; returns how many tickets were recomputed.

    On a read-only store nothing is written: `store.stale_clocks` says the clocks are behind.
    Inside `reading()` the clocks were brought up to date before its snapshot began."""
    if store.generation is not None or _stale(store, engine) is _FRESH:
        return 0
    if store.read_only:
        store.stale_clocks = True
        return 0
    done = 0
    with store.write():  # (what is stale is read again under the write lock: an import may have landed)
        stale, last = _stale(store, engine), sla_store.last_import_id(store)
        if isinstance(stale, _Fresh):
            return 0
        keys = stale
        sla_store.delete_clocks(store, keys)
        writer = sla_store.ClockWriter(store, CLOCKS_PER_WRITE)
        if keys is None:  # every ticket: on two cores when there are many
            from cstool.services.clock_pass import write_all

            done = write_all(store, engine, writer)
        else:
            done = _compute(store, engine, writer, keys)
        writer.flush()
        sla_store.index_clocks(store)
        sla_store.set_meta(store, fingerprint=engine.fingerprint, import_id=str(last))
    return done


def _compute(store: Store, engine: SlaEngine, writer: sla_store.ClockWriter, keys: set[tuple[str, str]]) -> int:
    done = 0
    for rowid, ticket, events in sla_store.tickets_with_events(store, keys, rowids=True):
        writer.add(rowid, engine.clocks(ticket, events), sla_store.last_event_at(ticket, events))
        done += 1
    return done


def recompute_clocks(store: Store, engine: SlaEngine, keys: set[tuple[str, str]]) -> int:
    """Inside a write transaction whose changes to these tickets are made: their stored clocks
    computed again (those of tickets that no longer exist are gone). Returns how many."""
    writer = sla_store.ClockWriter(store, CLOCKS_PER_WRITE)
    done = _compute(store, engine, writer, keys)
    writer.flush()
    return done


@contextmanager
def reading(store: Store, engine: SlaEngine | None, texts: bool = False) -> Iterator[None]:
    """One snapshot of the store with its SLA clocks (without `engine`: none) and, with `texts`,
    its reading of comments and subjects up to date: everything read in the block sees one
    committed state, never half of one import and half of the next.

    The clocks and texts are refreshed (short writes of their own) and then the snapshot begins;
    should a writer commit in between, the round is repeated. A read-only store is read as it is
    (`store.stale_clocks` and `store.stale_texts` then say whether they were behind)."""
    if texts:  # (comments and subjects: services/texts; imported only by the commands that read them)
        from cstool.services.texts import refresh_texts, texts_fresh
    for _ in range(SNAPSHOT_ATTEMPTS):
        if engine is not None:
            refresh_clocks(store, engine)
        if texts:
            refresh_texts(store)
        with store.snapshot():
            if store.read_only or ((engine is None or _stale(store, engine) is _FRESH)
                                   and (not texts or texts_fresh(store))):
                yield
                return
    raise TempFailure(f"the store {store.path} kept changing while cstool read it "
                      f"({SNAPSHOT_ATTEMPTS} tries); try again")


def _finding(row: dict[str, Any], clock: Clock, evaluation: Evaluation, as_of: int) -> SlaFinding:
    return {"source": row["source"], "ticket_id": row["ticket_id"], "subject": row.get("subject"),
            "priority": row.get("priority"), "channel": row.get("channel"), "team": row.get("team"),
            "assignee": row.get("assignee"),
            "customer_id": row.get("customer_id"), "customer_tier": row.get("customer_tier"),
            "customer_email": row.get("customer_email"),
            "metric": clock.metric, "cycle": clock.cycle, "state": evaluation.state, "due_at": clock.due_at,
            "remaining_seconds": evaluation.remaining_seconds,
            "elapsed_business_seconds": evaluation.elapsed_business_seconds,
            "overdue_seconds": max(as_of - clock.due_at, 0) if evaluation.state == "breached" and clock.due_at else 0,
            "policy": clock.policy, "calendar": clock.calendar, "target_seconds": clock.target_seconds}


def find_breaches(store: Store, engine: SlaEngine, as_of: int, filters: dict | None = None,
                  include: set[str] | None = None, limit: int | None = None) -> tuple[list[SlaFinding], SlaCounts]:
    """(clocks of tickets open at `as_of` that are breached or at risk, plus `include` states,
    most urgent first: breached, at risk, then by earliest deadline; counts for the headline).

    Stored clocks are classified in SQL, so only the `limit` rows shown are evaluated here;
    tickets with data after `as_of` are computed live from the data up to it."""
    filters, include = filters or {}, include or set()
    refresh_clocks(store, engine)
    wanted = {"breached", "at_risk"} | include
    found: list[SlaFinding] = []
    for row in sla_queries.open_clock_rows(store, as_of, filters, wanted, limit):
        clock = sla_store.clock_from_row(row)
        found.append(_finding(row, clock, evaluate(clock, engine.calendars[clock.calendar], as_of), as_of))
    counts: SlaCounts = sla_queries.open_clock_counts(store, as_of, filters)
    live_breached: set[str] = set()
    live_at_risk: set[str] = set()
    for ticket, events in sla_store.tickets_with_events(store, sla_queries.newer_than(store, as_of)):
        if not _passes(ticket, filters):
            continue
        for clock in engine.clocks(ticket, events, horizon=as_of):
            if clock.mode not in ("running", "paused") or (filters.get("policy") and
                                                           clock.policy.lower() != filters["policy"].lower()):
                continue
            evaluation = evaluate(clock, engine.calendars[clock.calendar], as_of)
            if evaluation.state in wanted:
                found.append(_finding({**ticket, "ticket_id": ticket["id"]}, clock, evaluation, as_of))
            (live_breached if evaluation.state == "breached" else
             live_at_risk if evaluation.state == "at_risk" else set()).add(ticket["id"])
            if evaluation.state == "breached":
                overdue = as_of - (clock.due_at or as_of)
                counts["oldest_overdue_seconds"] = max(counts["oldest_overdue_seconds"], overdue)
    counts["breached"] += len(live_breached)
    counts["at_risk"] += len(live_at_risk - live_breached)
    counts["open"] = count_open_at(store, as_of, filters)
    found.sort(key=lambda f: (URGENCY[f["state"]], f["due_at"] is None, f["due_at"] or 0, f["ticket_id"],
                              f["metric"], f["cycle"]))
    return (found[:limit] if limit else found), counts


def _passes(ticket: dict, filters: dict) -> bool:
    return all(not filters.get(k) or (ticket.get(k) or "").lower() == filters[k].lower()
               for k in ("team", "assignee", "priority"))


def explain_ticket(store: Store, engine: SlaEngine, ticket_ref: str, as_of: int) -> tuple[Record, list[Record]]:
    """(ticket, every clock of it with its state at as_of and the reasons)."""
    keys = find_tickets(store, ticket_ref)
    if not keys:
        raise InputMissing(f"no ticket {ticket_ref!r} in the store (use SOURCE:ID when ids repeat across sources)")
    if len(keys) > 1:
        raise InputMissing(f"ticket id {ticket_ref!r} exists in several sources ("
                           + ", ".join(f"{s}:{i}" for s, i in keys) + "); name one as SOURCE:ID")
    ticket, events = next(sla_store.tickets_with_events(store, keys))
    out = []
    for clock in engine.clocks(ticket, events, horizon=as_of):
        evaluation = evaluate(clock, engine.calendars[clock.calendar], as_of)
        record = asdict(clock)
        record.update(state=evaluation.state, remaining_seconds=evaluation.remaining_seconds,
                      elapsed_business_seconds=evaluation.elapsed_business_seconds)
        out.append(record)
    return ticket, out
