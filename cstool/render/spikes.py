"""Spike alerts for people (a table), machines (json, csv) and monitors (Nagios)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cstool.core.spikes import Spike
from cstool.render import Column
from cstool.render.nagios import OK, WARNING
from cstool.render.plain import mask_email
from cstool.render.table import print_table
from cstool.render.values import format_seconds, iso_instant, local_time, many

if TYPE_CHECKING:
    from rich.console import Console

SPIKE_COLUMNS = [Column("dimension", "Dimension"), Column("value", "Group", "id"),
                 Column("observed", "Tickets", "number"), Column("expected", "Expected", "number"),
                 Column("ratio", "Ratio", "number"), Column("p_value", "p", rank=1),
                 Column("window_start", "Since", "time")]
SPIKE_MACHINE = [Column(k, k) for k in ("dimension", "value", "observed", "expected", "ratio", "p_value",
                                        "window_start", "window_end")]
CUSTOMER_COLUMNS = [Column("customer_id", "Customer", "id"), Column("name", "Name", rank=2),
                    Column("email", "E-mail"), Column("tier", "Tier", rank=1),
                    Column("groups", "Spikes"), Column("tickets", "Tickets", wrap=True)]
CUSTOMER_MACHINE = [Column(k, k) for k in ("customer_id", "name", "email", "tier", "groups", "tickets",
                                           "latest_ticket_at")]


def spike_records(spikes: list[Spike], tz: str) -> list[dict[str, Any]]:
    return [{**s._asdict(), "p_value": float(f"{s.p_value:.3g}"), "window_start": iso_instant(s.window_start, tz),
             "window_end": iso_instant(s.window_end, tz)} for s in spikes]


def customer_records(customers: list[dict[str, Any]], tz: str) -> list[dict[str, Any]]:
    return [{**c, "latest_ticket_at": iso_instant(c["latest_ticket_at"], tz)} for c in customers]


def print_spikes(console: Console, spikes: list[Spike], width: int, as_of: int, tz: str) -> None:
    rows = [{**s._asdict(), "p_value": f"{s.p_value:.1g}"} for s in spikes]
    print_table(console, rows, SPIKE_COLUMNS, tz=tz,
                title=f"Ticket volume in the {format_seconds(width)} before {local_time(as_of, tz)} ({tz})\n"
                      f"against the same hours of the 8 weeks before: {many(len(spikes), 'spike')}",
                empty="No spike: every group's volume is within its usual range for these hours.")


def print_customers(console: Console, customers: list[dict[str, Any]], tz: str, show_pii: bool) -> None:
    rows = [{**c, "email": c["email"] if show_pii else mask_email(c["email"])} for c in customers]
    print_table(console, rows, CUSTOMER_COLUMNS, tz=tz, title=f"{many(len(rows), 'customer')} to contact first",
                empty="No spike, so no customer to contact.")


def nagios_spikes(spikes: list[Spike], width: int, tz: str, details: int = 10) -> tuple[int, str]:
    """(exit code, text): WARNING when a group spikes, else OK."""
    code = WARNING if spikes else OK
    window = format_seconds(width)
    summary = (f"{many(len(spikes), 'spike')}: " + ", ".join(f"{s.dimension}={s.value} {s.observed} vs "
                                                             f"{s.expected:g} expected" for s in spikes[:3])
               if spikes else f"no spike in the last {window}")
    lines = [f"SPIKES {'WARNING' if spikes else 'OK'} - {summary} | spikes={len(spikes)};1;;0"]
    lines += [f"{s.dimension}={s.value}: {s.observed} tickets since {local_time(s.window_start, tz)} "
              f"({s.expected:g} expected, p={s.p_value:.1g})" for s in spikes[:details]]
    return code, "\n".join(lines) + "\n"
