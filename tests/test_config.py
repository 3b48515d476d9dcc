"""Config: validation messages, precedence, init/show/check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cstool.config import parse_config, resolve_settings
from cstool.core.errors import ConfigError
from cstool.core.sla.duration import Duration


def test_defaults_without_a_file_give_the_design_policy():
    config = parse_config({})
    assert config.timezone == "UTC"
    targets = config.policies[0].targets
    assert targets["urgent"]["first_response"] == Duration(3600)
    assert targets["low"]["resolution"] == Duration(5 * 86400)
    assert "24x7" in config.calendars


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


def test_last_policy_must_be_the_default():
    with pytest.raises(ConfigError, match="last policy"):
        parse_config({"sla": {"policies": [{"name": "a", "when": {"priority": ["urgent"]}}]}})


def test_sample_config_is_accepted(cli):
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "cstool.toml"
    result = cli("--config", sample, "config", "check")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("OK: ")
    assert "3 calendars, 3 SLA policies, 4 escalation tiers, time zone Europe/Berlin" in result.stdout


def test_precedence_flag_beats_env_beats_file_beats_default(tmp_path):
    (tmp_path / "cstool.toml").write_text('[store]\npath = "from-file.db"\n')
    app_dir = tmp_path / "app"
    env = {"CSTOOL_DB": "/tmp/from-env.db"}
    s = resolve_settings("/tmp/from-flag.db", None, env, tmp_path, app_dir)
    assert (str(s.db_path), s.origins["store.path"]) == ("/tmp/from-flag.db", "--db")
    s = resolve_settings(None, None, env, tmp_path, app_dir)
    assert (str(s.db_path), s.origins["store.path"]) == ("/tmp/from-env.db", "env CSTOOL_DB")
    s = resolve_settings(None, None, {}, tmp_path, app_dir)
    assert s.db_path == tmp_path / "from-file.db"
    (tmp_path / "cstool.toml").unlink()
    s = resolve_settings(None, None, {}, tmp_path, app_dir)
    assert (s.db_path, s.origins["store.path"]) == (tmp_path / "cstool.db", "default")


def test_config_file_search_order(tmp_path):
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "cstool.toml").write_text('[defaults]\ntimezone = "Asia/Tokyo"\n')
    assert resolve_settings(None, None, {}, tmp_path, app_dir).config.timezone == "Asia/Tokyo"
    (tmp_path / "cstool.toml").write_text('[defaults]\ntimezone = "Europe/Paris"\n')
    assert resolve_settings(None, None, {}, tmp_path, app_dir).config.timezone == "Europe/Paris"
    (tmp_path / "env.toml").write_text('[defaults]\ntimezone = "America/Chicago"\n')
    env = {"CSTOOL_CONFIG": str(tmp_path / "env.toml")}
    assert resolve_settings(None, None, env, tmp_path, app_dir).config.timezone == "America/Chicago"
    (tmp_path / "flag.toml").write_text('[defaults]\ntimezone = "Africa/Cairo"\n')
    assert resolve_settings(None, str(tmp_path / "flag.toml"), env, tmp_path, app_dir).config.timezone == "Africa/Cairo"


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
