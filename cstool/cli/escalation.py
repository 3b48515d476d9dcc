"""`cstool escalations`: the tiered escalation queues."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, FormatOpt, command, now, parse_instant, state
from cstool.cli.console import out_console
from cstool.core.errors import UsageError
from cstool.render import Column, Format
from cstool.render.machine import write_csv, write_json
from cstool.render.table import print_table
from cstool.render.values import iso_instant

app = typer.Typer()

ESCALATION_COLUMNS = [Column("ticket_id", "Ticket", "id"), Column("customer", "Customer (tier)", "id"),
                      Column("priority", "Priority"), Column("team", "Team"), Column("assignee", "Assignee"),
                      Column("age_seconds", "Age", "duration"), Column("clock", "SLA clock"),
                      Column("reason_text", "Reasons")]
ESCALATION_MACHINE = [Column(k, k) for k in ("tier", "source", "ticket_id", "subject", "customer_id", "customer_tier",
                                              "priority", "team", "assignee", "age_seconds", "metric", "due_at",
                                              "remaining_seconds", "overdue_seconds", "reasons")]
def _clock_text(entry: dict) -> str:
    from cstool.core.formats import format_seconds

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
    from cstool.services.escalation import build_escalations, record_and_filter_new
    from cstool.services.sla import SlaEngine

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
