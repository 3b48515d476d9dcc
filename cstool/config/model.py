"""The resolved configuration as frozen dataclasses (every value already validated)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cstool.core.escalation import Tier
from cstool.core.sla.calendar import CalendarSpec
from cstool.core.sla.policy import Policy


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int
    security: str                       # starttls | ssl | none
    username: str
    sender: str                         # the `from` key
    to: tuple[str, ...]
    teams: tuple[tuple[str, tuple[str, ...]], ...] = ()  # [[mail.teams]]: (team, its recipients)


@dataclass(frozen=True)
class Config:
    timezone: str
    store_path: str | None
    busy_timeout: int                   # seconds
    calendars: dict[str, CalendarSpec]
    policies: tuple[Policy, ...]
    tiers: tuple[Tier, ...]
    mail: MailConfig
    max_data_age: int = 26 * 3600       # seconds; 0 = never warn (docs/semantics.md#data-age)


@dataclass(frozen=True)
class Settings:
    """The resolved configuration plus the origin of each top-level setting."""

    config: Config
    config_path: Path | None
    db_path: Path
    origins: dict[str, str]
