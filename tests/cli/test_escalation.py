"""`cstool escalations`: json, --new-since across runs, empty tiers, and the sample data's queues."""

from __future__ import annotations

from conftest import REFERENCE, SAMPLE_CONFIG, as_json


def test_queues_json_and_new_since_across_runs(cli, queue_store):
    first = as_json(cli("escalations", "--as-of", "2026-03-02T09:35:00Z", "--format", "json"))
    # A: 35m of the 1h first response used (58%) -> Tier 1; B: its customer gave CSAT 1 -> Lead
    assert [(e["ticket_id"], e["tier"]) for e in first] == [("B", "Lead"), ("A", "Tier 1")]
    assert first[1]["reasons"] == [{"code": "sla_used", "text": "first_response 58% of target used"}]
    assert first[0]["reasons"] == [{"code": "low_csat", "text": "CSAT 1 on 2026-03-01"}]
    assert set(first[1]) >= {"tier", "ticket_id", "reasons", "due_at", "remaining_seconds"}
    again = as_json(cli("escalations", "--as-of", "2026-03-02T09:35:00Z", "--format", "json"))
    assert again == first  # recording the same as_of twice is idempotent
    later = as_json(cli("escalations", "--as-of", "2026-03-02T10:05:00Z", "--new-since", "LAST", "--format", "json"))
    # A moved up to Lead (first response breached); B stayed in Lead: only A is new
    assert [(e["ticket_id"], e["tier"]) for e in later] == [("A", "Lead")]
    lower = as_json(cli("escalations", "--as-of", "2026-03-02T10:05:00Z", "--new-since", "last", "--format", "json"))
    assert lower == later  # (keywords are case-insensitive)
    since = as_json(cli("escalations", "--as-of", "2026-03-02T10:05:00Z", "--new-since", "2026-03-02T09:35:00Z",
                        "--format", "json"))
    assert [e["ticket_id"] for e in since] == ["A"]


def test_empty_tier_says_so_in_one_line(cli, queue_store):
    out = cli("escalations", "--as-of", "2026-03-02T09:25:00Z").stdout
    assert "Tier 1: no tickets" in out
    assert "Lead: 1 ticket\n" in out


def test_sample_data_escalates_into_several_tiers_with_varied_reasons(cli, demo_db):
    config = SAMPLE_CONFIG
    queue = as_json(cli("--db", demo_db, "--config", config, "escalations", "--as-of", REFERENCE, "--format", "json"))
    tiers = {e["tier"] for e in queue}
    assert {"Management", "Team lead", "Tier 2", "Tier 1 lead"} <= tiers
    codes = {r["code"] for e in queue for r in e["reasons"]}
    assert {"sla_used", "breached_for", "reopens", "nps_detractor", "low_csat"} <= codes


def test_a_format_escalations_cannot_print_is_refused_before_a_run_is_recorded(cli, queue_store):
    import sqlite3

    result = cli("escalations", "--as-of", "2026-03-02T10:00:00Z", "--format", "markdown")
    assert result.exit_code == 2 and "this command prints table, json, jsonl, csv, tsv" in result.stderr
    with sqlite3.connect(queue_store / "cstool.db") as conn:
        assert conn.execute("SELECT count(*) FROM escalation_log").fetchone() == (0,)


def test_a_configuration_without_tiers_escalates_nothing(cli, tmp_path):
    from conftest import ROOT, write

    config = write(tmp_path / "none.toml", '[defaults]\ntimezone = "UTC"\n[escalation]\ntiers = []\n')
    assert cli("--config", config, "--db", "n.db", "import", "tickets", ROOT / "sample_data" / "tickets.csv"
               ).exit_code == 0
    table = cli("--config", config, "--db", "n.db", "escalations", "--as-of", REFERENCE)
    assert table.exit_code == 0 and table.stdout == ""
    assert as_json(cli("--config", config, "--db", "n.db", "escalations", "--as-of", REFERENCE, "-f", "json")) == []
    report = cli("--config", config, "--db", "n.db", "report", "--as-of", REFERENCE).stdout
    assert "Escalation queues\n(none)" in report


def test_the_table_counts_every_ticket_of_a_tier_and_shows_its_first(cli, demo_db, tmp_path):
    """The table writes out only the first --limit tickets of each tier; its titles and "more"
    lines count every ticket of the tier, and the rows shown are the queue's first."""
    import shutil

    db = shutil.copy(demo_db, tmp_path / "demo.db")  # (runs are recorded: not on the shared store)
    args = ("--db", db, "--config", SAMPLE_CONFIG, "escalations", "--as-of", REFERENCE)
    queue = as_json(cli(*args, "--format", "json"))
    table = cli(*args, "--limit", "1", env={"COLUMNS": "200"}).stdout
    tiers = {e["tier"] for e in queue}
    assert len(tiers) >= 3
    for tier in tiers:
        mine = [e for e in queue if e["tier"] == tier]
        assert f"{tier}: {len(mine)} ticket" in table
        if len(mine) > 1:
            assert f"… {len(mine) - 1} more in {tier} (--limit 0 or --format csv for all)" in table
        section = table.split(f"{tier}: {len(mine)} ticket")[1].split("\n\n")[0]
        shown = [e["ticket_id"] for e in queue if e["ticket_id"] in section]
        assert shown[:1] == [mine[0]["ticket_id"]]
