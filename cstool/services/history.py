"""Import history: list the imports, show one, undo the latest of a source (store/history)."""

from __future__ import annotations

from cstool.core.errors import InputMissing, UsageError
from cstool.core.models import Record
from cstool.store import Store
from cstool.store import history as store_history
from cstool.store import sla as sla_store

KINDS = ("tickets", "surveys", "events", "customers")


def list_imports(store: Store, source: str | None = None, kind: str | None = None) -> list[Record]:
    """Every import, oldest first, optionally of one source and/or kind."""
    if kind is not None and kind.lower() not in KINDS:
        raise UsageError(f"--kind {kind!r}: expected one of {', '.join(KINDS)}")
    return store_history.list_imports(store, source, kind)


def find_import(store: Store, import_id: int) -> Record:
    record = store_history.get_import(store, import_id)
    if record is None:
        raise InputMissing(f"no import {import_id} in {store.path} (cstool imports lists them)")
    return record


def show_import(store: Store, import_id: int) -> Record:
    """One import's row with its rejects."""
    record = find_import(store, import_id)
    return {**record, "rejects": store_history.import_rejects(store, import_id)}


def _check_undoable(store: Store, record: Record) -> None:
    if record["undone_at"] is not None:
        raise UsageError(f"import {record['id']} ({record['file']}) is already undone")
    if record["priors_dropped_at"] is not None:
        raise UsageError(f"import {record['id']} ({record['file']}) can no longer be undone: the prior versions of "
                         f"the rows it changed are kept for the latest {store_history.UNDO_DEPTH} imports of a source")
    later = store_history.standing_after(store, record)
    if later:
        raise UsageError(f"import {record['id']} ({record['file']}) cannot be undone while a later import of source "
                         f"{record['source']!r} stands ({', '.join(map(str, later))}): undo import {later[-1]} first")


def undo_import(store: Store, engine, import_id: int, *, when: int, dry_run: bool = False) -> Record:
    """Undo an import in one write transaction: the rows it inserted are deleted, the rows it
    updated get their prior versions back, and the clocks of the tickets it touched are computed
    again. With `dry_run`, only what would change (nothing is written, no lock is taken).

    Refused (UsageError) for an import already undone, or while a later import of the same
    source stands. Returns the import, the counts per table and the tickets recomputed."""
    if dry_run:
        with store.snapshot():
            record = find_import(store, import_id)
            _check_undoable(store, record)
            return _plan(store, record, len(store_history.touched_tickets(store, import_id)), dry_run=True)
    from cstool.services.sla import recompute_clocks

    with store.write():  # (checked again under the lock: another process may have undone or imported)
        record = find_import(store, import_id)
        _check_undoable(store, record)
        keys = store_history.touched_tickets(store, import_id)
        plan = _plan(store, record, len(keys), dry_run=False)
        sla_store.delete_clocks(store, keys)  # (while the rows are there: the clocks are keyed by their rowids)
        store_history.revert_import(store, import_id, when)
        plan["clocks_recomputed"] = recompute_clocks(store, engine, keys)
    plan["undone_at"] = when
    return plan


def _plan(store: Store, record: Record, tickets: int, *, dry_run: bool) -> Record:
    return {"import": record, "dry_run": dry_run, "tables": store_history.undo_counts(store, record["id"]),
            "tickets_touched": tickets, "clocks_recomputed": 0}
