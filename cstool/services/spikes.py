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
    """The customers of the spiking groups (a ticket of the group since its spike began, or one
    open at `as_of`), each once with every group and ticket: who to contact before they write
    in. Latest ticket first."""
    found: dict[str, dict] = {}
    for spike in spikes:
        group = f"{spike.dimension}={spike.value}"
        for customer_id, name, email, tier, ticket, created in spike_store.group_customers(
                store, spike.dimension, spike.value, spike.window_start, as_of):
            entry = found.setdefault(customer_id, {"customer_id": customer_id, "name": name, "email": email,
                                                   "tier": tier, "groups": [], "tickets": [],
                                                   "latest_ticket_at": created})
            if group not in entry["groups"]:
                entry["groups"].append(group)
            if ticket not in entry["tickets"]:
                entry["tickets"].append(ticket)
            entry["latest_ticket_at"] = max(entry["latest_ticket_at"], created)
    return sorted(found.values(), key=lambda c: (-c["latest_ticket_at"], c["customer_id"]))
