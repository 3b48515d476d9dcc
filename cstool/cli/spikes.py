"""`cstool spikes`: ticket volume spikes against the usual volume of the same hours, and who to contact."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, command, duration_seconds, emit, format_option, parse_instant, state
from cstool.core.errors import CstoolError, UsageError
from cstool.render import Format

app = typer.Typer()


@command(app, "spikes")
def spikes(
    as_of: AsOfOpt = None,
    window: Annotated[str, typer.Option("--window", help="The window compared (must divide a week: 1h, 2h, 4h, "
                                        "6h, 12h, 1d...).")] = "4h",
    by: Annotated[Optional[list[str]], typer.Option("--by", help="tag, channel, team or priority (repeat; "
                                                    "default all four).")] = None,
    customers: Annotated[bool, typer.Option("--customers", help="List the customers of the spiking groups "
                                            "(a ticket since the spike began, or an open one) to contact first.")]
    = False,
    show_pii: Annotated[bool, typer.Option("--show-pii", help="Show e-mail addresses in the table (json and "
                                           "csv always carry them: they are for a mail merge).")] = False,
    fmt: Annotated[Format, format_option("table", "json", "jsonl", "csv", "tsv", "nagios")] = Format.table,
) -> None:
    """Groups whose ticket volume in the last window is significantly above the same window of the 8 weeks before (at most about one false alarm per group in 30 days when run every window).

    Example: cstool spikes --window 4h --by tag --by channel

    Mail merge: cstool spikes --customers -f csv > contact-first.csv

    Monitoring: cstool spikes --format nagios (exit 0 OK, 1 WARNING on a spike, 3 UNKNOWN)
    """
    from cstool.core.spikes import WEEK
    from cstool.render import spikes as view
    from cstool.render.nagios import UNKNOWN
    from cstool.services.spikes import DIMENSIONS, affected_customers, find_spikes

    try:
        app_state = state()
        tz = app_state.settings().config.timezone
        width = duration_seconds(window, "--window")
        if WEEK % width:
            raise UsageError(f"--window {window}: must divide a week (1h, 2h, 3h, 4h, 6h, 8h, 12h, 1d, 30m...)")
        dims = tuple(by or DIMENSIONS)
        if set(dims) - set(DIMENSIONS):
            raise UsageError(f"--by {sorted(set(dims) - set(DIMENSIONS))}: expected {', '.join(DIMENSIONS)}")
        when = parse_instant(as_of, tz)
        with app_state.read_store() as store:
            found = find_spikes(store, when, width, dims)
            contacts = affected_customers(store, found, when) if customers else []
    except CstoolError as exc:  # (a monitor reads every failure as UNKNOWN, never as OK)
        if fmt is Format.nagios:
            sys.stdout.write(f"SPIKES UNKNOWN - {exc}\n")
            print(f"cstool: error: {exc}", file=sys.stderr)
            raise typer.Exit(UNKNOWN) from None
        raise
    if fmt is Format.nagios:
        code, text = view.nagios_spikes(found, width, tz)
        sys.stdout.write(text)
        app_state.exit_reported = True
        raise typer.Exit(code)
    if customers:
        emit(fmt, view.CUSTOMER_MACHINE, table=lambda console: view.print_customers(console, contacts, tz, show_pii),
             document=lambda: view.customer_records(contacts, tz))
        return
    emit(fmt, view.SPIKE_MACHINE, table=lambda console: view.print_spikes(console, found, width, when, tz),
         document=lambda: view.spike_records(found, tz))
