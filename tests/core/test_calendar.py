"""cstool.core.sla.calendar: properties of business-time arithmetic (Hypothesis): between undoes add, add is
monotonic, between is additive and never exceeds wall time, holidays count zero; night windows, per-date
hours and subtraction by example and by property."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from cstool.core.formats import iso_instant, parse_iso
from cstool.core.sla.calendar import BusinessCalendar, CalendarSpec, parse_day_windows, parse_window
from cstool.core.sla.duration import parse_duration

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


# -- night windows, per-date hours, counting backwards (docs/semantics.md#business-time) -----
def _calendar(tz: str, hours: dict, holidays=(), dates=None) -> BusinessCalendar:
    week = tuple(parse_day_windows(hours.get(d, [])) for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    own = tuple(sorted((date.fromisoformat(k), parse_day_windows(v)) for k, v in (dates or {}).items()))
    return BusinessCalendar(CalendarSpec("c", tz, week, frozenset(holidays), dates=own))


def _at(text: str, tz: str = "UTC") -> int:
    return parse_iso(text, tz)


def _text(epoch: int, tz: str = "UTC") -> str:
    return iso_instant(epoch, tz) or ""


NIGHT = _calendar("UTC", {"mon": "22:00-06:00", "fri": "22:00-06:00"})


def test_a_window_that_crosses_midnight_belongs_to_the_day_it_opens_on():
    assert parse_window("22:00-06:00") == (22 * 3600, 30 * 3600)
    assert _text(NIGHT.add(_at("2026-03-02T21:00"), 3600)) == "2026-03-02T23:00:00+00:00"   # Monday night
    assert _text(NIGHT.add(_at("2026-03-02T23:00"), 7 * 3600)) == "2026-03-03T06:00:00+00:00"  # its closing
    assert _text(NIGHT.add(_at("2026-03-03T05:00"), 2 * 3600)) == "2026-03-06T23:00:00+00:00"  # on to Friday night
    assert _text(NIGHT.add(_at("2026-03-06T23:00"), 7 * 3600)) == "2026-03-07T06:00:00+00:00"  # Friday's ends Saturday
    assert NIGHT.between(_at("2026-03-02T00:00"), _at("2026-03-09T00:00")) == 16 * 3600


def test_a_holiday_takes_the_whole_night_that_opens_on_it_and_none_of_the_night_before():
    on_monday = _calendar("UTC", {"mon": "22:00-06:00"}, holidays=[date(2026, 3, 2)])
    on_tuesday = _calendar("UTC", {"mon": "22:00-06:00"}, holidays=[date(2026, 3, 3)])
    assert on_monday.between(_at("2026-03-02T00:00"), _at("2026-03-04T00:00")) == 0
    assert on_tuesday.between(_at("2026-03-02T00:00"), _at("2026-03-04T00:00")) == 8 * 3600


def test_night_windows_across_both_dst_transitions():
    berlin = _calendar("Europe/Berlin", {"sat": "22:00-06:00"})
    new_york = _calendar("America/New_York", {"sat": "22:00-06:00"})
    for calendar, tz, spring, autumn in ((berlin, "Europe/Berlin", "2026-03-28", "2026-10-24"),
                                         (new_york, "America/New_York", "2026-03-07", "2026-10-31")):
        day = 86400
        assert calendar.between(_at(f"{spring}T12:00", tz), _at(f"{spring}T12:00", tz) + day) == 7 * 3600
        assert calendar.between(_at(f"{autumn}T12:00", tz), _at(f"{autumn}T12:00", tz) + day + 3600) == 9 * 3600
    # 22:00-24:00 (2h), 00:00-02:00 (2h), then the clock jumps to 03:00: one more hour is 04:00 CEST
    assert _text(berlin.add(_at("2026-03-28T22:00", "Europe/Berlin"), 5 * 3600), "Europe/Berlin") == \
        "2026-03-29T04:00:00+02:00"


def test_per_date_hours_replace_the_weekday():
    tz = "Europe/Berlin"
    xmas = _calendar(tz, dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "09:00-17:00"),
                     dates={"2026-12-24": "09:00-12:00", "2026-12-27": ["10:00-14:00"], "2026-12-31": "closed"})
    assert _text(xmas.add(_at("2026-12-24T11:00", tz), 2 * 3600), tz) == "2026-12-25T10:00:00+01:00"  # half day
    assert xmas.between(_at("2026-12-26T00:00", tz), _at("2026-12-28T00:00", tz)) == 4 * 3600         # a Sunday
    assert xmas.between(_at("2026-12-31T00:00", tz), _at("2027-01-01T00:00", tz)) == 0               # closed
    assert _text(xmas.add_business_days(_at("2026-12-24T15:00", tz), 1), tz) == "2026-12-25T15:00:00+01:00"


def test_subtract_lands_on_the_opening_and_zero_is_the_start():
    assert _text(NIGHT.subtract(_at("2026-03-03T06:00"), 8 * 3600)) == "2026-03-02T22:00:00+00:00"
    assert _text(NIGHT.subtract(_at("2026-03-06T23:00"), 3600)) == "2026-03-06T22:00:00+00:00"  # the opening
    assert _text(NIGHT.subtract(_at("2026-03-06T22:30"), 3600)) == "2026-03-03T05:30:00+00:00"
    assert NIGHT.subtract(_at("2026-03-06T22:00"), 0) == _at("2026-03-06T22:00")
    assert PROPERTY_CALENDAR.subtract(_at("2026-03-09T09:00", "Europe/Berlin"), 3600) == \
        _at("2026-03-08T10:00", "Europe/Berlin")   # Sunday 10:00-11:00: the hour before Monday's opening
    assert _text(NIGHT.subtract_duration(_at("2026-03-06T23:00"), parse_duration("1bd"))) == \
        "2026-03-02T23:00:00+00:00"   # the same clock time on the business day before


NIGHT_AND_DATES = _calendar("America/New_York", {"mon": ["00:00-06:00", "22:00-24:00"], "tue": "22:00-07:00",
                                                  "thu": "09:00-17:00", "fri": "20:00-04:00"},
                            holidays=[date(2026, 7, 3)],
                            dates={"2026-11-26": "closed", "2026-12-24": "09:00-12:00", "2026-12-27": "10:00-14:00",
                                   "2027-03-14": "01:00-05:00"})


@settings(max_examples=300, deadline=None)
@given(instants, durations)
def test_add_and_subtract_undo_each_other_with_night_windows_and_dates(a, d):
    due = NIGHT_AND_DATES.add(a, d)
    assert NIGHT_AND_DATES.between(a, due) == d
    back = NIGHT_AND_DATES.subtract(due, d)
    assert NIGHT_AND_DATES.between(back, due) == d
    assert back == a or NIGHT_AND_DATES.between(min(a, back), max(a, back)) == 0   # the same business instant
    assert NIGHT_AND_DATES.subtract(a, d) <= a and NIGHT_AND_DATES.between(NIGHT_AND_DATES.subtract(a, d), a) == d


@settings(max_examples=100, deadline=None)
@given(instants, instants)
def test_between_reversed_is_the_negative(a, b):
    assert NIGHT_AND_DATES.between(b, a) == -NIGHT_AND_DATES.between(a, b)
