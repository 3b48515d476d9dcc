"""`cstool escalations`, `cstool followups [done|undo]` and `cstool customer`."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, FormatOpt, command, now, parse_instant, state
from cstool.cli.console import out_console
from cstool.errors import UsageError
from cstool.render import Column, Format
from cstool.render.machine import write_csv, write_json
from cstool.render.table import print_table
from cstool.render.values import iso_instant

app = typer.Typer()
followups_app = typer.Typer(help="The closed-loop feedback queue: detractors and low CSAT not yet followed up.",
                            invoke_without_command=True)

ESCALATION_COLUMNS = [Column("ticket_id", "Ticket", "id"), Column("customer", "Customer (tier)", "id"),
                      Column("priority", "Priority"), Column("team", "Team"), Column("assignee", "Assignee"),
                      Column("age_seconds", "Age", "duration"), Column("clock", "SLA clock"),
                      Column("reason_text", "Reasons")]
ESCALATION_MACHINE = [Column(k, k) for k in ("tier", "source", "ticket_id", "subject", "customer_id", "customer_tier",
                                              "priority", "team", "assignee", "age_seconds", "metric", "due_at",
                                              "remaining_seconds", "overdue_seconds", "reasons")]
FOLLOWUP_COLUMNS = [Column("survey_id", "Survey", "id"), Column("submitted_at", "Answered", "time"),
                    Column("kind", "Kind"), Column("score", "Score"), Column("customer", "Customer", "id"),
                    Column("ticket_id", "Ticket", "id"), Column("owner", "Owner"), Column("comment", "Comment")]
FOLLOWUP_MACHINE = [Column(k, k) for k in ("source", "survey_id", "kind", "score", "comment", "submitted_at",
                                            "ticket_id", "customer_id", "customer_name", "customer_email",
                                            "customer_tier", "owner")]


def _clock_text(entry: dict) -> str:
    from cstool.sla.duration import format_seconds

    if entry["metric"] is None or entry["remaining_seconds"] is None:
        return ""
    if entry["overdue_seconds"]:
        when = f"overdue {format_seconds(entry['overdue_seconds'])}"
    else:
        when = f"{format_seconds(max(entry['remaining_seconds'], 0))} left"
    return f"{entry['metric']}: {when}"


@command(app, "escalations")
def escalations(
    tier: Annotated[Optional[str], typer.Option("--tier", help="Only this tier.")] = None,
    team: Annotated[Optional[str], typer.Option("--team", help="Only this team.")] = None,
    assignee: Annotated[Optional[str], typer.Option("--assignee", help="Only this assignee.")] = None,
    as_of: AsOfOpt = None,
    new_since: Annotated[Optional[str], typer.Option(
        "--new-since", help="LAST (the previous recorded run) or an ISO instant: only tickets that entered "
        "their tier since then.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Table rows per tier at most (0 = all; "
                                       "json/csv: all).")] = 20,
    fmt: FormatOpt = Format.table,
) -> None:
    """Tiered escalation queues, highest tier first, most urgent first within a tier, with every reason in words. Each run is recorded (once per --as-of) so a nightly run can show what is new.

    Example: cstool escalations --as-of 2026-03-31T16:00:00Z --new-since LAST
    """
    from cstool.queues import build_escalations, record_and_filter_new
    from cstool.slas import SlaEngine

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    since = new_since if new_since in (None, "LAST") else parse_instant(new_since, config.timezone, "--new-since")
    if tier and tier.lower() not in {t.name.lower() for t in config.tiers}:
        raise UsageError(f"--tier {tier!r}: no such tier; tiers are: " + ", ".join(t.name for t in config.tiers))
    with app_state.open_store(create=False) as store:
        queue = build_escalations(store, SlaEngine(config), when, {"tier": tier, "team": team, "assignee": assignee})
        queue = record_and_filter_new(store, queue, when, since)
    tz = config.timezone
    if fmt in (Format.json, Format.csv):
        rows = [{**e, "due_at": iso_instant(e["due_at"], tz)} for e in queue]
        for row in rows:
            row.pop("tier_rank", None)
        if fmt is Format.json:
            write_json(rows, sys.stdout)
        else:
            write_csv([{**r, "reasons": [x["text"] for x in r["reasons"]]} for r in rows], ESCALATION_MACHINE,
                      sys.stdout)
        return
    if fmt is not Format.table:
        raise UsageError("--format: escalations print table, json or csv")
    console = out_console()
    tiers = [t for t in reversed(config.tiers) if not tier or t.name.lower() == tier.lower()]
    for t in tiers:
        entries = [e for e in queue if e["tier"] == t.name]
        rows = [{**e, "customer": f"{e['customer_id'] or '?'} ({e['customer_tier'] or '-'})",
                 "clock": _clock_text(e), "reason_text": "; ".join(r["text"] for r in e["reasons"])}
                for e in (entries[:limit] if limit else entries)]
        print_table(console, rows, ESCALATION_COLUMNS, tz=tz, title=f"{t.name}: {len(entries)} tickets",
                    empty=f"{t.name}: no tickets" + (" new since the previous run" if new_since else ""))
        if len(rows) < len(entries):
            console.print(f"… {len(entries) - len(rows)} more in {t.name} (--limit 0 or --format csv for all)",
                          markup=False)


@followups_app.callback()
def followups(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", min=1, help="Answers of the last N days.")] = 14,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Detractors (NPS 0-6) and CSAT of 2 or less from the last N days, not yet followed up, with customer, ticket, score, comment and owner (the ticket's assignee, else its team).

    Example: cstool followups --days 7; cstool followups done S00042 --note "called, refund issued"
    """
    if ctx.invoked_subcommand is not None:
        return
    _list_followups(days, as_of, fmt)


@command(followups_app, "list", hidden=True)
def _list_followups(days: int = 14, as_of: Optional[str] = None, fmt: Format = Format.table) -> None:
    from cstool.queues import followup_queue

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    with app_state.open_store(create=False) as store:
        rows = followup_queue(store, when, days)
    tz = config.timezone
    if fmt is Format.json:
        write_json([{**r, "submitted_at": iso_instant(r["submitted_at"], tz)} for r in rows], sys.stdout)
    elif fmt is Format.csv:
        write_csv([{**r, "submitted_at": iso_instant(r["submitted_at"], tz)} for r in rows], FOLLOWUP_MACHINE,
                  sys.stdout)
    else:
        shown = [{**r, "customer": r["customer_email"] or r["customer_id"] or ""} for r in rows]
        print_table(out_console(), shown, FOLLOWUP_COLUMNS, tz=tz, title=f"Follow-ups: {len(rows)} open",
                    empty=f"No detractor or low-CSAT answer waits for a follow-up (last {days} days).")


@command(followups_app, "done")
def followup_done(survey: Annotated[str, typer.Argument(help="Survey answer id (or SOURCE:ID).")],
                  note: Annotated[Optional[str], typer.Option("--note", help="What was done.")] = None) -> None:
    """Mark a follow-up as done (stored with the time and the note); it leaves the queue."""
    from cstool.queues import mark_followup

    with state().open_store(create=False) as store:
        source, sid = mark_followup(store, survey, now(), note)
    if not state().quiet:
        print(f"cstool: follow-up {source}:{sid} marked done", file=sys.stderr)


@command(followups_app, "undo")
def followup_undo(survey: Annotated[str, typer.Argument(help="Survey answer id (or SOURCE:ID).")]) -> None:
    """Put a follow-up back in the queue."""
    from cstool.queues import mark_followup

    with state().open_store(create=False) as store:
        source, sid = mark_followup(store, survey, None, None)
    if not state().quiet:
        print(f"cstool: follow-up {source}:{sid} is open again", file=sys.stderr)


@command(app, "customer")
def customer(ref: Annotated[str, typer.Argument(help="Customer id or e-mail (case-insensitive).")],
             as_of: AsOfOpt = None, fmt: FormatOpt = Format.table) -> None:
    """One customer's profile, health and omnichannel timeline (tickets, replies, surveys), newest first.

    Example: cstool customer customer0042@example.com --as-of 2026-03-31T16:00:00Z
    """
    from cstool.queues import customer_view
    from cstool.slas import SlaEngine

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    with app_state.open_store(create=False) as store:
        view = customer_view(store, SlaEngine(config), ref, when)
    tz = config.timezone
    if fmt is Format.json:
        c = view["customer"]
        doc = {"customer": {**c, "signup_at": iso_instant(c["signup_at"], tz), "churned_at": iso_instant(c["churned_at"], tz)},
               "health": {**view["health"], "last_contact": iso_instant(view["health"]["last_contact"], tz),
                          "csat": [[iso_instant(a, tz), v] for a, v in view["health"]["csat"]],
                          "nps": [[iso_instant(a, tz), v] for a, v in view["health"]["nps"]]},
               "timeline": [{**e, "at": iso_instant(e["at"], tz)} for e in view["timeline"]]}
        write_json(doc, sys.stdout)
        return
    if fmt is not Format.table:
        raise UsageError("--format: customer prints table or json")
    _print_customer(view, tz)


def _print_customer(view: dict, tz: str) -> None:
    from cstool.render.values import local_time

    c, h = view["customer"], view["health"]
    console = out_console()
    revenue = f"{c['revenue']:,.2f}" if c["revenue"] is not None else "n/a"
    console.print(f"{c['name'] or c['id']} <{c['email'] or 'no e-mail'}> — id {c['id']}, tier {c['tier'] or '-'}, "
                  f"customer since {local_time(c['signup_at'], tz) or '?'}, revenue {revenue}, "
                  f"{'CHURNED ' + local_time(c['churned_at'], tz) if c['churned'] else 'active'}", markup=False)
    csat = ", ".join(f"{v:g}" if isinstance(v, (int, float)) else str(v) for _, v in h["csat"][:8]) or "none"
    nps = ", ".join(f"{v:g}" for _, v in h["nps"][:8]) or "none"
    console.print(f"Health: {h['open_tickets']} open of {h['tickets']} tickets; {h['breached_tickets_90d']} with an "
                  f"SLA breach in 90 days; CSAT {csat}; NPS {nps}; last contact "
                  f"{local_time(h['last_contact'], tz) or 'never'}", markup=False)
    print_table(console, view["timeline"][:200], [Column("at", "When", "time"), Column("channel", "Channel"),
                                                  Column("kind", "What"), Column("ticket_id", "Ticket", "id"),
                                                  Column("text", "Detail")], tz=tz, title="Timeline (newest first)")
