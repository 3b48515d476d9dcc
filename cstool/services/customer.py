"""The customer view: one customer's records from the store through core/customer."""

from __future__ import annotations

from cstool.core import customer as rules
from cstool.core.errors import InputMissing
from cstool.core.models import CustomerView
from cstool.services.sla import SlaEngine, refresh_clocks
from cstool.store import Store
from cstool.store import customer as customer_store


def customer_view(store: Store, engine: SlaEngine, ref: str, as_of: int) -> CustomerView:
    """Profile, health and the omnichannel timeline (newest first) of one customer."""
    customer = customer_store.find_customer(store, ref)
    if customer is None:
        raise InputMissing(f"no customer {ref!r} (looked up by id and by e-mail, case-insensitive)")
    refresh_clocks(store, engine)
    history = customer_store.customer_history(store, customer["id"], customer["email"], as_of)
    return rules.customer_view(customer, history["tickets"], history["events"], history["surveys"],
                               history["breached_tickets_90d"], as_of)
