"""`cstool report --email` against a real local SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import email
import email.utils
import re
import socket
import ssl
import time

import pytest

aiosmtpd = pytest.importorskip("aiosmtpd")
trustme = pytest.importorskip("trustme")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402
from conftest import REFERENCE  # noqa: E402

PASSWORD = "s3cr3t-Pa55"


class Recorder:
    def __init__(self, reply: str = "250 OK"):
        self.messages, self.reply = [], reply

    async def handle_DATA(self, server, session, envelope):
        if self.reply.startswith("250"):
            self.messages.append((envelope.rcpt_tos, envelope.content))
        return self.reply


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == b"cstool" and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture
def smtp(ca, tmp_path):
    """Start a server: smtp(tls=bool, reply=str, auth=bool) -> (port, recorder)."""
    started = []

    def start(tls: bool = False, reply: str = "250 OK", auth: bool = False):
        recorder = Recorder(reply)
        kwargs = {}
        if tls:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ca.issue_cert("127.0.0.1").configure_cert(context)
            kwargs.update(tls_context=context, require_starttls=True)
        if auth:
            kwargs.update(authenticator=authenticator, auth_required=True)
        port = free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port, **kwargs)
        controller.start()
        started.append(controller)
        return port, recorder

    yield start
    for controller in started:
        controller.stop()


def setup_store(cli, tmp_path, port: int, security: str, username: str = ""):
    (tmp_path / "cstool.toml").write_text(
        '[defaults]\ntimezone = "Europe/Berlin"\n'
        f'[mail]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\nusername = "{username}"\n'
        'from = "cstool <cstool@example.com>"\nto = ["leads@example.com"]\n')
    from conftest import write

    write(tmp_path / "t.csv", "id,priority,status,customer_email,created_at\nT1,high,open,ann@example.com,"
          "2026-03-25T09:00:00Z\n")
    assert cli("import", "tickets", "t.csv", "--preset", "generic").exit_code == 0


def test_email_structure_headers_and_silence(cli, tmp_path, smtp):
    port, recorder = smtp()
    setup_store(cli, tmp_path, port, "none")
    result = cli("report", "--email", "--as-of", REFERENCE, "--to", "a@example.com", "--to", "b@example.com")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""  # cron: nothing on stdout on success
    (rcpts, raw), = recorder.messages
    assert rcpts == ["a@example.com", "b@example.com"]
    message = email.message_from_bytes(raw)
    assert message.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in message.get_payload()]
    assert parts == ["text/plain", "multipart/related"]  # (the HTML with its chart images)
    # (the test data ends four weeks before --as-of: the subject says so)
    assert re.fullmatch(r"\[STALE DATA\] \[cstool\] Support KPIs 2026-03-31: 1 breach, CSAT n/a", message["Subject"])
    assert message["Date"] and message["Message-ID"].endswith("@example.com>")
    sent = email.utils.parsedate_to_datetime(message["Date"]).timestamp()
    assert abs(sent - time.time()) < 300, "Date is the time of sending, not the --as-of day in the subject"
    body = message.get_payload()[0].get_payload(decode=True).decode()
    assert "a***@example.com" in body and "ann@example.com" not in body  # PII masked by default


def test_dry_run_prints_the_mime_message(cli, tmp_path, smtp):
    port, recorder = smtp()
    setup_store(cli, tmp_path, port, "none")
    result = cli("report", "--email", "--dry-run", "--show-pii", "--as-of", REFERENCE)
    assert result.exit_code == 0 and not recorder.messages
    assert "Content-Type: multipart/alternative" in result.stdout and "ann@example.com" in result.stdout


def test_starttls_with_a_trusted_ca_and_auth(cli, tmp_path, smtp, ca, monkeypatch):
    port, recorder = smtp(tls=True, auth=True)
    setup_store(cli, tmp_path, port, "starttls", username="cstool")
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("CSTOOL_SMTP_PASSWORD", PASSWORD)
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == 0, result.stderr
    assert len(recorder.messages) == 1
    assert PASSWORD not in result.stdout + result.stderr


def test_untrusted_certificate_fails_with_75(cli, tmp_path, smtp):
    port, recorder = smtp(tls=True)
    setup_store(cli, tmp_path, port, "starttls")
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == 75 and "CERTIFICATE_VERIFY_FAILED" in result.stderr
    assert not recorder.messages


def test_wrong_password_exits_1_without_showing_it(cli, tmp_path, smtp, ca, monkeypatch):
    port, _ = smtp(tls=True, auth=True)
    setup_store(cli, tmp_path, port, "starttls", username="cstool")
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    (tmp_path / "pw").write_text("wrong-one\n")
    monkeypatch.setenv("CSTOOL_SMTP_PASSWORD_FILE", str(tmp_path / "pw"))
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == 1 and "authentication refused (535)" in result.stderr, result.stderr
    assert "wrong-one" not in result.stdout + result.stderr


@pytest.mark.parametrize("reply, code", [("451 4.3.0 try again later", 75), ("554 5.6.0 rejected", 1)])
def test_server_errors_map_to_exit_codes(cli, tmp_path, smtp, reply, code):
    port, _ = smtp(reply=reply)
    setup_store(cli, tmp_path, port, "none")
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == code, result.stderr


def test_connection_refused_is_75_and_no_recipients_is_78(cli, tmp_path):
    setup_store(cli, tmp_path, free_port(), "none")
    assert cli("report", "--email", "--as-of", REFERENCE).exit_code == 75
    (tmp_path / "cstool.toml").write_text('[mail]\nhost = "127.0.0.1"\n')
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == 78 and "no recipients" in result.stderr


def test_second_run_on_the_same_store_exits_75(cli, tmp_path):
    from cstool.store.lock import run_lock

    setup_store(cli, tmp_path, free_port(), "none")
    with run_lock(tmp_path / "cstool.db", "report"):
        result = cli("report", "--as-of", REFERENCE)
    assert result.exit_code == 75 and "another cstool report is running" in result.stderr
    assert cli("report", "--as-of", REFERENCE).exit_code == 0


def test_a_password_smtp_cannot_send_and_a_binary_password_file_are_config_errors(cli, tmp_path, smtp, ca,
                                                                                  monkeypatch):
    port, _ = smtp(tls=True, auth=True)
    setup_store(cli, tmp_path, port, "starttls", username="cstool")
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("CSTOOL_SMTP_PASSWORD", "pässwört")
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == 78 and "SMTP AUTH cannot send" in result.stderr, result.stderr
    assert "pässwört" not in result.stdout + result.stderr and "internal error" not in result.stderr
    monkeypatch.delenv("CSTOOL_SMTP_PASSWORD")
    (tmp_path / "pw").write_bytes(b"\xff\xfe\x00binary")
    monkeypatch.setenv("CSTOOL_SMTP_PASSWORD_FILE", str(tmp_path / "pw"))
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == 78 and "not UTF-8 text" in result.stderr


def test_cr_or_lf_in_an_address_is_refused_not_injected(cli, tmp_path):
    setup_store(cli, tmp_path, 25, "none")
    result = cli("report", "--email", "--dry-run", "--as-of", REFERENCE, "--to", "a@example.com\r\nBcc: x@evil.test")
    assert result.exit_code == 2 and "without CR or LF" in result.stderr and "internal error" not in result.stderr
    config = (tmp_path / "cstool.toml").read_text().replace('from = "cstool <cstool@example.com>"',
                                                            'from = "a@example.com\\r\\nBcc: x@evil.test"')
    (tmp_path / "cstool.toml").write_text(config)
    result = cli("report", "--email", "--dry-run", "--as-of", REFERENCE)
    assert result.exit_code == 78 and "[mail] from" in result.stderr and "without CR or LF" in result.stderr



def test_report_reads_labels_not_metric_keys(cli, demo_db):
    from conftest import REFERENCE, SAMPLE_CONFIG

    for fmt in ("text", "markdown", "html"):
        out = cli("--db", demo_db, "--config", SAMPLE_CONFIG, "report", "--as-of", REFERENCE, "-f", fmt).stdout
        assert "First response median" in out and "SLA resolution" in out, fmt
        tables = out.split("<h2>The records behind each figure</h2>")[0]  # (the footnotes give commands)
        assert "first_response_median_s" not in tables and "sla_resolution_pct" not in tables, fmt
        if fmt == "html":
            assert '<sup><a href="#note-8">8</a></sup>' in out and "--explain first_response_median_s</code>" in out


def _walk(part, depth=0):
    yield depth, part
    if part.is_multipart():
        for sub in part.get_payload():
            yield from _walk(sub, depth + 1)


def test_the_html_part_carries_every_chart_as_a_png_it_refers_to(cli, tmp_path, smtp):
    port, recorder = smtp()
    setup_store(cli, tmp_path, port, "none")
    assert cli("report", "--email", "--as-of", REFERENCE).exit_code == 0
    (_, raw), = recorder.messages
    message = email.message_from_bytes(raw)
    tree = [(depth, p.get_content_type()) for depth, p in _walk(message)]
    assert tree[:4] == [(0, "multipart/alternative"), (1, "text/plain"), (1, "multipart/related"), (2, "text/html")]
    images = [p for _, p in _walk(message) if p.get_content_type() == "image/png"]
    assert len(images) >= 5 and all(p.get_payload(decode=True).startswith(b"\x89PNG") for p in images)
    html = [p for _, p in _walk(message) if p.get_content_type() == "text/html"][0].get_payload(decode=True).decode()
    referred = set(re.findall(r'src="cid:([^"]+)"', html))
    assert referred == {p["Content-ID"].strip("<>") for p in images}  # every image referred to, every cid there
    assert "<svg" not in html  # (mail clients that show no SVG see the PNGs)
    text = message.get_payload()[0].get_payload(decode=True).decode()
    assert "Headline (vs the previous period)" in text and "cid:" not in text  # the plain part is unchanged


def test_each_team_gets_its_own_report(cli, tmp_path, smtp):
    port, recorder = smtp()
    setup_store(cli, tmp_path, port, "none")
    from conftest import write

    write(tmp_path / "teams.csv", "id,priority,status,team,created_at\nB1,high,open,Billing,2026-03-30T09:00:00Z\n"
          "K1,low,open,Technical,2026-03-30T10:00:00Z\n")
    assert cli("import", "tickets", "teams.csv").exit_code == 0
    with (tmp_path / "cstool.toml").open("a") as fh:
        fh.write('[[mail.teams]]\nname = "Ops"\nto = ["ops@example.com"]\n[[mail.teams]]\nname = "Billing"\nto = ["billing@example.com"]\n'
                 '[[mail.teams]]\nname = "Technical"\nto = ["tech@example.com", "cto@example.com"]\n')
    result = cli("report", "--email", "--each-team", "--as-of", REFERENCE)
    assert result.exit_code == 0, result.stderr
    assert "[[mail.teams]] 'Ops'" in result.stderr and "not sent" in result.stderr  # (no ticket of that team)
    sent = [(rcpts, email.message_from_bytes(raw)["Subject"]) for rcpts, raw in recorder.messages]
    assert [r for r, _ in sent] == [["leads@example.com"], ["billing@example.com"], ["tech@example.com",
                                                                                     "cto@example.com"]]
    assert [s.split("]")[-1].split(":")[0] for _, s in sent] == [
        " Support KPIs 2026-03-31", " Support KPIs (Billing) 2026-03-31", " Support KPIs (Technical) 2026-03-31"]
    assert "--each-team goes with --email" in cli("report", "--each-team").stderr
    (tmp_path / "cstool.toml").write_text((tmp_path / "cstool.toml").read_text().split("[[mail.teams]]")[0])
    alone = cli("report", "--email", "--each-team", "--as-of", REFERENCE)
    assert alone.exit_code == 78 and "no [[mail.teams]] in the config" in alone.stderr
    out = cli("report", "--team", "Billing", "--as-of", REFERENCE).stdout
    assert out.splitlines()[1].startswith("cstool nightly report for team Billing")
    typo = cli("report", "--team", "Biling", "--as-of", REFERENCE)
    assert typo.exit_code == 66 and "Billing" in typo.stderr  # (not an empty, quiet report)


def test_a_mail_team_without_recipients_is_a_config_error(cli, tmp_path):
    (tmp_path / "cstool.toml").write_text('[[mail.teams]]\nname = "Billing"\n')
    result = cli("config", "check")
    assert result.exit_code == 78 and "mail.teams.1" in result.stderr and "its recipients" in result.stderr


def test_without_the_cairo_library_the_charts_go_as_svg_with_a_warning(cli, tmp_path, smtp, monkeypatch):
    import cstool.render.charts as charts

    def no_cairo(chart):
        raise OSError("no library called \"cairo-2\" was found")

    monkeypatch.setattr(charts, "png", no_cairo)
    port, recorder = smtp()
    setup_store(cli, tmp_path, port, "none")
    result = cli("report", "--email", "--as-of", REFERENCE)
    assert result.exit_code == 0 and "the charts go as SVG, not PNG" in result.stderr
    (_, raw), = recorder.messages
    message = email.message_from_bytes(raw)
    assert [p.get_content_type() for p in message.get_payload()] == ["text/plain", "text/html"]
    assert "<svg" in message.get_payload()[1].get_payload(decode=True).decode()
