"""Formatting single values for humans (tables, text) and machines (json, csv)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cstool.core.sla.duration import format_seconds


def iso_instant(epoch: int | None, tz: str = "UTC") -> str | None:
    """Epoch seconds -> ISO-8601 with the zone's offset (`2026-03-31T18:00:00+02:00`)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, ZoneInfo(tz)).isoformat()


def local_time(epoch: int | None, tz: str = "UTC") -> str:
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def human(value, kind: str, tz: str = "UTC") -> str:
    """One cell for a table: local times, `2h 15m` durations, `91.2%`."""
    if value is None:
        return ""
    if kind == "time":
        return local_time(value, tz)
    if kind == "duration":
        return format_seconds(value)
    if kind == "pct":
        return f"{value:.1f}%"
    if kind == "number" and isinstance(value, float):
        return f"{value:,.2f}"
    if kind == "number" and isinstance(value, int):
        return f"{value:,}"
    return str(value)
