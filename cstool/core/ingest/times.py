"""Timestamp parsing: one layout detected per column from a sample, then a fixed fast parser.

ISO-8601 goes through `datetime.fromisoformat`; other layouts through one strptime format
chosen from the sample. A value the chosen layout does not read is rejected, never guessed
(a guess would turn `10:00` into today and change on every re-import). Day-first versus
month-first is never guessed per value: a column whose sample fits both equally is ambiguous
and raises AmbiguousDates unless `dayfirst` or an explicit `date_format` decides.
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


LAYOUT_SAMPLE = 200           # sample values a column's layout is chosen from
YEAR = 366 * 86400
EARLIEST_LATEST = (0, 4102444800)  # 1970-01-01, and 2100-01-01 when no import instant bounds it


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


def _parsed(parse: Callable[[str], datetime], sample: list[str]) -> int:
    """How many of the sample values `parse` reads."""
    n = 0
    for value in sample:
        try:
            parse(value)
            n += 1
        except ValueError:
            pass
    return n


def _never(value: str) -> datetime:
    raise ValueError("no time layout cstool knows fits this column's values")


def choose_layout(sample: Iterable[str], *, dayfirst: bool | None = None,
                  date_format: str | None = None) -> tuple[str, Callable[[str], datetime]]:
    """Pick one layout for a column from its non-null sample values: (name, parser). The layout
    that reads the most of them wins (ISO-8601 first on a tie); day-first against month-first is
    decided by `dayfirst`, else by which reads more, else it is AmbiguousDates. A column that no
    layout reads gets the layout `none` (each value a reject: never a guess)."""
    sample = [v for v in sample if not is_null(v)][:LAYOUT_SAMPLE]
    if date_format:
        return date_format, _strptime(date_format)
    if not sample or _fits(_iso, sample):
        return "iso8601", _iso
    fixed = max(((_parsed(p, sample), name, p) for name, p in
                 [("iso8601", _iso), *((f, _strptime(f)) for f in _UNAMBIGUOUS)]), key=lambda c: c[0])
    day = max(((_parsed(_strptime(f), sample), f) for f in _DAY_MONTH), key=lambda c: c[0])
    month = max(((_parsed(_strptime(f), sample), f) for f in _MONTH_DAY), key=lambda c: c[0])
    best = max(fixed[0], day[0], month[0])
    if best == 0:
        return "none", _never
    if fixed[0] == best:
        return fixed[1], fixed[2]
    if dayfirst is not None:
        chosen = day if dayfirst else month
        if chosen[0]:
            return chosen[1], _strptime(chosen[1])
    if day[0] == month[0]:
        raise AmbiguousDates(f"values such as {sample[0]!r} fit both day-first ({day[1]}) and "
                             f"month-first ({month[1]})")
    chosen = day if day[0] > month[0] else month
    return chosen[1], _strptime(chosen[1])


class TimeColumn:
    """Parses one column's values to UTC epoch seconds with its chosen layout; a value in
    another layout, or outside [1970-01-01, `latest`], is a ValueError (a CAST reject)."""

    def __init__(self, layout: str, parse: Callable[[str], datetime], tz: str, latest: int | None = None):
        self.layout, self._parse, self._zone = layout, parse, ZoneInfo(tz)
        self.zone = UTC if tz in ("UTC", "Etc/UTC") else self._zone
        self.latest = latest if latest is not None else EARLIEST_LATEST[1]
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
            expected = "a time, but no layout cstool knows fits this column" if self.layout == "none" else \
                f"the column's time layout, {self.layout} (detected from its first rows)"
            raise ValueError(f"expected {expected}; pass --date-format if the column mixes layouts") from None
        interpreted = dt.tzinfo is None or self._other_layout
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=self.zone)
        try:
            epoch = int(dt.timestamp())
        except (OverflowError, OSError, ValueError):
            epoch = EARLIEST_LATEST[0] - 1
        check_range(epoch, self.latest)
        return epoch, interpreted


def check_range(epoch: int, latest: int) -> None:
    """A time before 1970 or after `latest` (a year after the import) is a typo or a sentinel,
    not data: a ValueError (docs/semantics.md#import-guarantees)."""
    if not EARLIEST_LATEST[0] <= epoch <= latest:
        raise ValueError(f"outside the times cstool accepts: 1970-01-01 to a year after the import "
                         f"({datetime.fromtimestamp(latest, UTC):%Y-%m-%d})")
