"""The Python twin of the SQL ticket filters (services.sla._passes, used for tickets computed
live) selects what the SQL does (store.tickets.count_open_at with filters)."""

from __future__ import annotations

import pytest

from cstool.core.tickets import is_open_at
from cstool.services.sla import _passes
from cstool.store import open_store
from cstool.store import sla as sla_store
from cstool.store.tickets import count_open_at

AS_OF = 1774972800  # 2026-03-31T16:00:00Z


@pytest.mark.parametrize("filters", [{"team": "billing"}, {"team": "TECHNICAL", "priority": "high"},
                                     {"assignee": "dara kim"}, {"priority": "urgent"}, {"team": "nobody"}])
def test_the_live_filter_selects_what_the_sql_filter_does(demo_db, filters):
    with open_store(demo_db, create=False) as store:
        tickets = [t for t, _ in sla_store.tickets_with_events(store, None)]
        in_python = sum(1 for t in tickets if is_open_at(t, AS_OF) and _passes(t, filters))
        assert in_python == count_open_at(store, AS_OF, filters)
    assert filters.get("team") == "nobody" or in_python > 0


@pytest.mark.parametrize("policy", ["VIP", "standard", "Urgent around the clock"])
def test_the_policy_filter_counts_the_open_tickets_of_that_policy(demo_db, tmp_path, policy):
    """count_open_at's --policy filter (through the compact clock rows) against the policy each
    open ticket matches in Python."""
    import shutil

    from conftest import SAMPLE_CONFIG

    from cstool.config import load_config
    from cstool.core.sla.policy import match_policy
    from cstool.services.sla import SlaEngine, refresh_clocks

    config = load_config(SAMPLE_CONFIG)
    shutil.copy(demo_db, tmp_path / "d.db")  # (its clocks computed for the sample policies here)
    with open_store(tmp_path / "d.db", create=False) as store:
        refresh_clocks(store, SlaEngine(config))
        policies = config.policies
        tickets = [t for t, _ in sla_store.tickets_with_events(store, None)]
        in_python = sum(1 for t in tickets if is_open_at(t, AS_OF)
                        and match_policy(policies, t)[0].name.lower() == policy.lower())
        assert in_python == count_open_at(store, AS_OF, {"policy": policy})
    assert in_python > 0
