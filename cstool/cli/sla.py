"""`cstool sla check` and `cstool sla show`."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import (
    RECORDS,
    AsOfOpt,
    FieldsOpt,
    Listing,
    RecordFormat,
    SortOpt,
    command,
    emit,
    format_option,
    limit_option,
    now,
    parse_instant,
    state,
    warn,
)
from cstool.cli.console import out_console
from cstool.cli.watch import watch_option, watched
from cstool.core.errors import CstoolError, InputMissing, UsageError
from cstool.render import Format
from cstool.render import sla as view
from cstool.render.nagios import UNKNOWN, nagios_status, nagios_unknown
from cstool.render.table import print_table

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
    limit: Annotated[Optional[int], limit_option(50, "Clocks")] = None,
    sort: SortOpt = None,
    fields: FieldsOpt = None,
    fmt: Annotated[Format, format_option(*RECORDS, "nagios")] = Format.table,
    watch: Annotated[Optional[int], watch_option()] = None,
    forecast: Annotated[bool, typer.Option("--forecast", help="Add p_breach: the probability that each clock "
                                           "breaches, learnt from comparable clocks (forecast_basis, forecast_n).")]
    = False,
) -> None:
    """Open tickets whose SLA clocks are breached or at risk, most urgent first.

    Example: cstool sla check --as-of 2026-03-31T16:00:00Z --team Billing --fail-on breach

    Scripts: cstool sla check -f jsonl --fields ticket_id,state,due_at --sort due_at

    Wallboard: cstool sla check --watch 60

    Monitoring: cstool sla check --format nagios (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

    Likely to breach: cstool sla check --forecast --include running --sort p_breach:desc
    """
    try:
        columns = view.MACHINE_COLUMNS + (view.FORECAST_COLUMNS if forecast else [])
        listing = Listing.of(columns, fields, sort, limit, fmt, 50)
        options = (team, assignee, priority, policy, include, fail_on, forecast)
        if not watched(watch, fmt, lambda: _check(as_of, options, listing, fmt)):
            _check(as_of, options, listing, fmt)
    except CstoolError as exc:
        if fmt is Format.nagios:
            sys.stdout.write(nagios_unknown(str(exc)))
            print(f"cstool: error: {exc}", file=sys.stderr)
            raise typer.Exit(UNKNOWN) from None
        raise


def _check(as_of, options: tuple, listing: Listing, fmt) -> None:
    from cstool.core.filters import choice
    from cstool.core.ingest.vocab import PRIORITY
    from cstool.core.models import PRIORITIES
    from cstool.services.filters import unmatched_filters
    from cstool.services.freshness import data_age_of
    from cstool.services.sla import SlaEngine, find_breaches

    team, assignee, priority, policy, include, fail_on, forecast = options
    app_state = state()
    config = app_state.settings().config
    if fail_on not in (None, "breach", "at-risk"):
        raise UsageError(f"--fail-on {fail_on!r}: expected breach or at-risk")
    extra = set(include or [])
    if extra - {"met", "running"}:
        raise UsageError(f"--include {sorted(extra - {'met', 'running'})}: expected met or running")
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
            limit=10 if fmt is Format.nagios else None if listing.sort else listing.limit)
        if forecast:
            from cstool.services.forecast import annotate

            annotate(store, engine, when, findings)
        findings = findings if fmt is Format.nagios else listing.arrange(findings)
        age = data_age_of(store, when, now(), config.max_data_age) if fmt is Format.nagios else None
    if fmt is Format.nagios:
        code, text = nagios_status(counts, findings, age)
        sys.stdout.write(text)
        app_state.exit_reported = True
        raise typer.Exit(code)
    columns = view.MACHINE_COLUMNS + (view.FORECAST_COLUMNS if forecast else [])
    emit(fmt, columns, table=lambda console: view.print_check(console, findings, counts, config.timezone, forecast),
         document=lambda: view.check_records(findings, config.timezone), fields=listing.fields)
    total = counts["breached"] + counts["at_risk"]
    if fmt is Format.table and listing.limit and len(findings) == listing.limit and not extra and total > len(findings):
        order = "first" if listing.sort else "most urgent"
        print(f"cstool: {listing.limit} {order} of {total:,} breached or at-risk tickets; --limit 0 for all",
              file=sys.stderr)
    states = {f["state"] for f in findings}
    if (fail_on == "breach" and "breached" in states) or (fail_on == "at-risk" and states & {"breached", "at_risk"}):
        raise typer.Exit(1)


@command(app, "show")
def show(ticket: Annotated[str, typer.Argument(help="Ticket id (or SOURCE:ID).")], as_of: AsOfOpt = None,
         fmt: RecordFormat = Format.table, fields: FieldsOpt = None) -> None:
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
    if fmt is Format.table and fields is None:
        view.print_clocks(out_console(), record, clocks, tz, when)
        return
    from cstool.render.listing import parse_fields

    doc = view.show_document(clocks, tz)
    emit(fmt, view.SHOW_MACHINE, table=lambda console: print_table(console, doc, view.SHOW_MACHINE, tz=tz),
         document=lambda: doc, csv_rows=lambda: view.show_rows(doc),
         fields=parse_fields(fields, [c.key for c in view.SHOW_MACHINE]))
