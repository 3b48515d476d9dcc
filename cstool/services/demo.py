"""The demo: the shipped sample data imported into a store, as of the sample's reference time."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path

from cstool.config import Config
from cstool.core.errors import InputMissing
from cstool.core.ingest.records import ImportOptions
from cstool.services.imports import ImportRequest, import_stream
from cstool.store import Store, imported_files
from cstool.store.imports import ImportResult

REFERENCE = "2026-03-31T16:00:00Z"  # the sample data's "now": the demo prints the same every day
SAMPLE_FILES = (("customers", "customers.csv"), ("tickets", "tickets.csv"), ("events", "events.csv"),
                ("surveys", "surveys.csv"))


def sample_dir() -> Path:
    """sample_data/ inside the installed package, else beside it in a source checkout."""
    packaged = Path(str(resources.files("cstool"))) / "sample_data"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "sample_data"
    if checkout.is_dir():
        return checkout
    raise InputMissing("the sample data is missing from this installation (reinstall cstool)")


def is_demo_store(store: Store) -> bool:
    """Whether everything in the store came from the sample files (so rebuilding loses nothing)."""
    names = dict(SAMPLE_FILES).values()
    return all(Path(f).name in names for f in imported_files(store))


def import_samples(store: Store, samples: Path, config: Config, as_of: int,
                   done: Callable[[str, str, ImportResult], None]) -> None:
    """Import every sample file as of `as_of`; `done(kind, name, result)` after each; then read the
    comments and subjects (services/texts), so that the demo store is complete."""
    from cstool.services.texts import refresh_texts

    for kind, name in SAMPLE_FILES:
        with open(samples / name, "rb") as stream:
            request = ImportRequest(kind=kind, options=ImportOptions(source="", tz=config.timezone, as_of=as_of))
            result = import_stream(store, stream, f"sample_data/{name}", request, lambda: as_of)
        done(kind, name, result)
    refresh_texts(store)
