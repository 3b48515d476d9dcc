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


Windows = tuple[tuple[int, int], ...]   # (open, close) seconds since local midnight, sorted, disjoint


@dataclass(frozen=True)
class CalendarSpec:
    """A named calendar. `hours[i]` holds the half-open windows of weekday i (0 = Monday) as
    (open, close) seconds since local midnight, sorted and disjoint; close may be 86400 (24:00)
    or more: a window that crosses midnight belongs to the day it opens on (`22:00-06:00` is
    (79200, 108000)). `dates` replaces the hours of single local dates (() = closed)."""

    name: str
    timezone: str = "UTC"
    hours: tuple[Windows, ...] = ((),) * 7
    holidays: frozenset[date] = field(default_factory=frozenset)
    holiday_country: str | None = None
    holiday_subdivision: str | None = None
    dates: tuple[tuple[date, Windows], ...] = ()


ALWAYS_OPEN = CalendarSpec(name="24x7", timezone="UTC", hours=(((0, DAY_SECONDS),),) * 7)
CLOSED = "closed"


def parse_window(text: str) -> tuple[int, int]:
    """`09:00-17:30` -> (32400, 63000); `24:00` is allowed as a closing time; a window that closes
    at or before it opens crosses midnight: `22:00-06:00` -> (79200, 108000)."""
    try:
        start, end = (part.strip() for part in str(text).split("-"))
        opening, closing = _clock_seconds(start), _clock_seconds(end)
    except ValueError:
        raise ValueError(f"{text!r} is not a window such as \"09:00-17:30\" or \"22:00-06:00\"") from None
    if opening >= DAY_SECONDS:
        raise ValueError(f"{text!r}: a window opens before 24:00")
    if closing <= opening:
        if closing in (DAY_SECONDS, opening):
            raise ValueError(f"{text!r}: the window must not be empty or a whole day long")
        closing += DAY_SECONDS
    return opening, closing


def _clock_seconds(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    if len(minutes) != 2 or not hours.isdigit() or not minutes.isdigit():
        raise ValueError(hhmm)
    h, m = int(hours), int(minutes)
    if m > 59 or h > 24 or (h == 24 and m):
        raise ValueError(hhmm)
    return h * 3600 + m * 60


def _text(window: tuple[int, int]) -> str:
    def hhmm(seconds: int) -> str:
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
    return f"{hhmm(window[0])}-{hhmm(window[1] % DAY_SECONDS if window[1] > DAY_SECONDS else window[1])}"


def parse_day_windows(value: str | list[str]) -> Windows:
    """One day's windows from a string or a list of strings, or "closed"; sorted, must not overlap."""
    if value == CLOSED:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    windows = sorted(parse_window(item) for item in items)
    check_disjoint(windows)
    return tuple(windows)


def check_disjoint(windows: list[tuple[int, int]]) -> None:
    """Raise ValueError naming two windows that overlap (same day, seconds since its midnight)."""
    ordered = sorted(windows)
    for a, b in zip(ordered, ordered[1:]):
        if b[0] < a[1]:
            raise ValueError(f"windows {_text(a)} and {_text(b)} overlap")


def carried(windows: Windows) -> list[tuple[int, int]]:
    """The parts of a day's windows that run on into the next day, in the next day's seconds."""
    return [(0, close - DAY_SECONDS) for _, close in windows if close > DAY_SECONDS]


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
        self.always_open = (spec.hours == ALWAYS_OPEN.hours and not spec.holidays and not spec.holiday_country
                            and not spec.dates)
        self._dates = dict(spec.dates)
        self._built = False
        self._lo = self._hi = 0               # ordinals of the first and last indexed local dates
        self._midnights: list[int] = []       # UTC instant of each indexed local midnight (+1 past the end)
        self._cum: list[int] = []             # business seconds before each indexed day (+1 past the end)
        self._windows: list[tuple[tuple[int, int], ...]] = []
        self._country_years: set[int] = set()
        self._country_days: set[date] = set()
        self._business_days: dict[int, bool] = {}  # ordinal: whether windows open on that date

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

    def _hours_of(self, ordinal: int) -> Windows:
        """The windows that open on this local date: its own hours, else its weekday's; none on a holiday."""
        d = date.fromordinal(ordinal)
        if d in self._dates:
            return self._dates[d]
        spans = self.spec.hours[d.weekday()]
        return () if not spans or self._is_holiday(d) else spans

    def _day_windows(self, ordinal: int) -> tuple[tuple[int, int], ...]:
        """The open intervals (UTC) of one local date: what runs on from the day before, then its own
        windows up to midnight (the rest of a window that crosses midnight is the next day's)."""
        d = date.fromordinal(ordinal)
        parts = [(self._local_midnight(ordinal), self._wall(d, close, ordinal))
                 for _, close in carried(self._hours_of(ordinal - 1))]
        for opening, closing in self._hours_of(ordinal):
            parts.append((self._wall(d, opening, ordinal), self._wall(d, min(closing, DAY_SECONDS), ordinal)))
        return tuple((start, end) for start, end in parts if end > start)

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
        """Index the days from two before t's local date to `ahead_days` + 2 after it."""
        if self._built:  # (the same test as below, in instants: no time-zone conversion on the hot path)
            midnights = self._midnights
            last = len(midnights) - 3 - ahead_days
            if last > 2 and midnights[2] <= t < midnights[last]:
                return
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

    def _business_day(self, ordinal: int) -> bool:
        """Whether windows open on this local date (a night shift's morning belongs to the day before)."""
        found = self._business_days.get(ordinal)
        if found is None:
            found = self._business_days[ordinal] = self.always_open or bool(self._hours_of(ordinal))
        return found

    def _same_time_on(self, t: int, days: int, step: int) -> int:
        """The same local clock time on the `days`-th business day after (step 1) or before (-1) t."""
        local = datetime.fromtimestamp(t, self.zone)
        ordinal, found = local.toordinal(), 0
        for _ in range(3660 + 400 * days):
            if found >= days:
                break
            ordinal += step
            found += self._business_day(ordinal)
        else:
            raise ValueError(f"calendar {self.name!r} has no business days within ten years of the start")
        d = date.fromordinal(ordinal)
        wall = datetime(d.year, d.month, d.day, local.hour, local.minute, local.second, tzinfo=self.zone)
        return int(wall.timestamp())

    def add_business_days(self, t: int, days: int) -> int:
        """The same local clock time on the `days`-th following day with business hours, then
        the next open moment if that time is closed (docs/semantics.md#business-time)."""
        return self.next_open(self._same_time_on(t, days, 1))

    def add_duration(self, t: int, duration: Duration) -> int:
        if duration.business_days:
            return self.add_business_days(t, duration.business_days)
        return self.add(t, duration.seconds)

    def subtract(self, t: int, seconds: int) -> int:
        """The latest instant from which `seconds` of business time run until t: landing exactly
        on an opening gives that opening (not the closing time before it); zero gives t."""
        if seconds < 0:
            raise ValueError("cannot subtract a negative duration")
        if self.always_open or seconds == 0:
            return t - seconds
        self._ensure(t)
        while True:
            target = self._cum_at(t) - seconds
            k = bisect_left(self._cum, target) - 1   # the day whose business time reaches the target
            if k >= 0:
                rest = target - self._cum[k]
                for start, end in self._windows[k]:
                    if rest < end - start:
                        return start + rest
                    rest -= end - start
                return self.next_open(self._midnights[k + 1])  # (exactly at the day's last closing)
            if self._hi - self._lo > 40 * 366:
                raise ValueError(f"calendar {self.name!r}: the start is more than forty years back")
            self._build(self._lo - 2 * (self._hi - self._lo), self._hi)

    def subtract_business_days(self, t: int, days: int) -> int:
        """The same local clock time on the `days`-th preceding day with business hours, then the
        next open moment if that time is closed (the mirror of `add_business_days`)."""
        return self.next_open(self._same_time_on(t, days, -1))

    def subtract_duration(self, t: int, duration: Duration) -> int:
        if duration.business_days:
            return self.subtract_business_days(t, duration.business_days)
        return self.subtract(t, duration.seconds)


def build_calendars(specs: dict[str, CalendarSpec]) -> dict[str, BusinessCalendar]:
    return {name: BusinessCalendar(spec) for name, spec in specs.items()}
