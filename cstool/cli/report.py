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
    team: Annotated[Optional[str], typer.Option("--team", help="One team's report (its tickets, clocks and "
                                                "queues).")] = None,
    each_team: Annotated[bool, typer.Option("--each-team", help="With --email: also send each [[mail.teams]] "
                                            "team its own report.")] = False,
) -> None:
    """The nightly summary: headline KPIs vs the previous period with charts, SLA breaches and the worst five, the clocks likely to breach today, volume spikes, escalation queue sizes, top issues and data-quality findings. Two runs on one store never overlap: the second exits 75 at once.

    Example (crontab): 0 7 * * *  cstool --quiet report --email --each-team

    One team, as a page: cstool report --team Billing --format html > billing.html
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
    if each_team and (not email or team):
        raise UsageError("--each-team goes with --email, without --team")
    teams = [(None, list(to or config.mail.to))] if not each_team else \
        [*([(None, list(to or config.mail.to))] if (to or config.mail.to) else []), *config.mail.teams]
    if each_team and not config.mail.teams:
        raise ConfigError("--each-team: no [[mail.teams]] in the config (name = \"Billing\", to = [...])")
    engine = SlaEngine(config)
    # (one report at a time; a read-only store has no room for the lock, and nothing to protect)
    with app_state.read_store(engine, texts=True) as store, \
            nullcontext() if store.read_only else run_lock(settings.db_path, "report"):
        teams = _known_teams(store, team, teams)
        reports = [(nightly_report(store, engine, as_of=when, since=since, until=until, tz=tz, now=now(),
                                   max_data_age=config.max_data_age, team=name or team,
                                   charts=email or fmt is Format.html), list(recipients))
                   for name, recipients in (teams if email else [(None, [])])]
    if not email:
        render = {Format.text: render_text, Format.markdown: render_markdown, Format.html: render_html}[fmt]
        sys.stdout.write(render(reports[0][0], tz, show_pii))
        return
    for data, recipients in reports:
        _email(data, config, recipients if each_team else to, dry_run, show_pii, when, now())


def _known_teams(store, team: str | None, teams: list) -> list:
    """The (team, recipients) pairs whose team the store has: a --team no ticket has is an error
    (a typo must not read as a quiet team); a [[mail.teams]] team without tickets is skipped
    with a warning."""
    from cstool.cli.common import warn
    from cstool.core.errors import InputMissing
    from cstool.services.filters import unmatched_filters

    if team:
        problems = unmatched_filters(store, {"team": team})
        if problems:
            raise InputMissing("; ".join(problems))
    kept = []
    for name, recipients in teams:
        problems = unmatched_filters(store, {"team": name}) if name else []
        if problems:
            warn(f"warning: [[mail.teams]] {name!r}: {problems[0]}; its report is not sent")
        else:
            kept.append((name, recipients))
    return kept


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
    images, pngs = _chart_images(data)
    message = build_message(subject, render_text(data, tz, show_pii), render_html(data, tz, show_pii, images),
                            config.mail.sender, recipients, sent_at, pngs)
    if dry_run:
        sys.stdout.write(message.as_string())
        return
    send(message, config.mail, smtp_password())


def _chart_images(data: ReportDocument) -> tuple[dict[str, str] | None, list[tuple[str, bytes]]]:
    """({chart id: its cid: address}, [(content id, PNG)]) for the e-mail; without the cairo
    library, (None, []) and a warning: the HTML then carries the charts as SVG, which some
    mail clients do not show (the tables below each chart stay)."""
    from cstool.cli.common import warn
    from cstool.render.charts import png
    from cstool.render.report_charts import report_charts

    charts = report_charts(data)
    try:
        pngs = [(f"{c['id']}@cstool", png(c)) for c in charts]
    except (ImportError, OSError) as exc:
        warn(f"warning: the charts go as SVG, not PNG: {exc} (install the cairo library, e.g. apt-get install "
             "libcairo2)")
        return None, []
    return {c["id"]: f"cid:{cid}" for c, (cid, _) in zip(charts, pngs)}, pngs
