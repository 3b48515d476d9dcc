"""cstool.config.validate: a document into a Config, and the errors that name file, table and key."""

from __future__ import annotations

import pytest

from cstool.config import parse_config
from cstool.core.errors import ConfigError
from cstool.core.sla.duration import Duration


def test_defaults_without_a_file_give_the_design_policy():
    config = parse_config({})
    assert config.timezone == "UTC"
    targets = config.policies[0].targets
    assert targets["urgent"]["first_response"] == Duration(3600)
    assert targets["low"]["resolution"] == Duration(5 * 86400)
    assert "24x7" in config.calendars


def test_last_policy_must_be_the_default():
    with pytest.raises(ConfigError, match="last policy"):
        parse_config({"sla": {"policies": [{"name": "a", "when": {"priority": ["urgent"]}}]}})


def _calendar_config(calendar: str) -> dict:
    import tomllib

    return tomllib.loads("[calendars.c]\ntimezone = \"Europe/Berlin\"\n" + calendar)


def test_night_windows_and_per_date_hours_are_read():
    config = parse_config(_calendar_config(
        'hours = { mon = "22:00-06:00", tue = "09:00-17:00", wed = ["00:00-06:00", "22:00-24:00"] }\n'
        '[calendars.c.dates]\n"2026-12-24" = "09:00-12:00"\n"2026-12-27" = ["10:00-14:00"]\n"2026-12-31" = "closed"\n'))
    spec = config.calendars["c"]
    assert spec.hours[0] == ((22 * 3600, 30 * 3600),)
    assert spec.hours[2] == ((0, 6 * 3600), (22 * 3600, 24 * 3600))
    assert [(d.isoformat(), w) for d, w in spec.dates] == [
        ("2026-12-24", ((9 * 3600, 12 * 3600),)), ("2026-12-27", ((10 * 3600, 14 * 3600),)), ("2026-12-31", ())]


@pytest.mark.parametrize("calendar, needle", [
    ('hours = { mon = "22:00-06:00", tue = "05:00-09:00" }\n',
     "[calendars.c.hours] tue = '05:00-09:00': expected windows that do not overlap the night from mon "
     "(windows 00:00-06:00 and 05:00-09:00 overlap)"),
    ('hours = { mon = ["22:00-06:00", "23:00-23:30"] }\n', "windows 22:00-06:00 and 23:00-23:30 overlap"),
    ('hours = { mon = "09:00-09:00" }\n', "must not be empty or a whole day long"),
    ('hours = { mon = "09:00-17:00" }\nholidays = ["2026-12-24"]\n[calendars.c.dates]\n"2026-12-24" = "09:00-12:00"\n',
     "[calendars.c.dates] 2026-12-24 = '09:00-12:00': expected a date that is not also in `holidays`"),
    ('hours = { mon = "09:00-17:00" }\n[calendars.c.dates]\n"24.12.2026" = "09:00-12:00"\n',
     "expected a date such as \"2026-12-24\" as the key"),
    ('hours = { mon = "09:00-17:00" }\n[calendars.c.dates]\n"2026-12-24" = "shut"\n',
     "[calendars.c.dates] 2026-12-24 = 'shut': expected windows such as \"09:00-12:00\", a list of them, or \"closed\""),
    ('hours = { wed = "09:00-17:00" }\n[calendars.c.dates]\n"2026-12-24" = "22:00-06:00"\n"2026-12-25" = "05:00-08:00"\n',
     "windows 00:00-06:00 and 05:00-08:00 overlap"),
])
def test_bad_night_windows_and_dates_name_table_key_and_form(calendar, needle):
    with pytest.raises(ConfigError) as err:
        parse_config(_calendar_config(calendar), "cstool.toml")
    assert needle in str(err.value)
    assert str(err.value).startswith("cstool.toml: [calendars.c")


@pytest.mark.parametrize("table", ['[mail]\npassword = "hunter2-secret"\n', '[mail]\napi_token = "hunter2-secret"\n',
                                   '[store]\nsecret_key = "hunter2-secret"\n'])
def test_a_key_named_like_a_secret_is_never_echoed(table):
    import tomllib

    with pytest.raises(ConfigError) as err:
        parse_config(tomllib.loads(table), "cstool.toml")
    assert "hunter2" not in str(err.value)
    assert "(value not shown)" in str(err.value) and "unknown key" in str(err.value)
