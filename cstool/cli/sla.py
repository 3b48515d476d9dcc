"""`cstool sla check` and `cstool sla show`."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, FormatOpt, command, parse_instant, state
from cstool.cli.console import out_console
from cstool.core.errors import CstoolError, UsageError
from cstool.render import Column, Format
from cstool.render.machine import write_csv, write_json
from cstool.render.nagios import UNKNOWN, nagios_status, nagios_unknown
from cstool.render.table import print_table
from cstool.render.values import iso_instant

app = typer.Typer(help="SLA clocks on business-hours calendars: what is breached or at risk, and why.",
                  no_args_is_help=True)

CHECK_COLUMNS = [Column("ticket_id", "Ticket", "id"), Column("subject", "Subject"), Column("priority", "Priority"),
                 Column("team", "Team"), Column("assignee", "Assignee"), Column("metric", "Metric"),
                 Column("state", "State"), Column("due_at", "Due", "time"), Column("left", "Left / overdue"),
                 Column("policy", "Policy")]
MACHINE_COLUMNS = [Column(k, k) for k in ("source", "ticket_id", "subject", "priority", "team", "assignee",
                                           "metric", "cycle", "state", "due_at", "remaining_seconds",
                                           "overdue_seconds", "policy", "calendar")]
SHOW_KEYS = ("metric", "state", "policy", "calendar", "target_seconds", "started_at", "due_at", "stopped_at",
             "elapsed_business_seconds", "paused_seconds", "remaining_seconds")


def _left(finding: dict) -> str:
    from cstool.core.formats import format_seconds

    if finding["state"] == "breached":
        return f"overdue {format_seconds(finding['overdue_seconds'])}"
    if finding["remaining_seconds"] is None:
        return ""
    return f"{format_seconds(finding['remaining_seconds'])} left"


@command(app, "check")
def check(
    as_of: AsOfOpt = None,
    team: Annotated[Optional[str], typer.Option("--team", help="Only this team.")] = None,
    assignee: Annotated[Optional[str], typer.Option("--assignee", help="Only this assignee.")] = None,
    priority: Annotated[Optional[str], typer.Option("--priority", help="Only this priority.")] = None,
    policy: Annotated[Optional[str], typer.Option("--policy", help="Only clocks of this policy.")] = None,
    include: Annotated[Optional[list[str]], typer.Option("--include", help="Also list running (or met) clocks.")] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="breach | at-risk: exit 1 when found.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=0, help="Table rows at most (0 = all; json/csv: all).")] = 50,
    fmt: FormatOpt = Format.table,
) -> None:
    """Open tickets whose SLA clocks are breached or at risk, most urgent first.

    Example: cstool sla check --as-of 2026-03-31T16:00:00Z --team Billing --fail-on breach

    Monitoring: cstool sla check --format nagios (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
    """
    try:
        _check(as_of, team, assignee, priority, policy, include, fail_on, limit, fmt)
    except CstoolError as exc:
        if fmt is Format.nagios:
            sys.stdout.write(nagios_unknown(str(exc)))
            print(f"cstool: error: {exc}", file=sys.stderr)
            raise typer.Exit(UNKNOWN) from None
        raise


def _check(as_of, team, assignee, priority, policy, include, fail_on, limit, fmt) -> None:
    from cstool.services.sla import SlaEngine, find_breaches

    app_state = state()
    config = app_state.settings().config
    if fail_on not in (None, "breach", "at-risk"):
        raise UsageError(f"--fail-on {fail_on!r}: expected breach or at-risk")
    extra = set(include or [])
    if extra - {"met", "running"}:
        raise UsageError(f"--include {sorted(extra - {'met', 'running'})}: expected met or running")
    if fmt not in (Format.table, Format.json, Format.csv, Format.nagios):
        raise UsageError("--format: sla check prints table, json, csv or nagios")
    when = parse_instant(as_of, config.timezone)
    with app_state.open_store(create=False) as store:
        engine = SlaEngine(config)
        findings, counts = find_breaches(
            store, engine, when, {"team": team, "assignee": assignee, "priority": priority, "policy": policy},
            extra | ({"paused"} if extra else set()),
            limit=(limit or None) if fmt is Format.table else (10 if fmt is Format.nagios else None))
    if fmt is Format.nagios:
        code, text = nagios_status(counts, findings)
        sys.stdout.write(text)
        app_state.exit_reported = True
        raise typer.Exit(code)
    if fmt is Format.json:
        write_json([{**f, "due_at": iso_instant(f["due_at"], config.timezone)} for f in findings], sys.stdout)
    elif fmt is Format.csv:
        write_csv([{**f, "due_at": iso_instant(f["due_at"], config.timezone)} for f in findings], MACHINE_COLUMNS,
                  sys.stdout)
    else:
        shown = findings
        console = out_console()
        print_table(console, [{**f, "left": _left(f)} for f in shown], CHECK_COLUMNS, tz=config.timezone,
                    title=f"SLA: {counts['breached']} tickets breached, {counts['at_risk']} at risk, "
                          f"{counts['open']} open", empty=f"No SLA breached or at risk ({counts['open']} open tickets).")
        total = counts["breached"] + counts["at_risk"]
        if limit and len(shown) == limit and not extra:
            print(f"cstool: showing the {limit} most urgent clocks of {total} tickets breached or at risk; "
                  "use --limit 0 or --format csv for all", file=sys.stderr)
    states = {f["state"] for f in findings}
    if (fail_on == "breach" and "breached" in states) or (fail_on == "at-risk" and states & {"breached", "at_risk"}):
        raise typer.Exit(1)


@command(app, "show")
def show(ticket: Annotated[str, typer.Argument(help="Ticket id (or SOURCE:ID).")], as_of: AsOfOpt = None,
         fmt: FormatOpt = Format.table) -> None:
    """Every SLA clock of one ticket and why: policy and matching condition, calendar, target, due, stop, elapsed business time, paused time and the pause intervals.

    Example: cstool sla show T02188 --as-of 2026-03-31T16:00:00Z
    """
    from cstool.services.sla import SlaEngine, explain_ticket

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    with app_state.open_store(create=False) as store:
        ticket, clocks = explain_ticket(store, SlaEngine(config), ticket, when)
    tz = config.timezone
    if fmt is Format.json:
        doc = []
        for c in clocks:
            item = {k: c[k] for k in SHOW_KEYS}
            for k in ("started_at", "due_at", "stopped_at"):
                item[k] = iso_instant(item[k], tz)
            item.update(cycle=c["cycle"], matched=c["matched"],
                        pauses=[[iso_instant(s, tz), iso_instant(e, tz)] for s, e in c["pauses"]])
            doc.append(item)
        write_json(doc, sys.stdout)
        return
    _print_clocks(ticket, clocks, tz, when)


def _print_clocks(ticket: dict, clocks: list[dict], tz: str, as_of: int) -> None:
    from cstool.render.values import local_time
    from cstool.core.formats import format_seconds

    console = out_console()
    console.print(f"Ticket {ticket['source']}:{ticket['id']} — {ticket.get('subject') or ''}\n"
                  f"priority {ticket.get('priority')}, status {ticket.get('status')}, team {ticket.get('team')}, "
                  f"assignee {ticket.get('assignee') or '(none)'}, created {local_time(ticket.get('created_at'), tz)} "
                  f"— as of {local_time(as_of, tz)} ({tz})", markup=False)
    if clocks:
        console.print(f"Policy {clocks[0]['policy']!r}: {clocks[0]['matched']}; calendar {clocks[0]['calendar']}",
                      markup=False)
    rows = []
    for c in clocks:
        pauses = "; ".join(f"{local_time(s, tz)} → {local_time(e, tz) if e else 'now'}" for s, e in c["pauses"])
        rows.append({"metric": c["metric"] + (f" #{c['cycle']}" if c["cycle"] else ""), "state": c["state"],
                     "target": c["target"] or "none", "started": c["started_at"], "due": c["due_at"],
                     "stopped": c["stopped_at"],
                     "elapsed": format_seconds(c["elapsed_business_seconds"]) if c["target_seconds"] else "",
                     "paused": format_seconds(c["paused_seconds"]) if c["paused_seconds"] else "",
                     "remaining": "" if c["remaining_seconds"] is None else format_seconds(c["remaining_seconds"]),
                     "pauses": pauses})
    columns = [Column("metric", "Metric"), Column("state", "State"), Column("target", "Target"),
               Column("started", "Started", "time"), Column("due", "Due", "time"), Column("stopped", "Stopped", "time"),
               Column("elapsed", "Elapsed (business)"), Column("paused", "Paused"),
               Column("remaining", "Left (business)"), Column("pauses", "Pause intervals")]
    print_table(console, rows, columns, tz=tz)
