"""`cstool config init | show | check`."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLE_CONFIG


@pytest.mark.parametrize("text, needle", [
    ('[defaults]\ntimezon = "UTC"\n', "[defaults] timezon = 'UTC': expected one of the known keys: timezone"),
    ('[defaults]\ntimezone = "Mars/Base"\n', "[defaults] timezone = 'Mars/Base': expected an IANA time zone"),
    ('[[sla.policies]]\nname = "x"\n[sla.policies.targets]\nhigh = { resolution = "4 hours" }\n',
     "[sla.policies.1.targets.high] resolution = '4 hours': expected a duration such as 90s, 30m"),
    ('[calendars.support]\nhours = { mon = "9-17" }\n', "[calendars.support.hours] mon = '9-17'"),
    ('[[sla.policies]]\nname = "x"\ncalendar = "nope"\n', "[sla.policies.1] calendar = 'nope'"),
    ('[[escalation.tiers]]\nname = "T2"\nrules = [{ reopen = 2 }]\n', "tier 'T2'"),
    ('[mail]\nsecurity = "tls"\n', "[mail] security = 'tls': expected one of starttls, ssl, none"),
])
def test_config_check_names_key_and_expected_form(cli, tmp_path, text, needle):
    (tmp_path / "cstool.toml").write_text(text)
    result = cli("config", "check")
    assert result.exit_code == 78
    assert needle in result.stderr
    assert str(tmp_path / "cstool.toml") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sample_config_is_accepted(cli):
    sample = SAMPLE_CONFIG
    result = cli("--config", sample, "config", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "3 calendars, 3 SLA policies, 4 escalation tiers, time zone Europe/Berlin" in result.stdout


def test_missing_config_file_named_by_flag_is_an_error(cli):
    result = cli("--config", "nope.toml", "config", "check")
    assert result.exit_code == 78
    assert "nope.toml: config file not found (given by --config)" in result.stderr


def test_init_writes_a_file_that_checks_and_refuses_to_overwrite(cli, tmp_path):
    assert cli("config", "init").exit_code == 0
    assert cli("config", "check").exit_code == 0
    again = cli("config", "init")
    assert again.exit_code == 73 and "--force" in again.stderr
    assert cli("config", "init", "--force").exit_code == 0


def test_show_tells_where_each_value_came_from(cli, tmp_path, monkeypatch):
    (tmp_path / "cstool.toml").write_text('[defaults]\ntimezone = "Europe/Berlin"\n')
    monkeypatch.setenv("CSTOOL_SMTP_PASSWORD", "hunter2")
    result = cli("--db", "x.db", "config", "show", "--format", "json")
    rows = {r["key"]: r for r in json.loads(result.stdout)}
    assert rows["defaults.timezone"]["value"] == "Europe/Berlin"
    assert rows["defaults.timezone"]["source"].startswith("file ")
    assert rows["store.path"] == {"key": "store.path", "value": "x.db", "source": "--db"}
    assert rows["mail.port"]["source"] == "default"
    assert rows["mail.password"]["value"] == "******"
    assert "hunter2" not in result.stdout


def test_night_windows_and_dates_in_check_and_show(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text('[calendars.n]\ntimezone = "Europe/Berlin"\nhours = { fri = "22:00-06:00" }\n'
                                          '[calendars.n.dates]\n"2026-12-24" = "09:00-12:00"\n')
    assert cli("config", "check").exit_code == 0
    shown = {row["key"]: row["value"] for row in json.loads(cli("config", "show", "--format", "json").stdout)}
    assert shown["calendars.n.hours.fri"] == "22:00-06:00"
    assert shown["calendars.n.dates.2026-12-24"] == "09:00-12:00"
    (tmp_path / "cstool.toml").write_text('[calendars.n]\nhours = { fri = "22:00-06:00", sat = "05:00-07:00" }\n')
    result = cli("config", "check")
    assert result.exit_code == 78
    assert "[calendars.n.hours] sat = '05:00-07:00': expected windows that do not overlap the night from fri" in \
        result.stderr
