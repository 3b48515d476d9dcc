"""`cstool demo`: build a store from the shipped sample data and print the nightly summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cstool.cli.common import command, now, parse_instant, snapshot, state, warn
from cstool.cli.console import out_console
from cstool.config import load_config
from cstool.core.errors import CannotCreate

app = typer.Typer()

@command(app, "demo")
def demo(
    db: Annotated[Optional[Path], typer.Option("--db", help="Where to build the demo store "
                                               "(default: the global --db / CSTOOL_DB, else ./cstool.db).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing store that is not a demo store.")] = False,
) -> None:
    """Build a store from the built-in sample data and print the nightly summary as of the sample's reference time (2026-03-31T16:00:00Z), so the output is the same every day.

    Rebuilding over an earlier demo store is allowed; another store needs --force.
    Example: cstool demo && cstool db info
    """
    from cstool.render.summary import render_summary
    from cstool.services.demo import (
        REFERENCE,
        import_samples,
        is_demo_store,
        sample_dir,
    )
    from cstool.services.sla import SlaEngine
    from cstool.services.summary import nightly_summary
    from cstool.store import open_store

    app_state = state()
    samples = sample_dir()
    config = load_config(samples / "cstool.toml")
    path = db or (Path(app_state.flag_db) if app_state.flag_db else app_state.settings().db_path)
    if path.exists():
        if not force:
            with open_store(path, create=False) as existing:
                ours = is_demo_store(existing)
        if not force and not ours:
            raise CannotCreate(f"{path} exists and holds other data; pass --force to replace it, "
                               "or --db to build the demo elsewhere")
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    local_config = Path("cstool.toml")
    if not local_config.exists() and db is None and not app_state.flag_config:
        local_config.write_text((samples / "cstool.toml").read_text(encoding="utf-8"), encoding="utf-8")
        warn("wrote ./cstool.toml (the sample configuration) so later commands use its calendars and policies")
    as_of = parse_instant(REFERENCE, "UTC")

    def done(kind: str, name: str, result) -> None:
        if not app_state.quiet:
            warn(f"imported {result.inserted:,} {kind} from sample_data/{name}")

    with open_store(path, create=True, busy_timeout=config.busy_timeout, now=now()) as store:
        import_samples(store, samples, config, as_of, done)
        engine = SlaEngine(config)
        with snapshot(store, engine):
            summary = nightly_summary(store, as_of=as_of, tz=config.timezone, engine=engine)
    render_summary(out_console(), summary, config.timezone)
    if not app_state.quiet:
        print(f"cstool: demo store at {path}; explore it with --as-of {REFERENCE}", file=sys.stderr)
