"""`cstool calendar add | subtract | between`: the published cases of Frappe Helpdesk and Chatwoot (docs/semantics.md#business-time), lunch breaks, business days, DST, country holidays, and the command's errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

CONFIG = """
[calendars.frappe]
timezone = "Etc/UTC"
hours = { mon = "10:00-18:00", tue = "10:00-18:00", wed = "10:00-18:00", thu = "10:00-18:00", fri = "10:00-18:00" }

[calendars.frappe_holidays]
timezone = "Etc/UTC"
hours = { mon = "10:00-18:00", tue = "10:00-18:00", wed = "10:00-18:00", thu = "10:00-18:00", fri = "10:00-18:00" }
holidays = ["2026-03-05", "2026-03-06"]

[calendars.chatwoot]
timezone = "Etc/UTC"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00" }

[calendars.chatwoot_ny]
timezone = "America/New_York"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00" }

[calendars.chatwoot_sat]
timezone = "Etc/UTC"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00", sat = "00:00-24:00" }

[calendars.c9]
timezone = "Etc/UTC"
hours = { mon = "09:00-17:00", tue = "09:00-20:00" }

[calendars.lunch]
timezone = "Etc/UTC"
hours = { mon = ["09:00-12:00", "13:00-17:30"], tue = ["09:00-12:00", "13:00-17:30"], wed = ["09:00-12:00", "13:00-17:30"], thu = ["09:00-12:00", "13:00-17:30"], fri = ["09:00-12:00", "13:00-17:30"] }

[calendars.berlin]
timezone = "Europe/Berlin"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00", sun = "00:00-24:00" }
holiday_country = "DE"
holiday_subdivision = "BE"

[calendars.night]
timezone = "Europe/Berlin"
hours = { mon = "22:00-06:00", fri = "22:00-06:00" }

[calendars.night.dates]
"2026-12-24" = "09:00-12:00"
"2026-12-28" = "closed"

[calendars.newyork]
timezone = "America/New_York"
hours = { mon = "09:00-17:00", tue = "09:00-17:00", wed = "09:00-17:00", thu = "09:00-17:00", fri = "09:00-17:00", sun = "00:00-24:00" }
"""


@pytest.fixture
def calc(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(CONFIG)

    def run(verb, *args, calendar):
        result = cli("calendar", verb, *args, "--calendar", calendar, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)

    return run


@pytest.mark.parametrize("case, start, duration, due", [
    ("F1 response", "2026-03-02T11:00", "1h", "2026-03-02T12:00:00+00:00"),
    ("F1 resolution", "2026-03-02T11:00", "4h", "2026-03-02T15:00:00+00:00"),
    ("F2 response", "2026-03-02T08:00", "1h", "2026-03-02T11:00:00+00:00"),
    ("F2 resolution", "2026-03-02T08:00", "4h", "2026-03-02T14:00:00+00:00"),
    ("F3 response", "2026-03-02T20:00", "30m", "2026-03-03T10:30:00+00:00"),
    ("F3 resolution", "2026-03-02T20:00", "2h", "2026-03-03T12:00:00+00:00"),
    ("F4 response", "2026-03-07T15:00", "24h", "2026-03-11T18:00:00+00:00"),
    ("F4 resolution", "2026-03-07T15:00", "72h", "2026-03-19T18:00:00+00:00"),
    ("F5 response", "2026-03-06T17:00", "30m", "2026-03-06T17:30:00+00:00"),
    ("F5 resolution", "2026-03-06T17:00", "2h", "2026-03-09T11:00:00+00:00"),
    ("F6 response", "2026-03-06T19:00", "1h", "2026-03-09T11:00:00+00:00"),
    ("F6 resolution", "2026-03-06T19:00", "4h", "2026-03-09T14:00:00+00:00"),
    ("F8 response", "2026-03-05T15:00", "30m", "2026-03-05T15:30:00+00:00"),
    ("F8 resolution", "2026-03-05T15:00", "2h", "2026-03-05T17:00:00+00:00"),
    ("F8h resolution", "2026-03-05T15:00", "3h", "2026-03-05T18:00:00+00:00"),
    ("F8h+ resolution", "2026-03-05T15:00", "3h1s", "2026-03-06T10:00:01+00:00"),
])
def test_frappe_cases(calc, case, start, duration, due):
    assert calc("add", start, duration, calendar="frappe")["due"] == due, case


def test_frappe_f7_holidays(calc):
    assert calc("add", "2026-03-05T15:00", "30m", calendar="frappe_holidays")["due"] == "2026-03-09T10:30:00+00:00"
    assert calc("add", "2026-03-05T15:00", "2h", calendar="frappe_holidays")["due"] == "2026-03-09T12:00:00+00:00"


@pytest.mark.parametrize("case, calendar, start, duration, due", [
    ("C1", "chatwoot", "2024-01-17T10:00", "2h", "2024-01-17T12:00:00+00:00"),
    ("C2", "chatwoot", "2024-01-19T16:00", "2h", "2024-01-22T10:00:00+00:00"),
    ("C3", "chatwoot", "2024-01-17T07:00", "2h", "2024-01-17T11:00:00+00:00"),
    ("C4", "chatwoot", "2024-01-17T18:00", "2h", "2024-01-18T11:00:00+00:00"),
    ("C5", "chatwoot", "2024-01-20T10:00", "2h", "2024-01-22T11:00:00+00:00"),
    ("C6", "chatwoot", "2024-01-15T16:00", "10h", "2024-01-17T10:00:00+00:00"),
    ("C7", "chatwoot_ny", "2024-01-19T16:00", "2h", "2024-01-22T10:00:00-05:00"),
    ("C8a", "chatwoot_sat", "2024-01-20T10:00", "2h", "2024-01-20T12:00:00+00:00"),
    ("C8b", "chatwoot_sat", "2024-01-20T00:00", "24h", "2024-01-21T00:00:00+00:00"),
    ("C9a", "c9", "2024-01-15T18:00", "10h", "2024-01-16T19:00:00+00:00"),
    ("C9b", "c9", "2024-01-15T16:00", "12h", "2024-01-16T20:00:00+00:00"),
    ("L1", "lunch", "2026-03-02T11:00", "2h", "2026-03-02T14:00:00+00:00"),
])
def test_chatwoot_and_lunch_cases(calc, case, calendar, start, duration, due):
    assert calc("add", start, duration, calendar=calendar)["due"] == due, case


def test_c7_in_utc_is_15_00(calc):
    doc = calc("add", "2024-01-19T21:00:00Z", "2h", calendar="chatwoot_ny")
    assert datetime.fromisoformat(doc["due"]).astimezone(UTC).hour == 15


def test_l2_between_with_lunch_break(calc):
    doc = calc("between", "2026-03-02T11:30", "2026-03-03T09:30", calendar="lunch")
    assert doc == {"calendar": "lunch", "start": "2026-03-02T11:30:00+00:00", "end": "2026-03-03T09:30:00+00:00",
                   "business_seconds": 5 * 3600 + 1800}


def test_add_json_has_exactly_the_documented_keys(calc):
    assert calc("add", "2026-03-02T11:00", "1h30m", calendar="frappe") == {
        "calendar": "frappe", "start": "2026-03-02T11:00:00+00:00", "duration_seconds": 5400,
        "due": "2026-03-02T12:30:00+00:00"}
    assert calc("add", "2026-03-06T16:00", "1bd", calendar="frappe")["duration_seconds"] is None


@pytest.mark.parametrize("start, due", [
    ("2026-03-06T16:00", "2026-03-09T16:00:00+00:00"),   # Fri -> Mon, same clock time
    ("2026-03-06T19:00", "2026-03-10T10:00:00+00:00"),   # 19:00 Mon is closed -> next opening
    ("2026-03-07T12:00", "2026-03-09T12:00:00+00:00"),   # from a Saturday: the first day with hours
])
def test_business_days(calc, start, due):
    assert calc("add", start, "1bd", calendar="frappe")["due"] == due


def test_adding_zero_to_a_closed_instant_gives_the_next_opening(calc):
    assert calc("add", "2026-03-02T18:00", "0s", calendar="frappe")["due"] == "2026-03-03T10:00:00+00:00"
    assert calc("add", "2026-03-02T12:00", "0s", calendar="frappe")["due"] == "2026-03-02T12:00:00+00:00"


@pytest.mark.parametrize("calendar, day, seconds", [
    ("berlin", "2026-03-30", 8 * 3600),   # Monday after spring forward: 8 hours
    ("berlin", "2026-03-29", 23 * 3600),  # Sunday 00:00-24:00 on the day clocks go forward
    ("berlin", "2026-10-25", 25 * 3600),  # ... and back
    ("newyork", "2026-03-08", 23 * 3600),
    ("newyork", "2026-11-01", 25 * 3600),
    ("newyork", "2026-03-09", 8 * 3600),
])
def test_dst_days_count_real_time(calc, calendar, day, seconds):
    next_day = date.fromisoformat(day).toordinal() + 1
    end = date.fromordinal(next_day).isoformat()
    assert calc("between", f"{day}T00:00", f"{end}T00:00", calendar=calendar)["business_seconds"] == seconds


def test_dst_deadline_keeps_wall_clock_windows(calc):
    # Fri 2026-03-27 16:00 Berlin (+01:00) + 2h: 1h Friday, Sunday (clocks change) 00:00-01:00
    assert calc("add", "2026-03-27T16:00", "2h", calendar="berlin")["due"] == "2026-03-29T01:00:00+01:00"
    # 25h on the autumn Sunday: 00:00 + 24h is 23:00 local
    assert calc("add", "2026-10-25T00:00", "24h", calendar="berlin")["due"] == "2026-10-25T23:00:00+01:00"


def test_country_holidays(calc):
    # Good Friday 2026-04-03 and Easter Monday 2026-04-06 are public holidays in Berlin
    assert calc("add", "2026-04-02T16:00", "2h", calendar="berlin")["due"] == "2026-04-05T01:00:00+02:00"
    doc = calc("between", "2026-04-03T00:00", "2026-04-04T00:00", calendar="berlin")
    assert doc["business_seconds"] == 0
    assert calc("add", "2026-04-03T10:00", "1bd", calendar="berlin")["due"] == "2026-04-05T10:00:00+02:00"


def test_unknown_calendar_and_bad_duration_are_usage_errors(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text(CONFIG)
    assert cli("calendar", "add", "2026-03-02T11:00", "1h", "--calendar", "nope").exit_code == 2
    result = cli("calendar", "add", "2026-03-02T11:00", "4 hours", "--calendar", "frappe")
    assert result.exit_code == 2 and "expected a duration such as" in result.stderr
    typo = cli("calendar", "add", "2026-03-02T11:00", "1h", "--calendar", "frape")
    assert typo.exit_code == 2 and "did you mean 'frappe'?" in typo.stderr and "valid values: 24x7, " in typo.stderr
    upper = cli("calendar", "add", "2026-03-02T11:00", "1h", "--calendar", "FRAPPE", "-f", "json")
    assert json.loads(upper.stdout)["calendar"] == "frappe"  # (a config name, without regard to case)


def test_subtract_json_names_the_result(calc):
    assert calc("subtract", "2026-03-03T06:00", "8h", calendar="night") == {
        "calendar": "night", "start": "2026-03-03T06:00:00+01:00", "duration_seconds": 28800,
        "result": "2026-03-02T22:00:00+01:00"}
    assert calc("subtract", "2026-03-09T12:30", "1h30m", calendar="frappe")["result"] == "2026-03-09T11:00:00+00:00"
    assert calc("subtract", "2026-03-09T10:30", "30m", calendar="frappe")["result"] == "2026-03-09T10:00:00+00:00"
    assert calc("subtract", "2026-03-09T10:30", "1bd", calendar="frappe")["result"] == "2026-03-06T10:30:00+00:00"


def test_night_shift_and_dates_through_the_command(calc):
    assert calc("add", "2026-03-06T23:00", "7h", calendar="night")["due"] == "2026-03-07T06:00:00+01:00"
    assert calc("add", "2026-12-24T11:00", "2h", calendar="night")["due"] == "2026-12-25T23:00:00+01:00"
    assert calc("between", "2026-12-28T00:00", "2026-12-29T12:00", calendar="night")["business_seconds"] == 0


def test_a_reversed_range_is_the_negative(calc):
    forward = calc("between", "2026-03-02T11:30", "2026-03-03T09:30", calendar="lunch")
    backward = calc("between", "2026-03-03T09:30", "2026-03-02T11:30", calendar="lunch")
    assert backward["business_seconds"] == -forward["business_seconds"] == -19800  # 30m + 4h30m + 30m


def test_fractions_of_a_second_are_refused_not_cut(cli, calc):
    result = cli("calendar", "add", "2026-03-06T16:59:59.700", "1h", "--calendar", "frappe")
    assert result.exit_code == 2
    assert "START '2026-03-06T16:59:59.700': fractions of a second are not supported" in result.stderr
    assert cli("sla", "check", "--as-of", "2026-03-06T16:59:59.5Z").exit_code == 2
