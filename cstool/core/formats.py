"""Instants and durations as text, one way each: ISO-8601 in, ISO-8601 or local wall time out,
and `2h 15m` durations. Pure (time zones are named, never read from the machine)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

DAY_SECONDS = 86400
_UNITS = (("d", DAY_SECONDS), ("h", 3600), ("m", 60), ("s", 1))


class FractionalSeconds(ValueError):
    """An instant with a fraction of a second: instants are whole seconds."""


def parse_iso(text: str, tz: str | ZoneInfo) -> int:
    """An ISO-8601 date or instant (`Z` or `z` for UTC) as epoch seconds; naive values are wall
    time in `tz`. Raises ValueError for anything else, fractions of a second included (instants
    are whole seconds: a fraction would be dropped without a word)."""
    value = text.strip()
    if value.endswith("z"):
        value = value[:-1] + "Z"
    dt = datetime.fromisoformat(value)
    if dt.microsecond:
        raise FractionalSeconds(f"{text!r}: fractions of a second are not supported; give whole seconds")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz))
    return int(dt.timestamp())


def iso_instant(epoch: int | None, tz: str = "UTC") -> str | None:
    """Epoch seconds -> ISO-8601 with the zone's offset (`2026-03-31T18:00:00+02:00`)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, ZoneInfo(tz)).isoformat()


def local_time(epoch: int | None, tz: str = "UTC") -> str:
    """Epoch seconds -> local wall time to the minute (`2026-03-31 18:00`); '' for None."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def format_seconds(seconds: int | float, compact: bool = False) -> str:
    """`8100` -> `2h 15m` (the largest two units); `compact` keeps every unit, without spaces:
    `2h15m`."""
    sign = "-" if seconds < 0 else ""
    rest = int(abs(seconds))
    parts: list[str] = []
    for unit, size in _UNITS:
        if rest >= size or (unit == "s" and not parts):
            parts.append(f"{rest // size}{unit}")
            rest %= size
    if not compact:
        parts = parts[:2]
    return sign + ("" if compact else " ").join(parts)


def offset_spans(tz: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """The zone's UTC offsets over [lo, hi): (from, offset seconds, offset as `iso_instant`
    writes it), the first from `lo`, each lasting until the next one's start. (For writing many
    instants at once: the wall time is the instant plus its span's offset.)"""
    zone = ZoneInfo(tz)

    def offset(at: int) -> int:
        found = datetime.fromtimestamp(at, zone).utcoffset()
        return int(found.total_seconds()) if found is not None else 0

    def text(at: int) -> str:
        return datetime.fromtimestamp(at, zone).isoformat()[19:]

    spans = [(lo, offset(lo), text(lo))]
    step = DAY_SECONDS // 4  # (no zone changes its offset twice within six hours)
    at = lo
    while at < hi:
        nxt = min(at + step, hi)
        if offset(nxt) != spans[-1][1] or text(nxt) != spans[-1][2]:
            a, b = at, nxt  # the change is in (a, b]: find its first second
            while b - a > 1:
                mid = (a + b) // 2
                a, b = (mid, b) if offset(mid) == spans[-1][1] and text(mid) == spans[-1][2] else (a, mid)
            spans.append((b, offset(b), text(b)))
        at = nxt
    return spans


def hour_of_week(epoch: int, tz: str) -> int:
    """The local hour of the week of an instant in `tz`: 0 = Monday 00:00-01:00 ... 167."""
    local = datetime.fromtimestamp(epoch, ZoneInfo(tz))
    return local.weekday() * 24 + local.hour
