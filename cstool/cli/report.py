"""`cstool report`: the nightly summary, printed or e-mailed (silent on success with --email)."""

from __future__ import annotations

import os
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Optional

import typer

from cstool.cli.common import AsOfOpt, command, now, parse_instant, state
from cstool.config import Config
from cstool.core import periods
from cstool.core.errors import ConfigError, UsageError
from cstool.core.models import ReportDocument
from cstool.render import Format

app = typer.Typer()


def smtp_password() -> str | None:
    """CSTOOL_SMTP_PASSWORD, else the first line of the file named by CSTOOL_SMTP_PASSWORD_FILE."""
    if os.environ.get("CSTOOL_SMTP_PASSWORD"):
        return os.environ["CSTOOL_SMTP_PASSWORD"]
    path = os.environ.get("CSTOOL_SMTP_PASSWORD_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        raise ConfigError(f"CSTOOL_SMTP_PASSWORD_FILE {path}: cannot read a password from it") from None
    except UnicodeDecodeError:
        raise ConfigError(f"CSTOOL_SMTP_PASSWORD_FILE {path}: not UTF-8 text; the file holds the password on "
                          "its first line") from None


@command(app, "report")
def report(
    period: Annotated[str, typer.Option("--period", help="The report's period (see cstool kpi).")] = periods.NIGHTLY,
    as_of: AsOfOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="text, markdown or html.", case_sensitive=False)]
    = Format.text,
    email: Annotated[bool, typer.Option("--email", help="Send it (plain text + HTML) per [mail]; nothing on "
                                        "stdout on success.")] = False,
    to: Annotated[Optional[list[str]], typer.Option("--to", help="Recipient (repeatable; default [mail] to).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="With --email: print the MIME message instead.")] = False,
    show_pii: Annotated[bool, typer.Option("--show-pii", help="Do not mask customer e-mails.")] = False,
) -> None:
    """The nightly summary: headline KPIs vs the previous period, SLA breaches and the worst five, escalation queue sizes, top issues and data-quality findings. Two runs on one store never overlap: the second exits 75 at once.

    Example (crontab): 0 7 * * *  cstool --quiet report --email
    """

    from cstool.render.report import render_html, render_markdown, render_text
    from cstool.services.report import nightly_report
    from cstool.services.sla import SlaEngine
    from cstool.store.lock import run_lock

    if fmt not in (Format.text, Format.markdown, Format.html):
        raise UsageError("--format: report prints text, markdown or html")
    app_state = state()
    settings = app_state.settings()
    config, tz = settings.config, settings.config.timezone
    when = parse_instant(as_of, tz)
    try:
        since, until = periods.named_period(period, when, tz)
    except ValueError as exc:
        raise UsageError(f"--period: {exc}") from None
    engine = SlaEngine(config)
    # (one report at a time; a read-only store has no room for the lock, and nothing to protect)
    with app_state.read_store(engine) as store, \
            nullcontext() if store.read_only else run_lock(settings.db_path, "report"):
        data = nightly_report(store, engine, as_of=when, since=since, until=until, tz=tz, now=now(),
                              max_data_age=config.max_data_age)
    if not email:
        render = {Format.text: render_text, Format.markdown: render_markdown, Format.html: render_html}[fmt]
        sys.stdout.write(render(data, tz, show_pii))
        return
    _email(data, config, to, dry_run, show_pii, when, now())


def _email(data: ReportDocument, config: Config, to: list[str] | None, dry_run: bool, show_pii: bool, when: int,
           sent_at: int) -> None:
    """Send the report (subject dated by `when`, the --as-of day; Date header `sent_at`, the time of sending)."""
    from cstool.render.report import render_html, render_text, report_subject
    from cstool.render.values import local_time
    from cstool.services.mail import build_message, send

    recipients = list(to or config.mail.to)
    for address in to or []:
        if "\r" in address or "\n" in address:
            raise UsageError(f"--to {address!r}: one address per --to, without CR or LF")
    if not recipients:
        raise ConfigError("[mail] to: no recipients; set `to = [...]` in the config or pass --to")
    tz = config.timezone
    subject = report_subject(data, local_time(when, tz)[:10])
    message = build_message(subject, render_text(data, tz, show_pii), render_html(data, tz, show_pii),
                            config.mail.sender, recipients, sent_at)
    if dry_run:
        sys.stdout.write(message.as_string())
        return
    send(message, config.mail, smtp_password())
