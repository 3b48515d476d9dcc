"""Report periods: half-open [since, until) in a time zone, named or explicit. Pure.

Named periods are relative to `as_of`: yesterday, last-7d (the seven whole days before today),
last-week (the previous ISO week, Monday to Monday), mtd / qtd / ytd (from the start of the
month / quarter / year to as_of), last-month, all (everything before as_of).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

NIGHTLY = "last-7d"  # the period of the nightly summary: `cstool report` by default, and `cstool demo`
NAMED = ("yesterday", "last-7d", "last-week", "mtd", "last-month", "qtd", "ytd", "all")
STEPS = {"day": relativedelta(days=1), "week": relativedelta(weeks=1), "month": relativedelta(months=1)}


def _midnight(d: date, zone: ZoneInfo) -> int:
    return int(datetime(d.year, d.month, d.day, tzinfo=zone).timestamp())


def named_period(name: str, as_of: int, tz: str, first: int | None = None) -> tuple[int, int]:
    zone = ZoneInfo(tz)
    today = datetime.fromtimestamp(as_of, zone).date()
    if name == "yesterday":
        return _midnight(today - timedelta(days=1), zone), _midnight(today, zone)
    if name == "last-7d":
        return _midnight(today - timedelta(days=7), zone), _midnight(today, zone)
    if name == "last-week":
        monday = today - timedelta(days=today.weekday())
        return _midnight(monday - timedelta(days=7), zone), _midnight(monday, zone)
    if name == "mtd":
        return _midnight(today.replace(day=1), zone), as_of
    if name == "last-month":
        start = today.replace(day=1)
        return _midnight(start - relativedelta(months=1), zone), _midnight(start, zone)
    if name == "qtd":
        return _midnight(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), zone), as_of
    if name == "ytd":
        return _midnight(date(today.year, 1, 1), zone), as_of
    if name == "all":
        return (first if first is not None else 0), as_of
    raise ValueError(f"unknown period {name!r}; expected one of {', '.join(NAMED)}")


def split(since: int, until: int, unit: str, tz: str) -> list[tuple[str, int, int]]:
    """Calendar days, ISO weeks or months covering [since, until), clipped to it: (label, start, end)."""
    zone = ZoneInfo(tz)
    day = datetime.fromtimestamp(since, zone).date()
    if unit == "week":
        day -= timedelta(days=day.weekday())
    elif unit == "month":
        day = day.replace(day=1)
    out = []
    while _midnight(day, zone) < until:
        nxt = day + STEPS[unit]
        start, end = max(_midnight(day, zone), since), min(_midnight(nxt, zone), until)
        label = {"day": day.isoformat(), "week": f"{day.isocalendar()[0]}-W{day.isocalendar()[1]:02d}",
                 "month": day.strftime("%Y-%m")}[unit]
        if end > start:
            out.append((label, start, end))
        day = nxt
    return out


def previous(since: int, until: int) -> tuple[int, int]:
    """The previous period of equal length."""
    return since - (until - since), since
