"""Building and sending the e-mail (docs/semantics.md#e-mail): multipart/alternative (the HTML
part multipart/related with its chart images), TLS with verification.

The only module that uses smtplib. The password is passed in by the caller (the CLI reads it
from CSTOOL_SMTP_PASSWORD or the file named by CSTOOL_SMTP_PASSWORD_FILE) and never printed;
SMTP 4xx replies and connection or TLS failures raise TempFailure (exit 75), 5xx replies and
refused authentication raise CstoolError with the server's code (exit 1).
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from cstool.config import MailConfig
from cstool.core.errors import ConfigError, CstoolError, TempFailure


def build_message(subject: str, text: str, html: str, sender: str, to: list[str], sent_at: int,
                  images: Sequence[tuple[str, bytes]] = ()) -> EmailMessage:
    """Plain text first, then HTML with the same tables; Date and Message-ID set. With `images`
    ((content id, PNG) pairs, which the HTML refers to as `cid:`), the HTML part is
    multipart/related: the HTML, then each image."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = format_datetime(datetime.fromtimestamp(sent_at, UTC))
    domain = sender.rsplit("@", 1)[-1].strip("> ") if "@" in sender else "cstool.local"
    message["Message-ID"] = make_msgid("cstool", domain=domain)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if images:
        html_part = next(part for part in message.iter_parts() if part.get_content_type() == "text/html")
        assert isinstance(html_part, EmailMessage)
        for cid, png in images:
            html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>",
                                  filename=f"{cid.split('@')[0]}.png", disposition="inline")
    return message


def send(message: EmailMessage, config: MailConfig, password: str | None, timeout: float = 30.0) -> None:
    """Deliver `message` to its To addresses through the configured server."""
    recipients = [a.strip() for a in message["To"].split(",") if a.strip()]
    if not recipients:
        raise ConfigError("[mail] to: no recipients; set `to = [...]` in the config or pass --to")
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=timeout)
        with client:
            client.ehlo()
            if config.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if config.username:
                if password is None:
                    raise ConfigError("[mail] username is set but no password: set CSTOOL_SMTP_PASSWORD or "
                                      "CSTOOL_SMTP_PASSWORD_FILE")
                try:
                    client.login(config.username, password)
                except UnicodeEncodeError:
                    raise ConfigError("[mail] username or the SMTP password holds characters SMTP AUTH cannot "
                                      "send (smtplib takes ASCII only)") from None
            client.send_message(message, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        raise CstoolError(f"SMTP {config.host}: authentication refused ({exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = ", ".join(f"{addr}: {code}" for addr, (code, _) in exc.recipients.items())
        raise (TempFailure if all(400 <= c < 500 for c, _ in exc.recipients.values()) else CstoolError)(
            f"SMTP {config.host}: recipients refused ({codes})") from None
    except smtplib.SMTPResponseException as exc:
        kind = TempFailure if 400 <= exc.smtp_code < 500 else CstoolError
        raise kind(f"SMTP {config.host}: the server answered {exc.smtp_code}") from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as exc:
        reason = exc.reason if isinstance(exc, ssl.SSLError) and exc.reason else type(exc).__name__
        raise TempFailure(f"SMTP {config.host}:{config.port}: cannot deliver ({reason}); try again later") from None
