"""Rich tables for people: local times, human durations, ids folded and never cut."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

from cstool.render import Column, cell_values
from cstool.render.values import human

_NUMERIC = {"number", "pct", "duration"}
# SLA states in colour on a terminal (the word stays: colour is never the only signal)
STATE_STYLES = {"breached": "red", "at_risk": "yellow", "at risk": "yellow", "met": "green"}


def build_table(records: Iterable[dict], columns: list[Column], *, title: str | None = None,
                tz: str = "UTC") -> Table:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, title_justify="left", header_style="bold")
    for c in columns:  # fold long values on narrow terminals; never cut them
        table.add_column(c.header, justify="right" if c.kind in _NUMERIC else "left", overflow="fold",
                         no_wrap=c.kind == "time", min_width=len(c.header) if c.kind != "text" else None)
    for record in records:  # data is never rich markup: every cell is a Text
        table.add_row(*(Text(human(value, c.kind, tz), style=STATE_STYLES.get(str(value), "") if c.key == "state"
                             else "") for c, value in cell_values(record, columns, ", ")))
    return table


def print_table(console: Console, records, columns, *, title=None, tz="UTC", empty=None) -> None:
    records = list(records)
    if not records and empty:
        console.print(empty)
        return
    console.print(build_table(records, columns, title=title, tz=tz))
