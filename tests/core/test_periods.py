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
