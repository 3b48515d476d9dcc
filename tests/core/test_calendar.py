"""cstool.core.sla.calendar: properties of business-time arithmetic (Hypothesis): between undoes add, add is monotonic, between is additive and never exceeds wall time, holidays count zero."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.core.sla.calendar import BusinessCalendar, CalendarSpec, parse_day_windows

# -- properties --------------------------------------------------------------------------
WEEK = [parse_day_windows(w) if w else () for w in
        (["09:00-12:00", "13:00-17:30"], "09:00-17:00", "", "08:00-24:00", "00:00-06:00", "", "10:00-11:00")]


PROPERTY_CALENDAR = BusinessCalendar(CalendarSpec("prop", "Europe/Berlin", tuple(WEEK),
                                                  frozenset({date(2026, 12, 24), date(2026, 12, 25)})))


instants = st.integers(min_value=1767225600, max_value=1830297600)  # 2026-01-01 .. 2028-01-01


durations = st.integers(min_value=0, max_value=90 * 86400)


@settings(max_examples=300, deadline=None)
@given(instants, durations)
def test_between_of_add_is_the_duration(a, d):
    cal = PROPERTY_CALENDAR
    assert cal.between(a, cal.add(a, d)) == d


@settings(max_examples=200, deadline=None)
@given(instants, durations, durations)
def test_add_is_monotonic(a, d1, d2):
    cal = PROPERTY_CALENDAR
    lo, hi = sorted((d1, d2))
    assert cal.add(a, lo) <= cal.add(a, hi)


@settings(max_examples=200, deadline=None)
@given(instants, instants, instants)
def test_between_is_additive_and_never_exceeds_wall_time(a, b, c):
    a, b, c = sorted((a, b, c))
    cal = PROPERTY_CALENDAR
    assert cal.between(a, c) == cal.between(a, b) + cal.between(b, c)
    assert 0 <= cal.between(a, b) <= b - a


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=86399))
def test_holidays_count_zero(offset):
    cal = PROPERTY_CALENDAR
    start = int(datetime(2026, 12, 24, tzinfo=ZoneInfo("Europe/Berlin")).timestamp())
    end = int(datetime(2026, 12, 26, tzinfo=ZoneInfo("Europe/Berlin")).timestamp())
    assert cal.between(start, start + offset) == 0
    assert cal.between(start, end) == 0
    assert not cal.is_open(start + offset)
