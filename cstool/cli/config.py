"""`cstool config init | show | check`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import tomli_w
import typer

from cstool.cli.common import FieldsOpt, RecordFormat, command, emit, state
from cstool.config import CONFIG_NAME, default_config_dict, effective_values
from cstool.core.errors import CannotCreate
from cstool.render import Column, Format
from cstool.render.table import print_table

app = typer.Typer(help="Write, show and validate the configuration (cstool.toml).", no_args_is_help=True)

HEADER = """# cstool configuration (written by `cstool config init`).
# Durations: 90s, 30m, 4h, 1h30m, 2d, 3bd (business days). See the README, "Configuration".
# The SMTP password is never stored here: set CSTOOL_SMTP_PASSWORD or CSTOOL_SMTP_PASSWORD_FILE.
#
# A calendar, for example (sla.policies name it by `calendar = "support"`):
#   [calendars.support]
#   timezone = "Europe/Berlin"
#   hours = { mon = ["09:00-12:00", "13:00-17:30"], fri = "22:00-06:00" }  # a night shift ends Sat 06:00
#   holidays = ["2026-12-25"]
#   holiday_country = "DE"
#   [calendars.support.dates]                  # hours of single dates, replacing their weekday's
#   "2026-12-24" = "09:00-12:00"
#   "2026-12-31" = "closed"

"""


@command(app, "init")
def init(
    path: Annotated[Optional[Path], typer.Argument(help=f"Where to write (default: ./{CONFIG_NAME}).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a complete default configuration.

    Example: cstool config init && cstool config check
    """
    target = path or Path(CONFIG_NAME)
    if target.exists() and not force:
        raise CannotCreate(f"{target} already exists; pass --force to overwrite it")
    try:
        target.write_text(HEADER + tomli_w.dumps(default_config_dict()), encoding="utf-8")
    except OSError as exc:
        raise CannotCreate(f"cannot write {target}: {exc.strerror}") from None
    if not state().quiet:
        print(f"cstool: wrote {target}", file=sys.stderr)


@command(app, "show")
def show(fmt: RecordFormat = Format.table, fields: FieldsOpt = None) -> None:
    """The resolved configuration and where each value came from (flag, env, file, default).

    Example: cstool config show --format json
    """
    settings = state().settings()
    rows = effective_values(settings, password_set=bool(os.environ.get("CSTOOL_SMTP_PASSWORD")
                                                        or os.environ.get("CSTOOL_SMTP_PASSWORD_FILE")))
    columns = [Column("key", "Key", "id"), Column("value", "Value"), Column("source", "Source", rank=1)]
    in_file = f"file {settings.config_path}"
    shown = [{**r, "source": "file" if r["source"] == in_file else r["source"]} for r in rows]  # (the title names it)
    from cstool.render.listing import parse_fields

    emit(fmt, columns, document=lambda: rows, fields=parse_fields(fields, [c.key for c in columns]),
         table=lambda console: print_table(console, shown, columns, title=f"Configuration ({settings.origins['config']})"))


@command(app, "check")
def check() -> None:
    """Validate the configuration; exit 78 with file, table and key on the first problem.

    Example: cstool --config /etc/cstool.toml config check
    """
    settings = state().settings()
    c = settings.config
    where = settings.config_path or "built-in defaults"
    print(f"OK: {where}: {len(c.calendars)} calendars, {len(c.policies)} SLA policies, "
          f"{len(c.tiers)} escalation tiers, time zone {c.timezone}")
