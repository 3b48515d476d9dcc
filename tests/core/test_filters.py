"""cstool.core.filters: a filter value is one the data can have, or the user hears why not."""

from __future__ import annotations

import pytest

from cstool.core.errors import UsageError
from cstool.core.filters import choice, unmatched
from cstool.core.ingest.vocab import PRIORITY
from cstool.core.models import PRIORITIES


def test_a_choice_is_read_without_regard_to_case_and_through_the_import_vocabulary():
    assert choice("--priority", "URGENT", PRIORITIES, PRIORITY) == "urgent"
    assert choice("--priority", " critical ", PRIORITIES, PRIORITY) == "urgent"
    assert choice("--policy", "vip", ["VIP", "Standard"]) == "VIP"
    assert choice("--policy", None, ["VIP"]) is None


def test_a_value_outside_the_choices_is_a_usage_error_naming_them_and_the_nearest():
    with pytest.raises(UsageError) as err:
        choice("--priority", "urgnet", PRIORITIES, PRIORITY)
    assert str(err.value) == ("--priority 'urgnet': no such value (did you mean 'urgent'?); "
                              "valid values: urgent, high, normal, low")
    with pytest.raises(UsageError, match=r"^--tier 'x': no such value; valid values: none are configured$"):
        choice("--tier", "x", [])


def test_a_free_value_that_matches_nothing_names_the_closest_existing_ones():
    teams = ["Billing", "Technical", "Onboarding", None]
    assert unmatched("--team", "billing", teams) is None
    assert unmatched("--team", None, teams) is None
    assert unmatched("--team", "Bilxing", teams) == "--team 'Bilxing' matches no ticket in the store; closest: Billing"
    assert unmatched("--team", "zzz", teams) == "--team 'zzz' matches no ticket in the store; there are 3 in the store"
