"""Business-hours calendars (docs/semantics.md#business-time): weekly windows in local wall time,
holidays, time zone."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from cstool.core.formats import DAY_SECONDS
from cstool.core.sla.duration import Duration

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


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


ALWAYS_OPEN = CalendarSpec(name="24x7", timezone="UTC", hours=(((0, DAY_SECONDS),),) * 7)


def parse_window(text: str) -> tuple[int, int]:
    """`09:00-17:30` -> (32400, 63000). `24:00` is allowed as a closing time."""
    try:
        start, end = (part.strip() for part in str(text).split("-"))
        opening, closing = _clock_seconds(start), _clock_seconds(end)
    except ValueError:
        raise ValueError(f"{text!r} is not a window such as \"09:00-17:30\"") from None
    if opening >= closing or opening >= DAY_SECONDS:
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


class BusinessCalendar:
    """Business-time arithmetic on one calendar, exact across DST and holidays.

    Instants are int UTC epoch seconds. Internally a lazily built per-day index holds, for
    each local date, its open windows as UTC instants and the business seconds before it, so
    `between` and `add` cost two binary searches whatever the span (no minute or day walk).
    """

    def __init__(self, spec: CalendarSpec):
        self.spec = spec
        self.name = spec.name
        self.zone = ZoneInfo(spec.timezone)
        self.always_open = spec.hours == ALWAYS_OPEN.hours and not spec.holidays and not spec.holiday_country
        self._built = False
        self._lo = self._hi = 0               # ordinals of the first and last indexed local dates
        self._midnights: list[int] = []       # UTC instant of each indexed local midnight (+1 past the end)
        self._cum: list[int] = []             # business seconds before each indexed day (+1 past the end)
        self._windows: list[tuple[tuple[int, int], ...]] = []
        self._country_years: set[int] = set()
        self._country_days: set[date] = set()

    # -- the index ---------------------------------------------------------------------
    def _local_midnight(self, ordinal: int) -> int:
        d = date.fromordinal(ordinal)
        return int(datetime(d.year, d.month, d.day, tzinfo=self.zone).timestamp())

    def _is_holiday(self, d: date) -> bool:
        if d in self.spec.holidays:
            return True
        if self.spec.holiday_country:
            if d.year not in self._country_years:
                import holidays as holidays_lib

                found = holidays_lib.country_holidays(self.spec.holiday_country, subdiv=self.spec.holiday_subdivision,
                                                      years=d.year)
                self._country_days.update(found.keys())
                self._country_years.add(d.year)
            return d in self._country_days
        return False

    def _day_windows(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        d = date.fromordinal(ordinal)
        spans = self.spec.hours[d.weekday()]
        if not spans or self._is_holiday(d):
            return ()
        windows = []
        for opening, closing in spans:
            start = self._wall(d, opening, ordinal)
            end = self._wall(d, closing, ordinal)
            if end > start:
                windows.append((start, end))
        return tuple(windows)

    def _wall(self, d: date, seconds: int, ordinal: int) -> int:
        if seconds >= DAY_SECONDS:
            return self._local_midnight(ordinal + 1)
        dt = datetime(d.year, d.month, d.day, seconds // 3600, seconds % 3600 // 60, seconds % 60, tzinfo=self.zone)
        return int(dt.timestamp())

    def _build(self, lo: int, hi: int) -> None:
        self._built, self._lo, self._hi = True, lo, hi
        self._midnights, self._cum, self._windows = [], [0], []
        total = 0
        for ordinal in range(lo, hi + 1):
            self._midnights.append(self._local_midnight(ordinal))
            windows = self._day_windows(ordinal)
            self._windows.append(windows)
            total += sum(e - s for s, e in windows)
            self._cum.append(total)
        self._midnights.append(self._local_midnight(hi + 1))

    def _ordinal(self, t: int) -> int:
        return datetime.fromtimestamp(t, self.zone).toordinal()

    def _ensure(self, t: int, ahead_days: int = 0) -> None:
        ordinal = self._ordinal(t)
        lo, hi = ordinal - 2, ordinal + ahead_days + 2
        if self._built and self._lo <= lo and hi <= self._hi:
            return
        if self._built:
            lo, hi = min(lo, self._lo), max(hi, self._hi)
        self._build(lo - 30, hi + 400)

    def _index(self, t: int) -> int:
        """Index of the indexed day holding instant t (the index must cover t)."""
        return bisect_right(self._midnights, t) - 1

    def _cum_at(self, t: int) -> int:
        i = self._index(t)
        total = self._cum[i]
        for start, end in self._windows[i]:
            if t >= end:
                total += end - start
            else:
                if t > start:
                    total += t - start
                break
        return total

    # -- the public arithmetic ---------------------------------------------------------
    def is_open(self, t: int) -> bool:
        if self.always_open:
            return True
        self._ensure(t)
        return any(start <= t < end for start, end in self._windows[self._index(t)])

    def between(self, a: int, b: int) -> int:
        """Business seconds in [a, b) (negative when b < a)."""
        if self.always_open:
            return b - a
        if b < a:
            return -self.between(b, a)
        self._ensure(a)
        self._ensure(b)
        return self._cum_at(b) - self._cum_at(a)

    def next_open(self, t: int) -> int:
        """t itself when open, else the next opening instant."""
        if self.always_open:
            return t
        for _ in range(3660):
            self._ensure(t, 7)
            i = self._index(t)
            for start, end in self._windows[i]:
                if t < end:
                    return max(t, start)
            t = self._midnights[i + 1]
        raise ValueError(f"calendar {self.name!r} has no business hours within ten years of the start")

    def add(self, t: int, seconds: int) -> int:
        """The instant at which `seconds` of business time starting at t are used up. A
        deadline that falls exactly on a closing time is that closing time; adding zero to a
        closed instant gives the next opening."""
        if seconds < 0:
            raise ValueError("cannot add a negative duration")
        if self.always_open:
            return t + seconds
        if seconds == 0:
            return self.next_open(t)
        self._ensure(t)
        target = self._cum_at(t) + seconds
        while True:
            i = self._index(t)
            k = bisect_left(self._cum, target, i + 1)
            if k < len(self._cum):
                j = k - 1
                rest = target - self._cum[j]
                for start, end in self._windows[j]:
                    if rest <= end - start:
                        return start + rest
                    rest -= end - start
            if self._hi - self._lo > 40 * 366:
                raise ValueError(f"calendar {self.name!r}: the deadline is more than forty years away")
            self._build(self._lo, self._hi + 2 * (self._hi - self._lo))

    def add_business_days(self, t: int, days: int) -> int:
        """The same local clock time on the `days`-th following day with business hours, then
        the next open moment if that time is closed (docs/semantics.md#business-time)."""
        local = datetime.fromtimestamp(t, self.zone)
        ordinal, found = local.toordinal(), 0
        while found < days:
            ordinal += 1
            self._ensure(self._local_midnight(ordinal), 7)
            if self.always_open or self._windows[ordinal - self._lo]:
                found += 1
        d = date.fromordinal(ordinal)
        wall = datetime(d.year, d.month, d.day, local.hour, local.minute, local.second, tzinfo=self.zone)
        return self.next_open(int(wall.timestamp()))

    def add_duration(self, t: int, duration: Duration) -> int:
        if duration.business_days:
            return self.add_business_days(t, duration.business_days)
        return self.add(t, duration.seconds)


def build_calendars(specs: dict[str, CalendarSpec]) -> dict[str, BusinessCalendar]:
    return {name: BusinessCalendar(spec) for name, spec in specs.items()}
