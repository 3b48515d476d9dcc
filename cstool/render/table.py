"""Tables for people, fitted to the terminal's width: local times, human durations, and no value
ever cut or split.

A table that does not fit first moves its free-text columns (`Column.wrap`: subjects, reasons)
to lines of their own below each row, wrapped on word boundaries; then drops its columns by rank
(highest first, never rank 0) and says so once on stderr (`--wide` shows them all); a table still
too wide wraps its widest text column inside the cell, on word boundaries (only a single word
longer than the whole column, such as a long path, is broken). Columns are separated
by two spaces, numbers right-aligned, the header bold, SLA states in colour (the word stays).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

from cstool.render import Column, cell_values
from cstool.render.values import human

_NUMERIC = {"number", "pct", "duration", "score"}
GAP = 2      # spaces between columns
INDENT = 4   # free text below a row
# SLA states in colour on a terminal (the word stays: colour is never the only signal)
STATE_STYLES = {"breached": "red", "at_risk": "yellow", "at risk": "yellow", "met": "green"}


@dataclass
class Layout:
    """How the tables of one command are fitted: `wide` keeps every column; `hidden` collects
    the headers dropped for width (for the one note on stderr)."""

    wide: bool = False
    hidden: list[str] = field(default_factory=list)
    fields: list[str] | None = None   # --fields: the columns to show, in this order


_layout: ContextVar[Layout | None] = ContextVar("cstool_table_layout", default=None)


@contextmanager
def layout(wide: bool = False) -> Iterator[Layout]:
    """The layout of every table printed inside this block."""
    current = Layout(wide=wide)
    token = _layout.set(current)
    try:
        yield current
    finally:
        _layout.reset(token)


@contextmanager
def fields_shown(fields: list[str] | None) -> Iterator[None]:
    """Inside this block the tables show only `fields` (see render.listing.pick_columns)."""
    current = _layout.get() or Layout()
    before, current.fields = current.fields, fields
    token = _layout.set(current)
    try:
        yield
    finally:
        current.fields = before
        _layout.reset(token)


def hidden_note(hidden: list[str]) -> str | None:
    """`3 columns hidden (Team, Assignee, Policy): --wide shows all`, None if none."""
    names = list(dict.fromkeys(hidden))
    if not names:
        return None
    count = f"{len(names)} column{'s' if len(names) != 1 else ''}"
    return f"{count} hidden ({', '.join(names)}): --wide shows all"


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _cell_text(value, column: Column, tz: str) -> str:
    return " ".join(human(value, column.kind, tz).split()) if column.kind == "text" else human(value, column.kind, tz)


def _cells(records: Iterable[dict], columns: list[Column], tz: str) -> list[dict[str, str]]:
    """Each record's cells as the table prints them."""
    return [{c.key: _cell_text(v, c, tz) for c, v in cell_values(r, columns, ", ")} for r in records]


@dataclass
class Fitted:
    """Which columns a table shows inline, below each row, and not at all; inline widths."""

    inline: list[Column]
    below: list[Column]
    hidden: list[Column]
    widths: dict[str, int]
    wrapped: str | None = None   # the column wrapped inside its cells (a word longer than it is broken)

    def total(self) -> int:
        return sum(self.widths[c.key] for c in self.inline) + GAP * max(len(self.inline) - 1, 0)


def fit(columns: list[Column], cells: list[dict[str, str]], width: int, wide: bool = False) -> Fitted:
    """Fit `columns` (with these rendered `cells`) into `width` terminal cells (see the module)."""
    natural = {c.key: max([_width(c.header), *(_width(row[c.key]) for row in cells)]) for c in columns}
    shown = [c for c in columns if any(row[c.key] for row in cells) or not c.wrap]
    fitted = Fitted(shown, [], [], dict(natural))
    if wide:
        return fitted
    for c in sorted((c for c in shown if c.wrap), key=lambda c: -natural[c.key]):
        if fitted.total() <= width:
            break
        fitted.inline.remove(c)
        fitted.below.append(c)
    while fitted.total() > width and any(c.rank for c in fitted.inline):
        worst = max(reversed(fitted.inline), key=lambda c: c.rank)  # the highest rank, rightmost first
        fitted.inline.remove(worst)
        fitted.hidden.append(worst)
    texts = [c for c in fitted.inline if c.kind in ("text", "id")]
    if fitted.total() > width and texts:  # the last resort: wrap the widest text inside its cell
        widest = max(texts, key=lambda c: natural[c.key])
        fitted.widths[widest.key] = max(_width(widest.header), natural[widest.key] - (fitted.total() - width), 12)
        fitted.wrapped = widest.key
    return fitted


def _row_lines(row: dict[str, str], fitted: Fitted, style: str) -> list:
    from rich.text import Text

    wrapped = {c.key: [row[c.key]] for c in fitted.inline}  # one line per cell, but in the wrapped column
    if fitted.wrapped is not None:
        wrapped[fitted.wrapped] = textwrap.wrap(row[fitted.wrapped], fitted.widths[fitted.wrapped],
                                                break_on_hyphens=False) or [""]
    lines = []
    for i in range(max(len(v) for v in wrapped.values()) if wrapped else 0):
        line = Text()
        for n, c in enumerate(fitted.inline):
            part = wrapped[c.key][i] if i < len(wrapped[c.key]) else ""
            pad = " " * (fitted.widths[c.key] - _width(part))
            line.append(" " * GAP if n else "")
            line.append(pad if c.kind in _NUMERIC else "")
            line.append(part, style=style if c.key == "state" else "")
            line.append("" if c.kind in _NUMERIC else pad)
        line.rstrip()
        lines.append(line)
    return lines


def _below_lines(row: dict[str, str], fitted: Fitted, width: int) -> list[str]:
    lines = []
    for c in fitted.below:
        if row[c.key]:
            text = f"{c.header}: {row[c.key]}" if len(fitted.below) > 1 else row[c.key]
            lines += textwrap.wrap(text, max(width - INDENT, 20), initial_indent=" " * INDENT,
                                   subsequent_indent=" " * INDENT, break_long_words=False, break_on_hyphens=False)
    return lines


def table_lines(records: Iterable[dict], columns: list[Column], width: int, *, tz: str = "UTC",
                wide: bool = False) -> tuple[list, list[str]]:
    """The lines of one table (rich Texts) and the headers hidden to fit `width`."""
    from rich.text import Text

    records = list(records)
    cells = _cells(records, columns, tz)
    fitted = fit(columns, cells, width, wide)
    header = {c.key: c.header for c in fitted.inline}
    lines = _row_lines(header, fitted, "")
    for line in lines:
        line.stylize("bold")
    for record, row in zip(records, cells):
        lines += _row_lines(row, fitted, STATE_STYLES.get(str(record.get("state")), ""))
        lines += [Text(line) for line in _below_lines(row, fitted, width)]
    return lines, [c.header for c in fitted.hidden]


def fits(records: Iterable[dict], columns: list[Column], width: int, tz: str = "UTC") -> bool:
    """Whether the table fits `width` with every column that has a value inline."""
    return fit(columns, _cells(records, columns, tz), width, wide=True).total() <= width


def print_table(console: Console, records, columns, *, title=None, tz="UTC", empty=None) -> None:
    """The table on `console`, fitted to its width in the current layout (see `layout`)."""
    records = list(records)
    if not records and empty:
        console.print(empty, markup=False, highlight=False)
        return
    from cstool.render.listing import pick_columns

    current = _layout.get() or Layout()
    lines, hidden = table_lines(records, pick_columns(columns, current.fields), console.width, tz=tz,
                                wide=current.wide)
    current.hidden += hidden
    if title:
        console.print(title, style="bold", markup=False, highlight=False, soft_wrap=True)
    for line in lines:
        console.print(line, soft_wrap=True, highlight=False)
