"""`cstool calendar add | between`: the business-time calculator."""

from __future__ import annotations

from typing import Annotated

import typer

from cstool.cli.common import FieldsOpt, RecordFormat, command, emit, instant_argument, state
from cstool.core.errors import UsageError
from cstool.core.formats import format_seconds
from cstool.core.sla.calendar import BusinessCalendar
from cstool.core.sla.duration import EXPECTED, parse_duration
from cstool.render import Column, Format
from cstool.render.table import print_table
from cstool.render.values import iso_instant

app = typer.Typer(help="Business-time calculator on a named calendar (24x7 is built in).", no_args_is_help=True)

StartArg = Annotated[str, typer.Argument(help="ISO-8601 instant (naive = the calendar's time zone).")]
DurationArg = Annotated[str, typer.Argument(help="90s, 30m, 4h, 1h30m, 2d or 3bd.")]
CalendarOpt = Annotated[str, typer.Option("--calendar", "-c", help="Calendar name from the config.")]


def _calendar(name: str) -> BusinessCalendar:
    from cstool.core.filters import choice

    calendars = state().settings().config.calendars
    return BusinessCalendar(calendars[choice("--calendar", name, sorted(calendars)) or name])


def _instant(text: str, calendar: BusinessCalendar, what: str) -> int:
    return instant_argument(text, calendar.zone, what,
                            "ISO-8601 such as 2026-03-02T09:00 (naive = the calendar's time zone)")


def _emit(record: dict, columns: list[Column], fmt: Format, tz: str, fields: str | None, shown: dict,
          table_columns: list[Column]) -> None:
    """`record` for machines; `shown` (with the record's fields) under `table_columns` for people."""
    from cstool.render.listing import parse_fields

    picked = parse_fields(fields, [c.key for c in columns])
    emit(fmt, columns, table=lambda console: print_table(console, [{**record, **shown}], table_columns, tz=tz),
         document=lambda: record, csv_rows=lambda: [record], fields=picked)


def _shift(start: str, duration: str, calendar: str, fmt: Format, fields: str | None, backwards: bool) -> None:
    cal = _calendar(calendar)
    try:
        parsed = parse_duration(duration)
    except ValueError:
        raise UsageError(f"DURATION {duration!r}: expected {EXPECTED}") from None
    begin = _instant(start, cal, "START")
    moved = cal.subtract_duration(begin, parsed) if backwards else cal.add_duration(begin, parsed)
    tz = cal.spec.timezone
    key, header = ("result", "Result") if backwards else ("due", "Due")
    record = {"calendar": cal.name, "start": iso_instant(begin, tz),
              "duration_seconds": None if parsed.business_days else parsed.seconds, key: iso_instant(moved, tz)}
    shown = {"calendar": cal.name, "start": begin, "duration": duration, key: moved}
    _emit(record, [Column("calendar", "Calendar"), Column("start", "Start"), Column("duration_seconds", "Seconds"),
                   Column(key, header)], fmt, tz, fields, shown,
          [Column("calendar", "Calendar"), Column("start", "Start", "time"), Column("duration", "Duration"),
           Column(key, header, "time")])


@command(app, "add")
def add(start: StartArg, duration: DurationArg, calendar: CalendarOpt = "24x7", fmt: RecordFormat = Format.table,
        fields: FieldsOpt = None) -> None:
    """When `DURATION` of business time starting at `START` is used up.

    Example: cstool calendar add 2026-03-06T17:00 2h --calendar support
    """
    _shift(start, duration, calendar, fmt, fields, backwards=False)


@command(app, "subtract")
def subtract(start: StartArg, duration: DurationArg, calendar: CalendarOpt = "24x7",
             fmt: RecordFormat = Format.table, fields: FieldsOpt = None) -> None:
    """The instant that lies `DURATION` of business time before `START` (landing exactly on an opening gives that opening; `3bd` is the same clock time three business days earlier).

    Example: cstool calendar subtract 2026-03-09T11:00 2h --calendar support
    """
    _shift(start, duration, calendar, fmt, fields, backwards=True)


@command(app, "between")
def between(start: StartArg, end: Annotated[str, typer.Argument(help="ISO-8601 end.")],
            calendar: CalendarOpt = "24x7", fmt: RecordFormat = Format.table, fields: FieldsOpt = None) -> None:
    """Business time between two instants; negative when END is before START (the time between END and START).

    Example: cstool calendar between 2026-03-02T11:30 2026-03-03T09:30 --calendar support
    """
    cal = _calendar(calendar)
    a, b = _instant(start, cal, "START"), _instant(end, cal, "END")
    tz = cal.spec.timezone
    seconds = cal.between(a, b)
    record = {"calendar": cal.name, "start": iso_instant(a, tz), "end": iso_instant(b, tz), "business_seconds": seconds}
    shown = {"calendar": cal.name, "start": a, "end": b, "business_time": format_seconds(seconds, compact=True)}
    _emit(record, [Column("calendar", "Calendar"), Column("start", "Start"), Column("end", "End"),
                   Column("business_seconds", "Seconds", "number")], fmt, tz, fields, shown,
          [Column("calendar", "Calendar"), Column("start", "Start", "time"), Column("end", "End", "time"),
           Column("business_time", "Business time")])
