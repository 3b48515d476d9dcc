"""Timestamp parsing: one layout detected per column from a sample, then a fixed fast parser.

ISO-8601 goes through `datetime.fromisoformat`; other layouts through one strptime format
chosen from the sample; dateutil is only the fallback for values the chosen layout rejects.
Day-first versus month-first is never guessed per value: a column whose sample fits both is
ambiguous and raises AmbiguousDates unless `dayfirst` or an explicit `date_format` decides.
Naive values are read in the given IANA zone; results are int UTC epoch seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NULL_SENTINELS = frozenset({"", "?", "na", "n/a", "null", "none", "-", "1900-01-01 00:00:00", "1900-01-01"})

_DAY_MONTH = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
              "%d.%m.%Y", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d/%m/%y %H:%M", "%d/%m/%y"]
_MONTH_DAY = ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p",
              "%m-%d-%Y %H:%M:%S", "%m-%d-%Y %H:%M", "%m-%d-%Y", "%m/%d/%y %H:%M", "%m/%d/%y"]
_UNAMBIGUOUS = ["%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%d/%b/%y %H:%M", "%d %b %Y %H:%M:%S",
                "%d %b %Y %H:%M", "%d %b %Y", "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%b %d, %Y",
                "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y%m%dT%H%M%SZ"]


class AmbiguousDates(ValueError):
    """The sample fits both day-first and month-first layouts."""


def is_null(value: str | None) -> bool:
    return value is None or value.strip().lower() in NULL_SENTINELS


def _iso(value: str) -> datetime:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        value = value.strip()
        if value.endswith("z"):
            value = value[:-1] + "Z"
        return datetime.fromisoformat(value)


def _strptime(fmt: str) -> Callable[[str], datetime]:
    return lambda value: datetime.strptime(value.strip(), fmt)


def _fits(parse: Callable[[str], datetime], sample: list[str]) -> bool:
    try:
        for value in sample:
            parse(value)
    except ValueError:
        return False
    return True


def choose_layout(sample: Iterable[str], *, dayfirst: bool | None = None,
                  date_format: str | None = None) -> tuple[str, Callable[[str], datetime]]:
    """Pick one layout for a column from its non-null sample values: (name, parser)."""
    sample = [v for v in sample if not is_null(v)]
    if date_format:
        return date_format, _strptime(date_format)
    if not sample or _fits(_iso, sample):
        return "iso8601", _iso
    for fmt in _UNAMBIGUOUS:
        if _fits(_strptime(fmt), sample):
            return fmt, _strptime(fmt)
    day = next((f for f in _DAY_MONTH if _fits(_strptime(f), sample)), None)
    month = next((f for f in _MONTH_DAY if _fits(_strptime(f), sample)), None)
    if day and month and dayfirst is None:
        raise AmbiguousDates(f"values such as {sample[0]!r} fit both day-first ({day}) and "
                             f"month-first ({month})")
    if day and (dayfirst or not month):
        return day, _strptime(day)
    if month:
        return month, _strptime(month)
    return "dateutil", _dateutil(bool(dayfirst))


def _dateutil(dayfirst: bool) -> Callable[[str], datetime]:
    from dateutil import parser

    def parse(value: str) -> datetime:
        try:
            parsed: datetime = parser.parse(value, dayfirst=dayfirst)
            return parsed
        except (parser.ParserError, OverflowError) as exc:
            raise ValueError(str(exc)) from None

    return parse


class TimeColumn:
    """Parses one column's values to UTC epoch seconds with its chosen layout."""

    def __init__(self, layout: str, parse: Callable[[str], datetime], tz: str, dayfirst: bool = False):
        self.layout, self._parse, self._zone = layout, parse, ZoneInfo(tz)
        self.zone = UTC if tz in ("UTC", "Etc/UTC") else self._zone
        self._fallback = _dateutil(dayfirst) if layout not in ("dateutil",) else None
        self._other_layout = layout != "iso8601"

    def __call__(self, value: str) -> int | None:
        """Epoch seconds, None for a null sentinel; ValueError for an unparsable value."""
        return self.convert(value)[0]

    def convert(self, value: str) -> tuple[int | None, bool]:
        """(epoch seconds or None, interpreted): `interpreted` is True when the value had no
        UTC offset of its own or was not ISO-8601, so its original text is worth keeping."""
        if (not value or value.startswith("1900-01-01")) and (not value or is_null(value)):
            return None, False
        try:
            dt = self._parse(value)
        except ValueError:
            if is_null(value):
                return None, False
            if self._fallback is None:
                raise
            dt = self._fallback(value)
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=self.zone)
            return int(dt.timestamp()), True
        return int(dt.timestamp()), self._other_layout
