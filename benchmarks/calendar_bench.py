"""N deadlines and N elapsed times on a lunch-break calendar with holidays, in one process; with
`--night`, on a calendar that also has night windows (crossing midnight) and per-date hours.

    python benchmarks/calendar_bench.py 1000000 [--night]
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from cstool.core.sla.calendar import BusinessCalendar, CalendarSpec, parse_day_windows

n = int(next((a for a in sys.argv[1:] if a.isdigit()), 1_000_000))
day = parse_day_windows(["09:00-12:00", "13:00-17:30"])
week = (day,) * 5 + ((), ())
dates: tuple = ()
if "--night" in sys.argv:
    night = parse_day_windows(["09:00-12:00", "13:00-17:30", "22:00-06:00"])
    week = (parse_day_windows(["09:00-12:00", "13:00-17:30"]),) + (night,) * 4 + (parse_day_windows("10:00-14:00"), ())
    half, sunday = parse_day_windows("09:00-12:00"), parse_day_windows("10:00-14:00")
    dates = tuple(sorted([(date(y, 12, 30), half) for y in (2026, 2027)] + [(date(y, 12, 31), ()) for y in (2026, 2027)]
                         + [(date(2027, 12, 26), sunday)]))
spec = CalendarSpec("bench", "Europe/Berlin", week, frozenset({date(2026, 12, 24)}), "DE", "BE", dates)
calendar = BusinessCalendar(spec)
rng = random.Random(1)
starts = [1767225600 + rng.randrange(2 * 365 * 86400) for _ in range(n)]
spans = [rng.randrange(1, 30 * 86400) for _ in range(n)]
t0 = time.perf_counter()
dues = [calendar.add(s, d) for s, d in zip(starts, spans)]
t1 = time.perf_counter()
elapsed = [calendar.between(s, s + d) for s, d in zip(starts, spans)]
t2 = time.perf_counter()
print(f"{n:,} add: {t1 - t0:.2f} s, {n:,} between: {t2 - t1:.2f} s", file=sys.stderr)
