"""cstool.core.formats: ISO-8601 parsing and the text of instants and durations, by example."""

from __future__ import annotations

import pytest

from cstool.core.formats import format_seconds, iso_instant, local_time, parse_iso


@pytest.mark.parametrize("text, tz, epoch", [
    ("2026-03-31T16:00:00Z", "UTC", 1774972800),
    ("2026-03-31T16:00:00z", "Europe/Berlin", 1774972800),          # lower-case z is UTC too
    ("2026-03-31T18:00:00+02:00", "UTC", 1774972800),
    ("2026-03-31T18:00", "Europe/Berlin", 1774972800),              # naive: wall time in tz
    (" 2026-03-31 18:00:00 ", "Europe/Berlin", 1774972800),
    ("2026-03-31", "UTC", 1774915200),                              # a date is its midnight
    ("2026-03-29T02:30", "Europe/Berlin", 1774747800),              # inside the DST gap: fold 0
])
def test_parse_iso(text, tz, epoch):
    assert parse_iso(text, tz) == epoch


@pytest.mark.parametrize("text", ["31/03/2026", "yesterday", "", "2026-13-01"])
def test_parse_iso_refuses_anything_else(text):
    with pytest.raises(ValueError):
        parse_iso(text, "UTC")


def test_instants_as_text():
    assert iso_instant(1774972800, "Europe/Berlin") == "2026-03-31T18:00:00+02:00"
    assert iso_instant(1774972800) == "2026-03-31T16:00:00+00:00"
    assert iso_instant(None) is None
    assert local_time(1774972800, "Europe/Berlin") == "2026-03-31 18:00"
    assert local_time(None) == ""


@pytest.mark.parametrize("seconds, text, compact", [
    (0, "0s", "0s"), (59, "59s", "59s"), (8100, "2h 15m", "2h15m"), (8130, "2h 15m", "2h15m30s"),
    (974553, "11d 6h", "11d6h42m33s"), (-3600, "-1h", "-1h"), (90.9, "1m 30s", "1m30s"), (86400, "1d", "1d"),
])
def test_format_seconds(seconds, text, compact):
    assert format_seconds(seconds) == text
    assert format_seconds(seconds, compact=True) == compact
