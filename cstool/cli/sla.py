"""`cstool sla check` and `cstool sla show`."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, FormatOpt, command, emit, now, parse_instant, state, warn
from cstool.cli.console import out_console
from cstool.core.errors import CstoolError, InputMissing, UsageError
from cstool.render import Format
from cstool.render import sla as view
from cstool.render.machine import write_json
from cstool.render.nagios import UNKNOWN, nagios_status, nagios_unknown
from cstool.render.values import many

app = typer.Typer(help="SLA clocks on business-hours calendars: what is breached or at risk, and why.",
                  no_args_is_help=True)

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
    from cstool.core.filters import choice
    from cstool.core.ingest.vocab import PRIORITY
    from cstool.core.models import PRIORITIES
    from cstool.services.filters import unmatched_filters
    from cstool.services.freshness import data_age_of
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
    filters = {"team": team, "assignee": assignee, "priority": choice("--priority", priority, PRIORITIES, PRIORITY),
               "policy": choice("--policy", policy, [p.name for p in config.policies])}
    engine = SlaEngine(config)
    with app_state.read_store(engine) as store:
        problems = unmatched_filters(store, filters)
        if problems and fmt is Format.nagios:  # (a typo must not read as "SLA OK" to a monitor)
            raise InputMissing("; ".join(problems))
        for problem in problems:
            warn(f"warning: {problem}")
        findings, counts = find_breaches(
            store, engine, when, filters,
            extra | ({"paused"} if extra else set()),
            limit=(limit or None) if fmt is Format.table else (10 if fmt is Format.nagios else None))
        age = data_age_of(store, when, now(), config.max_data_age) if fmt is Format.nagios else None
    if fmt is Format.nagios:
        code, text = nagios_status(counts, findings, age)
        sys.stdout.write(text)
        app_state.exit_reported = True
        raise typer.Exit(code)
    emit(fmt, view.MACHINE_COLUMNS, table=lambda console: view.print_check(console, findings, counts, config.timezone),
         document=lambda: view.check_records(findings, config.timezone))
    if fmt is Format.table:
        total = counts["breached"] + counts["at_risk"]
        if limit and len(findings) == limit and not extra:
            print(f"cstool: showing the {limit} most urgent clocks of {many(total, 'ticket')} breached or at risk; "
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
    engine = SlaEngine(config)
    with app_state.read_store(engine) as store:
        record, clocks = explain_ticket(store, engine, ticket, when)
    tz = config.timezone
    if fmt is Format.json:
        write_json(view.show_document(clocks, tz), sys.stdout)
        return
    view.print_clocks(out_console(), record, clocks, tz, when)
