"""Business-hours calendars (DESIGN §6): weekly windows in local wall time, holidays, time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 86400


@dataclass(frozen=True)
class CalendarSpec:
    """A named calendar. `hours[i]` holds the half-open windows of weekday i (0 = Monday) as
    (open, close) seconds since local midnight, sorted and disjoint; close may be 86400 (24:00)."""

    name: str
    timezone: str = "UTC"
    hours: tuple[tuple[tuple[int, int], ...], ...] = ((),) * 7
    holidays: frozenset[date] = field(default_factory=frozenset)
    holiday_country: str | None = None
    holiday_subdivision: str | None = None


ALWAYS_OPEN = CalendarSpec(name="24x7", timezone="UTC", hours=(((0, DAY),),) * 7)


def parse_window(text: str) -> tuple[int, int]:
    """`09:00-17:30` -> (32400, 63000). `24:00` is allowed as a closing time."""
    try:
        start, end = (part.strip() for part in str(text).split("-"))
        opening, closing = _clock_seconds(start), _clock_seconds(end)
    except ValueError:
        raise ValueError(f"{text!r} is not a window such as \"09:00-17:30\"") from None
    if opening >= closing or opening >= DAY:
        raise ValueError(f"{text!r}: the window must open before it closes")
    return opening, closing


def _clock_seconds(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(hhmm)
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise ValueError(hhmm)
    return h * 3600 + m * 60


def parse_day_windows(value: str | list[str]) -> tuple[tuple[int, int], ...]:
    """One day's windows from a string or a list of strings; sorted, must not overlap."""
    items = [value] if isinstance(value, str) else list(value)
    windows = sorted(parse_window(item) for item in items)
    for (_, close), (opening, _) in zip(windows, windows[1:]):
        if opening < close:
            raise ValueError(f"windows {items} overlap")
    return tuple(windows)
