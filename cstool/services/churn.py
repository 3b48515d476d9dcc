"""Churn after a bad support experience (docs/semantics.md#churn-after-a-bad-experience)."""

from __future__ import annotations

from collections.abc import Callable

from cstool.core.churn import churn_link
from cstool.store import Store
from cstool.store import churn as churn_store


def churn_after_bad(store: Store, since: int, until: int) -> dict:
    """The churn link of [since, until) ({available: True, bad, none, rate_ratio, ci}), or
    {available: False, reason} when the store has no customers or none with a churn date."""
    customers, churn_dates = churn_store.has_churn_dates(store)
    if not customers:
        return {"available": False, "reason": "no customers imported (cstool import customers FILE with churn dates)"}
    if not churn_dates:
        return {"available": False, "reason": f"none of the {customers:,} imported customers has a churn date "
                "(churned_at)"}
    return {"available": True, **churn_link(churn_store.active_customers(store, since, until))}


def churn_beside(store: Store, since: int, until: int) -> Callable[[], dict]:
    """`churn_after_bad` started on another connection that reads the same snapshot, in a thread
    (SQLite works without the GIL: on a million tickets its second of SQL runs beside the KPI
    passes); the returned function waits for it. Read on `store` itself when no reader sees the
    same state (a write committed in between)."""
    from concurrent.futures import ThreadPoolExecutor

    reader = store.reader()
    if reader is None:
        return lambda: churn_after_bad(store, since, until)
    pool = ThreadPoolExecutor(max_workers=1)

    def run() -> dict:
        try:
            return churn_after_bad(reader, since, until)
        finally:
            reader.close()

    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future.result
