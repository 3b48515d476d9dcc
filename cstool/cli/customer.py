"""`cstool customer`: one customer's profile, health and timeline."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cstool.cli.common import AsOfOpt, command, format_option, parse_instant, state
from cstool.cli.console import paged
from cstool.render import Format
from cstool.render import customer as render
from cstool.render.machine import write_json

app = typer.Typer()


@command(app, "customer")
def customer(ref: Annotated[str, typer.Argument(help="Customer id or e-mail (case-insensitive).")],
             as_of: AsOfOpt = None, fmt: Annotated[Format, format_option("table", "json")] = Format.table) -> None:
    """One customer's profile, health and omnichannel timeline (tickets, replies, surveys), newest first.

    Example: cstool customer customer0042@example.com --as-of 2026-03-31T16:00:00Z
    """
    from cstool.services.customer import customer_view
    from cstool.services.sla import SlaEngine

    app_state = state()
    config = app_state.settings().config
    when = parse_instant(as_of, config.timezone)
    engine = SlaEngine(config)
    with app_state.read_store(engine) as store:
        view = customer_view(store, engine, ref, when)
    tz = config.timezone
    if fmt is Format.json:
        write_json(render.customer_document(view, tz), sys.stdout)
        return
    with paged(not app_state.no_pager) as console:
        render.print_customer(console, view, tz)
