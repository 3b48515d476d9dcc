"""cstool.core.periods: named periods in a time zone, across a DST week."""

from __future__ import annotations

from cstool.core import periods

D, H = 86400, 3600


def test_periods_in_a_time_zone_and_a_dst_week():
    as_of = 1774972800  # 2026-03-31T16:00Z, a Tuesday
    assert periods.named_period("last-week", as_of, "Europe/Berlin") == (1774220400, 1774821600)
    since, until = periods.named_period("last-week", as_of, "Europe/Berlin")
    assert until - since == 7 * D - H  # the week clocks went forward has 167 hours
    assert periods.named_period("yesterday", as_of, "UTC") == (1774828800, 1774915200)
    assert periods.named_period("mtd", as_of, "UTC") == (1772323200, as_of)
    assert periods.named_period("last-month", as_of, "UTC") == (1769904000, 1772323200)
    assert periods.named_period("qtd", as_of, "UTC")[0] == 1767225600
    weeks = periods.split(since, until, "day", "Europe/Berlin")
    assert len(weeks) == 7 and weeks[6][0] == "2026-03-29" and weeks[6][2] - weeks[6][1] == 23 * H


def test_relative_times_are_read_in_the_zone_and_anything_else_is_not_relative():
    from cstool.core.periods import relative_instant

    now = 1796137200  # Tuesday 2026-12-01 15:00 in Europe/Berlin (14:00 UTC)
    tz = "Europe/Berlin"
    midnight = 1796079600  # 2026-12-01 00:00 Europe/Berlin
    assert relative_instant("now", now, tz) == now
    assert relative_instant("Today", now, tz) == midnight
    assert relative_instant("yesterday", now, tz) == midnight - 86400
    assert relative_instant("-2h", now, tz) == now - 7200
    assert relative_instant("7d ago", now, tz) == relative_instant("7 days ago", now, tz) == now - 7 * 86400
    assert relative_instant("90 minutes ago", now, tz) == now - 5400
    assert relative_instant("last monday", now, tz) == midnight - 86400        # (Monday 30 November)
    assert relative_instant("last tuesday", now, tz) == midnight - 7 * 86400   # (today is a Tuesday)
    assert relative_instant("LAST  Sunday", now, tz) == midnight - 2 * 86400
    for absolute in ("2026-03-31T16:00:00Z", "2026-03-31", "soon", "-2 fortnights", "last year"):
        assert relative_instant(absolute, now, tz) is None
