"""Rules about a ticket as a whole. Pure; `cstool.store.tickets` holds their SQL twins (a test
compares the two on the same data).

Open at T: a ticket is open at instant T when it was created before T (or has no creation
time) and was not yet finally resolved at T. Its resolution instant is `resolution_at` (the
export's resolved time, else its closed time); a ticket without one is open unless its status
is solved or closed. Pending and on-hold tickets are open. This is the backlog of the KPIs and
the report, the `open` count of `sla check` and the open tickets of the customer view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CLOSED_STATUSES = ("solved", "closed")


def is_open_at(ticket: Mapping[str, Any], at: int) -> bool:
    """Whether the ticket is open at instant `at` (see the module's rule)."""
    created, resolved = ticket.get("created_at"), ticket.get("resolution_at")
    if created is not None and created >= at:
        return False
    if resolved is not None:
        return bool(resolved >= at)
    return ticket.get("status") not in CLOSED_STATUSES
