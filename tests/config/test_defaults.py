"""cstool.config.defaults: one statement of the defaults. The document `config init` writes,
parsed by the validator, gives the same objects as a run without a config file."""

from __future__ import annotations

import dataclasses
import tomllib

import tomli_w

from cstool.config import default_config, default_config_dict, parse_config
from cstool.config.defaults import POLICY_DEFAULTS
from cstool.core.sla.duration import Duration


def test_the_written_default_file_parses_to_the_built_in_defaults():
    written = tomllib.loads(tomli_w.dumps(default_config_dict()))
    assert written == default_config_dict()
    from_file = parse_config(written, "cstool.toml")
    assert dataclasses.replace(from_file, store_path=None) == default_config() == parse_config({})
    assert from_file.store_path == "cstool.db"


def test_the_defaults_by_value():
    config = default_config()
    assert (config.timezone, config.busy_timeout, list(config.calendars)) == ("UTC", 30, ["24x7"])
    (policy,) = config.policies
    assert (policy.name, policy.calendar, policy.at_risk, policy.pause) == (
        "default", "24x7", 0.25, {"resolution": ("pending", "on_hold")})
    assert policy.targets["urgent"] == {"first_response": Duration(3600), "resolution": Duration(4 * 3600)}
    assert policy.targets["low"] == {"first_response": Duration(86400), "resolution": Duration(5 * 86400)}
    assert [t.name for t in config.tiers] == ["Tier 1", "Tier 2", "Team lead", "Management"]
    assert config.tiers[1].rules[1].unassigned_for == Duration(1800)
    assert (config.mail.host, config.mail.port, config.mail.security, config.mail.sender, config.mail.to) == (
        "localhost", 587, "starttls", "cstool@localhost", ())


def test_a_policy_takes_the_policy_defaults_for_what_it_leaves_out():
    config = parse_config({"sla": {"policies": [{"name": "p", "targets": {"high": {"resolution": "2h"}}}]}})
    (policy,) = config.policies
    assert (policy.calendar, policy.at_risk) == ("24x7", 0.25)
    assert policy.pause == {k: tuple(v) for k, v in POLICY_DEFAULTS["pause"].items()}


def test_ssl_changes_the_default_port_only():
    assert parse_config({"mail": {"security": "ssl"}}).mail.port == 465
    assert parse_config({"mail": {"security": "ssl", "port": 2465}}).mail.port == 2465
