"""Acceptance on the real exports in ../shared/data (skipped when that folder is absent)."""

from __future__ import annotations

import sqlite3

from conftest import as_json


def q(sql):
    conn = sqlite3.connect("r.db")
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def imp(cli, *args):
    return as_json(cli("--db", "r.db", "import", *args, "--format", "json"))


def test_zendesk_export(cli, shared_data):
    doc = imp(cli, "tickets", shared_data / "zendesk_export_plum.csv")
    assert doc["preset"] == "zendesk"
    assert (doc["rows_read"], doc["inserted"], doc["rejected"]) == (16476, 16476, 0)
    assert q("SELECT count(*) FROM surveys WHERE kind='csat'") == [(813,)]
    assert q("SELECT count(*) FROM tickets WHERE resolved_at < 0 OR created_at < 0") == [(0,)]
    assert q("SELECT count(*) FROM tickets WHERE resolution_at IS NULL") == [(2067,)]
    assert q("SELECT priority, count(*) FROM tickets GROUP BY 1 ORDER BY 1") == [
        ("low", 16282), ("normal", 12), ("urgent", 182)]
    again = imp(cli, "tickets", shared_data / "zendesk_export_plum.csv")
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 16476)


def test_servicenow_event_log(cli, shared_data):
    doc = imp(cli, "tickets", shared_data / "servicenow_incident_event_log.csv.gz", "--preset", "servicenow-events")
    assert (doc["rows_read"], doc["inserted"], doc["rejected"]) == (141712, 24918, 0)
    assert doc["rows_read"] == doc["inserted"] + doc["skipped"]
    # from each incident's latest row: 1 - Critical 270, 2 - High 408, 3 - Moderate 23466, 4 - Low 774
    assert q("SELECT priority, count(*) FROM tickets GROUP BY 1 ORDER BY 1") == [
        ("high", 408), ("low", 774), ("normal", 23466), ("urgent", 270)]
    assert q("SELECT count(*) FROM ticket_events WHERE type='status'") == [(88932,)]
    events = q("SELECT ticket_id, type, value FROM ticket_events WHERE ticket_id='INC0000045' ORDER BY at")
    assert events == [("INC0000045", "status", "new"), ("INC0000045", "status", "solved"),
                      ("INC0000045", "status", "closed")]
    assert q("SELECT status, reopens FROM tickets WHERE id='INC0000045'") == [("closed", 0)]


def test_kaggle_dataset(cli, shared_data):
    doc = imp(cli, "tickets", shared_data / "kaggle_customer_support_tickets.csv")
    assert doc["preset"] == "kaggle"
    assert (doc["inserted"], doc["rejected"]) == (8469, 0)
    assert doc["findings"]["resolved_before_first_response"] == 1365
    assert doc["findings"]["no_creation_time"] == 8469
    assert q("SELECT count(*) FROM surveys WHERE kind='csat'") == [(2769,)]
    assert q("SELECT priority, count(*) FROM tickets GROUP BY 1 ORDER BY 1") == [
        ("high", 2085), ("low", 2063), ("normal", 2192), ("urgent", 2129)]


def test_nps_survey_in_cp1252(cli, shared_data):
    doc = imp(cli, "surveys", shared_data / "nps_survey_retail_cp1252.csv", "--kind", "nps", "--encoding", "cp1252",
              "--scale", "1-10", "--map", "score=nps", "--map", "comment=explication", "--submitted-at", "2024-01-01")
    assert (doc["rows_read"], doc["inserted"], doc["skipped"], doc["rejected"]) == (13954, 13612, 342, 0)
    comment = q("SELECT comment FROM surveys WHERE id='2482'")[0][0]
    assert comment == "Il y a très peu de caisse ouverte et le délai d'attente est particulièrement long!!!!"


def test_nps_without_encoding_names_line_and_offset(cli, shared_data):
    result = cli("--db", "r.db", "import", "surveys", shared_data / "nps_survey_retail_cp1252.csv", "--kind", "nps",
                 "--map", "score=nps")
    assert result.exit_code == 65
    assert "line 3, byte offset 142: cannot decode byte 0xe8 as utf-8 (try --encoding cp1252)" in result.stderr


def test_servicenow_list_export(cli, shared_data):
    doc = imp(cli, "tickets", shared_data / "servicenow_incident_list_export.csv")
    assert (doc["preset"], doc["inserted"], doc["rejected"]) == ("servicenow", 66, 0)
    assert q("SELECT count(*) FROM tickets WHERE priority='low'") == [(23,)]  # 4 - Low and 5 - Planning


def test_zendesk_first_reply_clocks_are_unknown_and_the_vendor_figure_fills_the_business_median(cli, shared_data):
    """The export has reply counts and business-hours first-reply minutes but no reply instant:
    no first-response clock is invented (they are unknown, outside the SLA percentage) and the
    business median is the vendor's, over the tickets that have it."""
    import csv
    import json
    import statistics

    path = shared_data / "zendesk_export_plum.csv"
    imp(cli, "tickets", path)
    column = "First reply time in minutes within business hours"
    with path.open(encoding="utf-8", newline="") as fh:
        vendor = [int(r[column]) * 60 for r in csv.DictReader(fh)
                  if r[column].strip() not in ("", "-") and "2023-04-01" <= r["Created at"] < "2023-07-01"]
    doc = json.loads(cli("--db", "r.db", "kpi", "--since", "2023-04-01", "--until", "2023-07-01",
                         "--format", "json").stdout)["metrics"]
    median = doc["first_response_business_median_s"]
    assert (median["value"], median["n"], median["basis"]) == (statistics.median(vendor), len(vendor), "reported")
    sla = doc["sla_first_response_pct"]
    assert sla["unknown"] == len(vendor) and sla["n"] == 16476 - len(vendor)   # (replies 0: solved unanswered)
    show = json.loads(cli("--db", "r.db", "sla", "show", "297732", "--as-of", "2023-07-01T00:00:00Z",
                          "--format", "json").stdout)
    first = next(c for c in show if c["metric"] == "first_response")
    assert (first["state"], first["due_at"], first["note"]) == (
        "unknown", None, "the export counts 11 replies but gives no time of the first reply")
    text = cli("--db", "r.db", "sla", "show", "297732", "--as-of", "2023-07-01T00:00:00Z").stdout
    assert "first_response: unknown: the export counts 11 replies but gives no time of the first reply" in text


def test_french_nps_comments_are_read_not_scored_and_give_themes(cli, shared_data):
    imp(cli, "surveys", shared_data / "nps_survey_retail_cp1252.csv", "--kind", "nps", "--encoding", "cp1252",
        "--scale", "1-10", "--map", "score=nps", "--map", "comment=explication", "--submitted-at", "2024-01-01")
    doc = as_json(cli("--db", "r.db", "themes", "--period", "all", "--limit", "5", "-f", "json"))
    # 3,801 written comments (9,811 answers say NA or na: no comment); French, bar two written in English
    assert doc["read"] == 3801 and doc["languages"] == {"fr": 3790, "undetermined": 7, "en": 2, "la": 2}
    assert [t["theme"] for t in doc["themes"]] == ["magasin", "prix", "personnel", "produit", "plante"]
    assert all(t["sentiment"] is None and t["scored"] == 0 for t in doc["themes"])
    assert q("SELECT count(*) FROM text_facts WHERE sentiment IS NOT NULL AND lang != 'en'") == [(0,)]
    english = q("SELECT s.comment FROM text_facts f JOIN surveys s ON s.rowid = f.row WHERE f.lang = 'en'")
    assert sorted(c[:20] for (c,) in english) == ["Far too expensive co", "most helpful when I "]
    price = doc["themes"][1]
    assert (price["mentions"], price["nps"]) == (599, 5.68)   # "prix": the lowest NPS of the five


def test_kaggle_subjects_give_themes(cli, shared_data):
    imp(cli, "tickets", shared_data / "kaggle_customer_support_tickets.csv")
    doc = as_json(cli("--db", "r.db", "themes", "--period", "all", "--of", "subjects", "--limit", "4",
                      "-f", "json"))
    assert doc["read"] == 8469 and doc["languages"] == {"en": 8469}   # undated tickets: --period all reads them
    assert [(t["theme"], t["mentions"]) for t in doc["themes"]] == [
        ("product", 1613), ("issue", 1551), ("compatibility", 1063), ("request", 1063)]
