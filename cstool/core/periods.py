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


_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
          "d": 86400, "day": 86400, "w": 604800, "week": 604800}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def relative_instant(text: str, now: int, tz: str) -> int | None:
    """`now`, `today`, `yesterday` (local midnights), `-2h`, `7d ago`, `3 days ago`, `last
    monday` (the midnight of the latest Monday before today), case-insensitive, as epoch
    seconds; None when `text` is none of these (an absolute instant, then)."""
    import re

    zone = ZoneInfo(tz)
    word = " ".join(text.strip().lower().split())
    today = datetime.fromtimestamp(now, zone).date()
    if word == "now":
        return now
    if word in ("today", "yesterday"):
        return _midnight(today - timedelta(days=word == "yesterday"), zone)
    match = re.fullmatch(r"-\s*(\d+)\s*([a-z]+)|(\d+)\s*([a-z]+)\s+ago", word)
    if match:
        amount, unit = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        seconds = _UNITS.get(unit.removesuffix("s") if unit not in _UNITS else unit)
        return None if seconds is None else now - int(amount) * seconds
    if word.startswith("last ") and word[5:] in _WEEKDAYS:
        back = (today.weekday() - _WEEKDAYS.index(word[5:]) - 1) % 7 + 1
        return _midnight(today - timedelta(days=back), zone)
    return None


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


def day_end(as_of: int, tz: str) -> int:
    """The next local midnight after `as_of` (the end of its day in `tz`)."""
    zone = ZoneInfo(tz)
    return _midnight(datetime.fromtimestamp(as_of, zone).date() + timedelta(days=1), zone)


def next_monday(as_of: int, tz: str, weeks: int = 0) -> int:
    """The first local Monday midnight after `as_of` (the start of the coming week in `tz`), or
    the Monday `weeks` weeks after it (before it, when negative)."""
    zone = ZoneInfo(tz)
    today = datetime.fromtimestamp(as_of, zone).date()
    return _midnight(today + timedelta(days=7 - today.weekday() + 7 * weeks), zone)


def last_days(as_of: int, tz: str, days: int) -> tuple[int, int]:
    """The `days` whole local days before the day of `as_of`: [midnight `days` days ago, today's midnight)."""
    zone = ZoneInfo(tz)
    today = datetime.fromtimestamp(as_of, zone).date()
    return _midnight(today - timedelta(days=days), zone), _midnight(today, zone)
