"""cstool.core.freshness: the data is stale when its newest ticket activity is older than
max_data_age at as_of, or when there is none; 0 turns the check off."""

from __future__ import annotations

from cstool.core.freshness import data_age

DAY = 86400


def test_the_age_is_from_the_newest_ticket_to_as_of_and_the_import_age_from_the_wall_clock():
    age = data_age(1000, 5000, as_of=1000 + DAY, now=5000 + 60, max_age=DAY + 7200)
    assert age == {"newest_ticket_at": 1000, "newest_import_at": 5000, "age_seconds": DAY,
                   "import_age_seconds": 60, "max_age_seconds": DAY + 7200, "stale": False}


def test_older_than_the_limit_or_no_data_at_all_is_stale_and_zero_never_is():
    assert data_age(0, 0, as_of=DAY + 1, now=DAY + 1, max_age=DAY)["stale"]
    assert not data_age(0, 0, as_of=DAY, now=DAY, max_age=DAY)["stale"]    # (at the limit: not yet)
    assert data_age(None, None, as_of=DAY, now=DAY, max_age=DAY)["stale"]
    assert not data_age(None, None, as_of=DAY, now=DAY, max_age=0)["stale"]
    assert not data_age(0, 0, as_of=400 * DAY, now=400 * DAY, max_age=0)["stale"]
