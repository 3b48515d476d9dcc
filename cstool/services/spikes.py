"""Spike alerts over the store (docs/semantics.md#spike-alerts): the groups whose ticket volume
in the last window is significantly above the same window of the weeks before, and the customers
to contact first."""

from __future__ import annotations

from cstool.core.spikes import Spike, detect, windows_needed
from cstool.store import Store
from cstool.store import spikes as spike_store

DIMENSIONS = ("tag", "channel", "team", "priority")


def find_spikes(store: Store, as_of: int, width: int, dimensions: tuple[str, ...] = DIMENSIONS) -> list[Spike]:
    """Every spiking group of the dimensions at `as_of`, most significant first."""
    found: list[Spike] = []
    for dimension in dimensions:
        counts = spike_store.window_counts(store, dimension, as_of, width, windows_needed(width))
        found += detect(dimension, counts, width, as_of)
    found.sort(key=lambda s: (s.p_value, -s.observed, s.dimension, s.value))
    return found


def affected_customers(store: Store, spikes: list[Spike], as_of: int) -> list[dict]:
    """The customers of each spiking group (a ticket of it since the spike began, or open at
    `as_of`), once per group: who to contact before they write in."""
    out = []
    for spike in spikes:
        for customer_id, name, email, tier, tickets, latest in spike_store.group_customers(
                store, spike.dimension, spike.value, spike.window_start, as_of):
            out.append({"customer_id": customer_id, "name": name, "email": email, "tier": tier,
                        "dimension": spike.dimension, "value": spike.value, "tickets": tickets.split(" "),
                        "latest_ticket_at": latest})
    return out
