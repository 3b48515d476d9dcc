"""`cstool tickets`: one row per ticket with every computed value, filtered, streamed."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import (
    AsOfOpt,
    FieldsOpt,
    RecordFormat,
    SortOpt,
    command,
    emit,
    limit_option,
    parse_instant,
    rows_wanted,
    state,
)
from cstool.core.errors import UsageError
from cstool.render import Column, Format

app = typer.Typer()
TABLE_ROWS = 50
METRICS = ("first_response", "resolution", "next_response")
FILTER_STATES = ("breached", "at_risk", "met", "running", "paused")  # (a clock's own states: core/sla/clock.STATES)


@command(app, "tickets")
def tickets(
    where: Annotated[Optional[list[str]], typer.Option(
        "--where", metavar="DIM=VALUE", help="Only tickets with this channel, priority, team, assignee, tag or "
        "customer_tier (as kpi --where; repeatable: all must hold).")] = None,
    open_at: Annotated[Optional[str], typer.Option("--open-at", metavar="TIME", help="Only tickets open at this "
                                                   "instant.")] = None,
    created_since: Annotated[Optional[str], typer.Option("--created-since", metavar="TIME", help="Only tickets "
                                                         "created at or after this instant.")] = None,
    created_until: Annotated[Optional[str], typer.Option("--created-until", metavar="TIME", help="Only tickets "
                                                         "created before this instant.")] = None,
    states: Annotated[Optional[list[str]], typer.Option(
        "--state", metavar="STATE", help="Only tickets with a clock in this state at --as-of: breached, at_risk, "
        "met, running or paused (repeatable).")] = None,
    metric: Annotated[Optional[str], typer.Option("--metric", help="--state looks at this clock only: "
                                                  "first_response, resolution or next_response.")] = None,
    customer: Annotated[Optional[str], typer.Option("--customer", metavar="ID_OR_EMAIL", help="Only this "
                                                    "customer's tickets.")] = None,
    as_of: AsOfOpt = None,
    limit: Annotated[Optional[int], limit_option(TABLE_ROWS, "Tickets")] = None,
    sort: SortOpt = None,
    fields: FieldsOpt = None,
    fmt: RecordFormat = Format.table,
) -> None:
    """One row per ticket with every computed value: its fields, each SLA clock (policy, target, state at --as-of, due, stopped, business and calendar seconds, paused seconds; next-response cycles summed up), the first-response and resolution durations the KPIs use (calendar and business, and whether the business figure is cstool's clock or the vendor's), the latest CSAT/NPS answer, findings and import. Streamed: any number of tickets in little memory.

    Example: cstool tickets --where team=Billing --state breached --metric resolution -f csv > breached.csv

    Example: cstool tickets --open-at 2026-03-31T16:00:00Z --fields id,team,resolution_state,resolution_due_at
    """
    from cstool.render.listing import parse_fields, parse_sort
    from cstool.services.filters import parse_where
    from cstool.services.sla import SlaEngine
    from cstool.services.tickets import TicketListing
    from cstool.store.ticket_rows import COLUMNS, TicketQuery

    app_state = state()
    config = app_state.settings().config
    tz = config.timezone
    _check(states or [], metric)
    names = list(COLUMNS)
    picked, order = parse_fields(fields, names), parse_sort(sort, names)
    when = parse_instant(as_of, tz)
    instants: dict[str, int | None] = {
        name: parse_instant(value, tz, option) if value is not None else None
        for name, value, option in (("open_at", open_at, "--open-at"), ("created_since", created_since,
                                    "--created-since"), ("created_until", created_until, "--created-until"))}
    engine = SlaEngine(config)
    wanted = rows_wanted(limit, fmt, TABLE_ROWS)
    with app_state.read_store(engine) as store:
        query = TicketQuery(as_of=when, tz=tz, where=parse_where(store, where or []), customer=customer,
                            states=tuple(states or ()), metric=metric, sort=order,
                            joined_tags=fmt in (Format.csv, Format.tsv), open_at=instants["open_at"],
                            created_since=instants["created_since"], created_until=instants["created_until"])
        delimiter = {Format.csv: ",", Format.tsv: "\t"}.get(fmt)
        listing = TicketListing(store, engine, query, limit=wanted + 1 if fmt is Format.table and wanted else wanted,
                                fields=picked, delimiter=delimiter)
        _write(fmt, picked or names, listing, picked, wanted, delimiter)


def _check(states: list[str], metric: str | None) -> None:
    bad = [s for s in states if s not in FILTER_STATES]
    if bad:
        raise UsageError(f"--state {bad[0]!r}: expected one of {', '.join(FILTER_STATES)}")
    if metric is not None and metric not in METRICS:
        raise UsageError(f"--metric {metric!r}: expected one of {', '.join(METRICS)}")


def _write(fmt: Format, names: list[str], listing, picked: list[str] | None, wanted: int | None,
           delimiter: str | None) -> None:
    from cstool.render import tickets as view

    if delimiter is not None:
        view.write_csv_rows(names, listing.blocks(), sys.stdout, delimiter)
        return
    rows = listing.rows()
    tags_at = names.index("tags") if "tags" in names else None
    if fmt is Format.jsonl:
        view.write_jsonl_rows(view.records(names, rows, tags_at), sys.stdout)
    elif fmt is Format.json:
        view.write_json_rows(view.records(names, rows, tags_at), sys.stdout)
    else:
        shown = list(view.records(names, rows, tags_at))
        more = wanted is not None and len(shown) > wanted
        shown = shown[:wanted] if wanted else shown
        emit(fmt, [Column(n, n) for n in names], document=lambda: shown, fields=picked,
             table=lambda console: view.print_tickets(console, shown, more, wanted, picked))
