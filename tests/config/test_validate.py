"""cstool.config.validate: a document into a Config, and the errors that name file, table and key."""

from __future__ import annotations

import pytest

from cstool.config import parse_config
from cstool.core.errors import ConfigError
from cstool.core.sla.duration import Duration


def test_defaults_without_a_file_give_the_design_policy():
    config = parse_config({})
    assert config.timezone == "UTC"
    targets = config.policies[0].targets
    assert targets["urgent"]["first_response"] == Duration(3600)
    assert targets["low"]["resolution"] == Duration(5 * 86400)
    assert "24x7" in config.calendars


def test_last_policy_must_be_the_default():
    with pytest.raises(ConfigError, match="last policy"):
        parse_config({"sla": {"policies": [{"name": "a", "when": {"priority": ["urgent"]}}]}})
