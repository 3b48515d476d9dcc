"""The customer view: profile and health lines and the timeline table, or one json document."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cstool.core.models import CustomerView
from cstool.render import Column
from cstool.render.table import print_table
from cstool.render.values import iso_instant, local_time

if TYPE_CHECKING:
    from rich.console import Console

TIMELINE_COLUMNS = [Column("at", "When", "time"), Column("channel", "Channel", rank=1), Column("kind", "What"),
                    Column("ticket_id", "Ticket", "id"), Column("text", "Detail", wrap=True)]


def customer_document(view: CustomerView, tz: str) -> dict[str, Any]:
    """The view with every instant in ISO-8601."""
    c, health = view["customer"], view["health"]
    return {"customer": {**c, "signup_at": iso_instant(c["signup_at"], tz),
                         "churned_at": iso_instant(c["churned_at"], tz)},
            "health": {**health, "last_contact": iso_instant(health["last_contact"], tz),
                       "csat": [[iso_instant(a, tz), v] for a, v in health["csat"]],
                       "nps": [[iso_instant(a, tz), v] for a, v in health["nps"]]},
            "timeline": [{**e, "at": iso_instant(e["at"], tz)} for e in view["timeline"]]}


def print_customer(console: Console, view: CustomerView, tz: str) -> None:
    c, h = view["customer"], view["health"]
    revenue = f"{c['revenue']:,.2f}" if c["revenue"] is not None else "n/a"
    console.print(f"{c['name'] or c['id']} <{c['email'] or 'no e-mail'}> — id {c['id']}, tier {c['tier'] or '-'}, "
                  f"customer since {local_time(c['signup_at'], tz) or '?'}, revenue {revenue}, "
                  f"{'CHURNED ' + local_time(c['churned_at'], tz) if c['churned'] else 'active'}", markup=False)
    csat = ", ".join(f"{v:g}" if isinstance(v, (int, float)) else str(v) for _, v in h["csat"][:8]) or "none"
    nps = ", ".join(f"{v:g}" for _, v in h["nps"][:8]) or "none"
    console.print(f"Health: {h['open_tickets']} open of {h['tickets']} tickets; {h['breached_tickets_90d']} with an "
                  f"SLA breach in 90 days; CSAT {csat}; NPS {nps}; last contact "
                  f"{local_time(h['last_contact'], tz) or 'never'}", markup=False)
    print_table(console, view["timeline"][:200], TIMELINE_COLUMNS, tz=tz, title="Timeline (newest first)")
