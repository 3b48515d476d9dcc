"""N deadlines and N elapsed times on a lunch-break calendar with holidays, in one process.

    python benchmarks/calendar_bench.py 1000000
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date

from cstool.core.sla.calendar import BusinessCalendar, CalendarSpec, parse_day_windows

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
day = parse_day_windows(["09:00-12:00", "13:00-17:30"])
spec = CalendarSpec("bench", "Europe/Berlin", (day,) * 5 + ((), ()), frozenset({date(2026, 12, 24)}), "DE", "BE")
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
