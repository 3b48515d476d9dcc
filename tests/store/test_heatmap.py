"""store/heatmap.cell_sql, the SQL twin of core/formats.hour_of_week, on instants across the
changes of clocks of zones with whole, half-hour and 45-minute offsets."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime

import pytest

from cstool.core.formats import hour_of_week
from cstool.store.heatmap import cell_sql

LO, HI = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp()), int(datetime(2027, 1, 1, tzinfo=UTC).timestamp())


@pytest.mark.parametrize("tz", ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe",
                                "Pacific/Chatham", "America/St_Johns"])
def test_the_sql_hour_of_week_is_the_python_one(tz):
    rng = random.Random(tz)
    instants = [rng.randrange(LO, HI) for _ in range(3000)]
    # and every quarter hour around each change of offset in 2026
    from cstool.core.formats import offset_spans

    for start, _, _ in offset_spans(tz, LO, HI)[1:]:
        instants += [start + k * 900 - 1 for k in range(-8, 9)] + [start + k * 900 for k in range(-8, 9)]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?)", [(x,) for x in instants])
    got = [row[0] for row in conn.execute(f"SELECT {cell_sql('x', tz, LO, HI)} FROM t ORDER BY rowid")]
    assert got == [hour_of_week(x, tz) for x in instants]
