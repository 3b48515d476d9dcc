"""`cstool spikes`: an injected spike on a hand-made store found at the window it began, the
customers to contact, Nagios, and the report's section."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import as_json, write

AS_OF = datetime(2026, 3, 26, 16, 0, tzinfo=UTC)  # a Thursday
SPIKE = AS_OF - timedelta(hours=8)


@pytest.fixture
def spike_store(cli, tmp_path):
    """Ten weeks of two login and two billing tickets every four hours, then 10 more login
    tickets in each of the last two windows, from four customers."""
    lines = ["id,subject,customer_id,channel,priority,status,team,created_at,resolved_at,tags"]
    at, n = AS_OF - timedelta(weeks=10), 0
    while at < AS_OF:
        for tag in ("login", "login", "billing", "billing"):
            n += 1
            created = at + timedelta(minutes=7 * (n % 30))
            lines.append(f"T{n},{tag} issue,C{n % 3},email,normal,solved,Tech,{created.isoformat()},"
                         f"{(created + timedelta(minutes=30)).isoformat()},{tag}")
        at += timedelta(hours=4)
    for i in range(20):
        created = SPIKE + timedelta(minutes=24 * i)
        lines.append(f"S{i},cannot log in,C{9 if i % 2 else 8},email,normal,open,Tech,{created.isoformat()},,login")
    write(tmp_path / "t.csv", "\n".join(lines) + "\n")
    write(tmp_path / "c.csv", "id,email,name,tier\nC8,eve@example.com,Eve,vip\nC9,sam@example.com,Sam,standard\n")
    assert cli("--db", "t.db", "import", "tickets", "t.csv").exit_code == 0
    assert cli("--db", "t.db", "import", "customers", "c.csv").exit_code == 0
    return tmp_path


def test_the_spike_is_found_at_the_window_it_began(cli, spike_store):
    found = as_json(cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "--by", "tag", "-f", "json"))
    assert found == [{"dimension": "tag", "value": "login", "observed": 12, "expected": 2.0, "ratio": 6.0,
                      "p_value": found[0]["p_value"], "window_start": "2026-03-26T08:00:00+00:00",
                      "window_end": "2026-03-26T16:00:00+00:00"}]
    assert 0 < found[0]["p_value"] < 0.001
    before = as_json(cli("--db", "t.db", "spikes", "--as-of", SPIKE.isoformat(), "-f", "json"))
    assert before == []
    # every spike ticket is an e-mail of priority normal for team Tech: those groups spike too
    every = as_json(cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "-f", "json"))
    assert sorted((s["dimension"], s["value"], s["observed"], s["expected"]) for s in every) == [
        ("channel", "email", 14, 4.0), ("priority", "normal", 14, 4.0), ("tag", "login", 12, 2.0),
        ("team", "Tech", 14, 4.0)]


def test_customers_to_contact_first_as_csv(cli, spike_store):
    out = cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "--customers", "--by", "tag", "-f", "csv")
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "customer_id,name,email,tier,groups,tickets,latest_ticket_at"
    sam = ";".join(f"S{i}" for i in range(1, 20, 2))
    eve = ";".join(f"S{i}" for i in range(0, 20, 2))
    # the spike's customers, and the customers of the usual login tickets of those eight hours
    by_id = {line.split(",")[0]: line for line in lines[1:]}
    assert by_id.pop("C9") == f"C9,Sam,sam@example.com,standard,tag=login,{sam},2026-03-26T15:36:00+00:00"
    assert by_id.pop("C8") == f"C8,Eve,eve@example.com,vip,tag=login,{eve},2026-03-26T15:12:00+00:00"
    assert [line.split(",")[0] for line in lines[1:]] == ["C9", "C1", "C8", "C0", "C2"]  # latest ticket first
    for usual in ("C0", "C1", "C2"):  # (the usual login tickets of the eight hours: no customer record)
        assert by_id.pop(usual).startswith(f"{usual},,,,tag=login,T")
    assert by_id == {}
    every = as_json(cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "--customers", "-f", "json"))
    assert [c["groups"] for c in every if c["customer_id"] == "C9"] == [
        ["tag=login", "channel=email", "priority=normal", "team=Tech"]]
    table = cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "--customers").stdout
    assert "s***@example.com" in table and "sam@example.com" not in table
    shown = cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "--customers", "--show-pii").stdout
    assert "sam@example.com" in shown


def test_nagios_warns_on_a_spike_and_says_ok_otherwise(cli, spike_store):
    warning = cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "-f", "nagios")
    assert warning.exit_code == 1
    assert warning.stdout.startswith("SPIKES WARNING - 4 spikes: tag=login 12 vs 2 expected, channel=email 14 vs 4 "
                                     "expected, priority=normal 14 vs 4 expected | spikes=4;1;;0\n")
    assert "\ntag=login: 12 tickets since 2026-03-26 08:00 (2 expected, p=" in warning.stdout
    ok = cli("--db", "t.db", "spikes", "--as-of", SPIKE.isoformat(), "-f", "nagios")
    assert (ok.exit_code, ok.stdout) == (0, "SPIKES OK - no spike in the last 4h | spikes=0;1;;0\n")
    bad = cli("--db", "t.db", "spikes", "--window", "5h", "-f", "nagios")
    assert bad.exit_code == 3 and bad.stdout.startswith("SPIKES UNKNOWN - --window 5h: must divide a week")
    missing = cli("--db", "nowhere.db", "spikes", "-f", "nagios")
    assert missing.exit_code == 3 and missing.stdout.startswith("SPIKES UNKNOWN - ")


def test_the_table_and_the_report(cli, spike_store):
    table = cli("--db", "t.db", "spikes", "--as-of", AS_OF.isoformat(), "--by", "tag")
    assert "1 spike" in table.stdout and "login" in table.stdout and "2026-03-26 08:00" in table.stdout
    report = cli("--db", "t.db", "report", "--as-of", AS_OF.isoformat()).stdout
    section = report.split("Volume spikes in the last 4 hours")[1].split("\n\n")[0]
    assert "tag=login        12       2         2026-03-26 08:00" in section


def test_options_are_checked(cli, spike_store):
    assert "expected tag, channel, team, priority" in cli("--db", "t.db", "spikes", "--by", "colour").stderr
    assert cli("--db", "t.db", "spikes", "--window", "0h").exit_code == 2
