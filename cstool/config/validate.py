"""Validating a TOML document into a Config: every error is one line naming the file, the
table, the key, the bad value and the expected form (ConfigError, exit 78); unknown keys are
errors. Keys the document leaves out take the built-in defaults (`defaults.py`), parsed by the
same code."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cstool.config.defaults import MAIL_SECURITY, POLICY_DEFAULTS, SSL_PORT, default_of
from cstool.config.model import Config, MailConfig
from cstool.core.errors import ConfigError
from cstool.core.escalation import RULE_KEYS, Rule, Tier
from cstool.core.models import PRIORITIES, STATUSES, TICKET_FIELDS
from cstool.core.sla.calendar import (
    ALWAYS_OPEN,
    WEEKDAYS,
    CalendarSpec,
    Windows,
    carried,
    check_disjoint,
    parse_day_windows,
)
from cstool.core.sla.duration import EXPECTED as DURATION_FORM
from cstool.core.sla.duration import Duration, parse_duration, parse_share
from cstool.core.sla.policy import METRICS, Policy


def parse_config(data: Mapping[str, Any], source: str = "<config>") -> Config:
    """Validate a TOML document (as a dict) into a Config; raise ConfigError on the first problem."""
    v = _Validator(source)
    v.keys("", data, ("defaults", "store", "calendars", "sla", "escalation", "mail"))
    defaults = v.table("", data, "defaults", ("timezone",))
    timezone = v.timezone("defaults", defaults, "timezone", default_of("defaults", "timezone"))
    store = v.table("", data, "store", ("path", "busy_timeout", "max_data_age"))
    store_path = v.string("store", store, "path", None)  # unset: ./cstool.db beside the working directory
    busy = v.duration("store", store, "busy_timeout", parse_duration(default_of("store", "busy_timeout")))
    max_age = 0 if store.get("max_data_age") in ("0", 0) else v.duration(
        "store", store, "max_data_age", parse_duration(default_of("store", "max_data_age"))).seconds
    calendars = {"24x7": ALWAYS_OPEN}
    for name, table in v.table("", data, "calendars", None).items():
        calendars[name] = v.calendar(name, table)
    sla = v.table("", data, "sla", ("policies",))
    if "policies" in sla:
        policies = tuple(v.policy(i, p, calendars) for i, p in enumerate(v.array("sla", sla, "policies")))
        if not policies:
            raise ConfigError(f"{source}: [sla] policies: expected at least one policy")
        if policies[-1].when:
            v.fail(f"sla.policies.{len(policies)}", "when", policies[-1].when,
                   "no `when` on the last policy: it is the default for every other ticket")
    else:
        policies = tuple(v.policy(i, p, calendars) for i, p in enumerate(default_of("sla", "policies")))
    esc = v.table("", data, "escalation", ("tiers",))
    tier_tables = v.array("escalation", esc, "tiers") if "tiers" in esc else default_of("escalation", "tiers")
    tiers = tuple(v.tier(i, t) for i, t in enumerate(tier_tables))
    mail = v.mail(v.table("", data, "mail", ("host", "port", "security", "username", "from", "to", "teams")))
    return Config(timezone=timezone, store_path=store_path, busy_timeout=busy.seconds,
                  calendars=calendars, policies=policies, tiers=tiers, mail=mail, max_data_age=max_age)


SECRET_WORDS = ("password", "passwd", "token", "secret", "key", "credential")


def _secret(name: str) -> bool:
    """Whether a key is named like a secret: its value is never printed, whatever the error."""
    return any(word in str(name).lower() for word in SECRET_WORDS)


def default_config() -> Config:
    """The configuration of a run without a config file (the default document with its store
    path left unset, so that the store is found beside the working directory)."""
    return parse_config({}, "built-in defaults")


class _Validator:
    """Small typed accessors that raise one-line ConfigErrors naming file, table and key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, table: str, key: str, value: Any, expected: str) -> NoReturn:
        where = f"[{table}] " if table else ""
        shown = "(value not shown)" if _secret(key) else repr(value)
        raise ConfigError(f"{self.source}: {where}{key} = {shown}: expected {expected}")

    def keys(self, table: str, data: Mapping, allowed) -> None:
        for key in data:
            if key not in allowed:
                self.fail(table, key, data[key], "one of the known keys: " + ", ".join(allowed)
                          + " (unknown key, check the spelling)")

    def table(self, parent: str, data: Mapping, key: str, allowed) -> dict:
        value = data.get(key, {})
        name = f"{parent}.{key}" if parent else key
        if not isinstance(value, dict):
            self.fail(parent, key, value, "a table")
        if allowed is not None:
            self.keys(name, value, allowed)
        return value

    def array(self, table: str, data: Mapping, key: str) -> list:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            self.fail(table, key, value, "an array of tables ([[...]])")
        return value

    def string(self, table: str, data: Mapping, key: str, default):
        value = data.get(key, default)
        if value is not None and not isinstance(value, str):
            self.fail(table, key, value, "a string")
        return value

    def strings(self, table: str, data: Mapping, key: str, allowed=None) -> tuple[str, ...] | None:
        if key not in data:
            return None
        value = data[key]
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(x, str) for x in items):
            self.fail(table, key, value, "a string or a list of strings")
        for item in items:
            if allowed is not None and item not in allowed:
                self.fail(table, key, item, "one of " + ", ".join(allowed))
        return tuple(items)

    def timezone(self, table: str, data: Mapping, key: str, default: str) -> str:
        value = self.string(table, data, key, default)
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.fail(table, key, value, "an IANA time zone such as \"Europe/Berlin\" or \"UTC\"")
        return value

    def duration(self, table: str, data: Mapping, key: str, default: Duration | None):
        if key not in data:
            return default
        try:
            return parse_duration(data[key])
        except ValueError:
            self.fail(table, key, data[key], DURATION_FORM)

    def calendar(self, name: str, data: Any) -> CalendarSpec:
        table = f"calendars.{name}"
        if not isinstance(data, dict):
            self.fail("calendars", name, data, "a table")
        if name == "24x7":
            self.fail("calendars", name, data, "another name: 24x7 is built in")
        self.keys(table, data, ("timezone", "hours", "holidays", "holiday_country", "holiday_subdivision", "dates"))
        tz = self.timezone(table, data, "timezone", "UTC")
        hours = self.table(table, data, "hours", WEEKDAYS)
        windows: list[Windows] = []
        for day in WEEKDAYS:
            try:
                windows.append(parse_day_windows(hours.get(day, [])))
            except (ValueError, TypeError, AttributeError) as exc:
                self.fail(f"{table}.hours", day, hours.get(day), f"windows such as \"09:00-17:30\" ({exc})")
        if not any(windows):
            self.fail(table, "hours", hours, "at least one day with windows, e.g. { mon = \"09:00-17:00\" }")
        for i, day in enumerate(WEEKDAYS):  # a night window must not run into the next day's first window
            following = WEEKDAYS[(i + 1) % 7]
            self._no_overlap(f"{table}.hours", following, hours.get(following), carried(windows[i]),
                             windows[(i + 1) % 7], f"the night from {day}")
        holidays = set()
        for item in data.get("holidays", []):
            try:
                holidays.add(item if isinstance(item, date) else date.fromisoformat(item))
            except (ValueError, TypeError):
                self.fail(table, "holidays", item, "dates such as \"2026-12-25\"")
        dates = self.dates(table, data, tuple(windows), holidays)
        country = self.string(table, data, "holiday_country", None)
        subdivision = self.string(table, data, "holiday_subdivision", None)
        if country:
            import holidays as holidays_lib

            try:
                holidays_lib.country_holidays(country, subdiv=subdivision)
            except NotImplementedError as exc:
                self.fail(table, "holiday_country", f"{country}/{subdivision}",
                          f"a country and subdivision the holidays package knows ({exc})")
        return CalendarSpec(name=name, timezone=tz, hours=tuple(windows), holidays=frozenset(holidays),
                            holiday_country=country, holiday_subdivision=subdivision, dates=dates)

    def dates(self, table: str, data: Mapping, weekly: tuple[Windows, ...], holidays: set[date]
              ) -> tuple[tuple[date, Windows], ...]:
        """`[calendars.NAME.dates]`: local date -> that date's windows (or "closed"), replacing its weekday's."""
        sub = f"{table}.dates"
        found: dict[date, Windows] = {}
        for key, value in self.table(table, data, "dates", None).items():
            try:
                day = key if isinstance(key, date) else date.fromisoformat(str(key))
            except ValueError:
                self.fail(sub, key, value, "a date such as \"2026-12-24\" as the key")
            if day in holidays:
                self.fail(sub, key, value, "a date that is not also in `holidays` (which of the two applies "
                          "would be ambiguous)")
            try:
                found[day] = parse_day_windows(value)
            except (ValueError, TypeError, AttributeError) as exc:
                self.fail(sub, key, value, f"windows such as \"09:00-12:00\", a list of them, or \"closed\" ({exc})")
        for day, own in found.items():
            before = found.get(day - timedelta(days=1), weekly[(day.weekday() - 1) % 7])
            after = found.get(day + timedelta(days=1), weekly[(day.weekday() + 1) % 7])
            self._no_overlap(sub, day.isoformat(), data["dates"].get(day.isoformat(), own), carried(before), own,
                             "the night before")
            self._no_overlap(sub, day.isoformat(), data["dates"].get(day.isoformat(), own), carried(own), after,
                             "its night, into the next day")
        return tuple(sorted(found.items()))

    def _no_overlap(self, table: str, key: str, value: Any, carried_in: list[tuple[int, int]], own: Windows,
                    what: str) -> None:
        try:
            check_disjoint(carried_in + list(own))
        except ValueError as exc:
            self.fail(table, key, value, f"windows that do not overlap {what} ({exc})")

    def policy(self, index: int, data: dict, calendars: Mapping[str, CalendarSpec]) -> Policy:
        table = f"sla.policies.{index + 1}"
        self.keys(table, data, ("name", "when", "calendar", "at_risk", "pause", "targets"))
        name = self.string(table, data, "name", f"policy {index + 1}")
        when: dict[str, tuple[str, ...]] = {}
        for field_name in self.table(table, data, "when", TICKET_FIELDS):
            when[field_name] = self.strings(f"{table}.when", data["when"], field_name) or ()
        data = {**POLICY_DEFAULTS, **data}
        calendar = self.string(table, data, "calendar", None)
        if calendar not in calendars:
            self.fail(table, "calendar", calendar, "a calendar defined under [calendars] or \"24x7\"")
        at_risk_text = data["at_risk"]
        try:
            at_risk = parse_share(at_risk_text)
        except ValueError:
            self.fail(table, "at_risk", at_risk_text, "a share such as \"25%\" or a duration such as \"1h\"")
        pause: dict[str, tuple[str, ...]] = {}
        for metric in self.table(table, data, "pause", METRICS):
            pause[metric] = self.strings(f"{table}.pause", data["pause"], metric, STATUSES) or ()
        targets = {}
        for priority, metrics in self.table(table, data, "targets", PRIORITIES).items():
            sub = f"{table}.targets.{priority}"
            if not isinstance(metrics, dict):
                self.fail(f"{table}.targets", priority, metrics, "a table of metric = duration")
            self.keys(sub, metrics, METRICS)
            targets[priority] = {m: self.duration(sub, metrics, m, None) for m in metrics}
        return Policy(name=name, calendar=calendar, when=when, at_risk=at_risk, pause=pause, targets=targets)

    def tier(self, index: int, data: dict) -> Tier:
        table = f"escalation.tiers.{index + 1}"
        self.keys(table, data, ("name", "rules"))
        name = self.string(table, data, "name", None)
        if not name:
            self.fail(table, "name", name, "a tier name such as \"Tier 2\"")
        rules = []
        for j, rule in enumerate(self.array(table, data, "rules")):
            rules.append(self.rule(f"{table}.rules.{j + 1} (tier {name!r})", rule))
        return Tier(name=name, rules=tuple(rules))

    def rule(self, table: str, data: dict) -> Rule:
        self.keys(table, data, tuple(RULE_KEYS))
        if not data or set(data) == {"metric"}:
            self.fail(table, "rule", data, "at least one condition: " + ", ".join(RULE_KEYS))
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            expected = RULE_KEYS[key]
            try:
                if key == "metric":
                    if value not in METRICS + ("any",):
                        raise ValueError
                    kwargs[key] = value
                elif key in ("sla_used", "breach_probability"):
                    share = parse_share(value)
                    if not isinstance(share, float):
                        raise ValueError
                    kwargs[key] = share
                elif key in ("breached_for", "unassigned_for", "age"):
                    kwargs[key] = parse_duration(value)
                elif key in ("reopens", "csat_at_most"):
                    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                        raise ValueError
                    kwargs[key] = value
                elif key == "nps_detractor":
                    if value is not True:
                        raise ValueError
                    kwargs[key] = True
                else:
                    kwargs[key] = self.strings(table, data, key,
                                               PRIORITIES if key == "priority" else None)
            except ValueError:
                self.fail(table, key, value, expected)
        return Rule(**kwargs)

    def mail(self, data: dict) -> MailConfig:
        security = self.string("mail", data, "security", default_of("mail", "security"))
        if security not in MAIL_SECURITY:
            self.fail("mail", "security", security, "one of " + ", ".join(MAIL_SECURITY))
        port = data.get("port", SSL_PORT if security == "ssl" else default_of("mail", "port"))
        if not isinstance(port, int) or not 0 < port < 65536:
            self.fail("mail", "port", port, "a port number such as 587")
        to = self.strings("mail", data, "to") or ()
        text = {key: self.string("mail", data, key, default_of("mail", key)) for key in ("host", "username", "from")}
        teams = []
        for i, team in enumerate(self.array("mail", data, "teams")):
            table = f"mail.teams.{i + 1}"
            self.keys(table, team, ("name", "to"))
            name, recipients = self.string(table, team, "name", ""), self.strings(table, team, "to") or ()
            if not name or not recipients:
                self.fail(table, "name" if not name else "to", team, "a team name and its recipients: "
                          "{ name = \"Billing\", to = [\"billing-lead@example.com\"] }")
            teams.append((name, recipients))
        addresses = [*to, *(a for _, rs in teams for a in rs)]
        for key, value in [*(("to", address) for address in addresses), *text.items()]:
            if "\r" in value or "\n" in value:  # (a header injection)
                self.fail("mail", key, value, "one line, without CR or LF")
        return MailConfig(host=text["host"], port=port, security=security, username=text["username"],
                          sender=text["from"], to=to, teams=tuple(teams))
