"""`cstool customer`: one customer's profile, health and timeline."""

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


@command(app, "customer")
def customer(ref: Annotated[str, typer.Argument(help="Customer id or e-mail (case-insensitive).")],
             as_of: AsOfOpt = None, fmt: FormatOpt = Format.table) -> None:
    """One customer's profile, health and omnichannel timeline (tickets, replies, surveys), newest first.

    Example: cstool customer customer0042@example.com --as-of 2026-03-31T16:00:00Z
    """
    from cstool.services.customer import customer_view
    from cstool.services.sla import SlaEngine

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
