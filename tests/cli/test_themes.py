"""`cstool themes`, `kpi --by theme`, the report's detractor themes and the follow-ups' sentiment,
on a hand-made week of tickets and answers (expected values worked out by hand)."""

from __future__ import annotations

import csv
import io
import sqlite3

from conftest import as_json, write

from cstool.core.text import sentiment
from cstool.services.texts import detractor_themes
from cstool.store import open_store

TICKETS = """id,subject,customer_id,channel,priority,status,team,assignee,created_at,first_response_at,resolved_at,updated_at,reopens,replies,tags
T0,Login fails,C1,email,normal,solved,Tech,ann,2026-02-24T09:00:00Z,2026-02-24T10:00:00Z,2026-02-24T12:00:00Z,2026-02-24T12:00:00Z,0,2,
T1,Refund not received,C1,email,normal,solved,Billing,bob,2026-03-02T10:00:00Z,2026-03-02T11:00:00Z,2026-03-03T10:00:00Z,2026-03-03T10:00:00Z,0,2,
T2,Refund request,C2,email,normal,solved,Billing,bob,2026-03-03T10:00:00Z,2026-03-03T12:00:00Z,2026-03-04T10:00:00Z,2026-03-04T10:00:00Z,0,2,
T3,Login fails,C3,chat,high,solved,Tech,ann,2026-03-04T10:00:00Z,2026-03-04T10:30:00Z,2026-03-05T10:00:00Z,2026-03-05T10:00:00Z,0,2,
T4,Login fails again,C4,chat,high,solved,Tech,ann,2026-03-05T10:00:00Z,2026-03-05T10:10:00Z,2026-03-05T16:00:00Z,2026-03-05T16:00:00Z,0,2,
T5,Invoice address,C5,email,low,open,Billing,bob,2026-03-06T10:00:00Z,,,2026-03-06T10:00:00Z,0,0,
"""
COMMENTS = {
    "S0": "Login slow", "S1": "Slow and unhelpful, still no refund.", "S2": "Quick refund, thanks!",
    "S3": "Login still broken. Mail me at jo@example.com or call +33 6 12 34 56 78",
    "S4": "Fast fix for the login problem", "S5": "Très lent, personne ne répond jamais au téléphone",
    "S7": "Login broken again, refund me"}
SURVEYS = f"""id,ticket_id,customer_id,kind,score,comment,submitted_at
S0,T0,C1,csat,4,{COMMENTS['S0']},2026-02-25T10:00:00Z
S1,T1,C1,csat,1,"{COMMENTS['S1']}",2026-03-04T10:00:00Z
S2,T2,C2,csat,5,"{COMMENTS['S2']}",2026-03-05T10:00:00Z
S3,T3,C3,csat,2,{COMMENTS['S3']},2026-03-06T10:00:00Z
S4,T4,C4,nps,9,{COMMENTS['S4']},2026-03-06T11:00:00Z
S5,,C5,nps,3,"{COMMENTS['S5']}",2026-03-07T10:00:00Z
S6,T5,C5,nps,6,,2026-03-07T11:00:00Z
S7,T3,C3,csat,1,"{COMMENTS['S7']}",2026-03-07T12:00:00Z
"""
WEEK = ("--since", "2026-03-02T00:00:00Z", "--until", "2026-03-09T00:00:00Z")
WEEK_SECONDS = (1772409600, 1773014400)


def _store(cli, tmp_path) -> None:
    for kind, body in (("tickets", TICKETS), ("surveys", SURVEYS)):
        assert cli("--db", "w.db", "import", kind, write(tmp_path / f"{kind}.csv", body)).exit_code == 0


def _mean(*ids: str) -> float:
    return round(sum(sentiment(COMMENTS[i], "en") for i in ids) / len(ids), 3)


def test_themes_of_the_week_with_their_figures(cli, tmp_path):
    _store(cli, tmp_path)
    doc = as_json(cli("--db", "w.db", "themes", *WEEK, "-f", "json"))
    # six comments in the week (S6 has none), S0 the week before; S5 is French: read, not scored
    assert (doc["read"], doc["previous_read"], doc["languages"]) == (6, 1, {"en": 5, "fr": 1})
    assert doc["unscored_languages"] == "fr 1"
    got = [(t["theme"], t["mentions"], t["share"], t["previous"], t["previous_share"], t["sentiment"], t["scored"],
            t["csat_pct"], t["csat_avg"], t["nps"]) for t in doc["themes"]]
    assert got == [
        ("login", 3, 0.5, 1, 1.0, _mean("S3", "S4", "S7"), 3, 0.0, 1.5, 100.0),      # csat 2 and 1; nps 9
        ("refund", 3, 0.5, 0, 0.0, _mean("S1", "S2", "S7"), 3, 33.33, 2.33, None),    # csat 1, 5, 1
        ("break", 2, 0.3333, 0, 0.0, _mean("S3", "S7"), 2, 0.0, 1.5, None)]           # "broken": csat 2, 1
    nps = as_json(cli("--db", "w.db", "themes", *WEEK, "--kind", "nps", "-f", "json"))
    assert (nps["read"], nps["themes"]) == (2, [])   # S4 and S5 share no key phrase
    table = cli("--db", "w.db", "themes", *WEEK).stdout
    assert "Themes of 6 comments" in table and "left unscored: fr 1" in table
    rows = list(csv.DictReader(io.StringIO(cli("--db", "w.db", "themes", *WEEK, "-f", "csv").stdout)))
    assert [(r["theme"], r["mentions"], r["csat_avg"]) for r in rows] == [
        ("login", "3", "1.5"), ("refund", "3", "2.33"), ("break", "2", "1.5")]


def test_themes_of_subjects_and_filters(cli, tmp_path):
    _store(cli, tmp_path)
    doc = as_json(cli("--db", "w.db", "themes", *WEEK, "--of", "subjects", "-f", "json"))
    # "Login fails" twice (T3, T4: "login fail" stands for both words), "Refund" twice (T1, T2)
    assert [(t["theme"], t["mentions"], t["previous"]) for t in doc["themes"]] == [
        ("login fail", 2, 1), ("refund", 2, 0)]
    billing = as_json(cli("--db", "w.db", "themes", *WEEK, "--where", "team=billing", "-f", "json"))
    assert (billing["read"], [(t["theme"], t["mentions"]) for t in billing["themes"]]) == (2, [("refund", 2)])
    billing = as_json(cli("--db", "w.db", "themes", *WEEK, "--of", "subjects", "--where", "team=Billing",
                          "-f", "json"))
    assert [(t["theme"], t["mentions"], t["share"]) for t in billing["themes"]] == [("refund", 2, 0.6667)]
    bad = cli("--db", "w.db", "themes", "--kind", "nps", "--of", "subjects")
    assert bad.exit_code == 2 and "--kind chooses survey answers" in bad.stderr
    assert cli("--db", "w.db", "themes", "--of", "tickets").exit_code == 2


def test_kpi_by_theme_groups_tickets_by_subject_and_answers_by_comment(cli, tmp_path):
    _store(cli, tmp_path)
    doc = as_json(cli("--db", "w.db", "kpi", *WEEK, "--by", "theme", "-f", "json"))
    groups = {g["key"]["theme"]: g["metrics"] for g in doc["groups"]}
    assert list(groups) == ["login fail", "login", "refund", "(none)", "break"]   # by tickets, then name
    assert {k: (m["tickets_created"]["value"], m["csat_responses"]["value"], m["nps_responses"]["value"])
            for k, m in groups.items()} == {
        "login": (2, 2, 1),        # T3, T4 by subject; S3, S7 and S4 by comment
        "login fail": (2, 0, 0), "refund": (2, 3, 0),   # T1, T2; S1, S2, S7
        "(none)": (1, 0, 2),       # T5 "Invoice address"; S5 (French: no chosen theme) and S6 (no comment)
        "break": (0, 2, 0)}        # only in comments
    assert groups["refund"]["csat_avg"]["value"] == 2.33
    explained = as_json(cli("--db", "w.db", "kpi", *WEEK, "--by", "theme", "--explain", "csat_avg", "--group",
                            "theme=refund", "-f", "json"))
    assert (explained["value"], sorted(r["id"] for r in explained["rows"])) == (2.33, ["S1", "S2", "S7"])
    none = as_json(cli("--db", "w.db", "kpi", *WEEK, "--by", "theme", "--explain", "tickets_created", "--group",
                       "theme=(none)", "-f", "json"))
    assert (none["value"], [r["id"] for r in none["rows"]]) == (1, ["T5"])


def test_followups_show_sentiment_and_themes(cli, tmp_path):
    _store(cli, tmp_path)
    rows = as_json(cli("--db", "w.db", "followups", "--as-of", "2026-03-08T00:00:00Z", "-f", "json"))
    got = {r["survey_id"]: (r["sentiment"], r["tone"], r["themes"]) for r in rows}
    assert got == {
        "S7": (sentiment(COMMENTS["S7"], "en"), "negative", ["break", "login", "login break", "refund"]),
        "S6": (None, None, []),
        "S5": (None, None, ["jamais", "lent", "répondre", "répondre jamais", "téléphone"]),  # French: no score
        "S3": (sentiment(COMMENTS["S3"], "en"), "negative", ["break", "login", "mail"]),
        "S1": (sentiment(COMMENTS["S1"], "en"), "negative", ["refund", "slow", "unhelpful"])}
    text = cli("--db", "w.db", "followups", "--as-of", "2026-03-08T00:00:00Z").stdout
    assert "negative -0.76" in text and "refund, slow, unhelpful" in text


def test_report_says_what_detractors_talk_about_with_masked_examples(cli, tmp_path):
    _store(cli, tmp_path)
    args = ("--db", "w.db", "report", "--as-of", "2026-03-09T00:00:00Z", "--period", "last-7d")
    text = cli(*args).stdout
    section = text.split("What detractors talk about\n", 1)[1].split("\n\n", 1)[0].splitlines()
    # detractor comments: S1, S3, S5, S7 (S6 has none); three key phrases twice, by name
    assert [line.split()[0] for line in section[2:-1]] == ["break", "login", "refund"]
    assert section[-1].startswith("4 detractor comments read")
    login = next(line for line in section if line.startswith("login"))
    assert "“Login still broken. Mail me at [e-mail] or call [number]”" in login
    assert "“Login broken again, refund me”" in login and "jo@example.com" not in text
    assert "jo@example.com" in cli(*args, "--show-pii").stdout
    with open_store(tmp_path / "w.db", create=False) as store:
        doc = detractor_themes(store, *WEEK_SECONDS, (WEEK_SECONDS[0] - 7 * 86400, WEEK_SECONDS[0]))
    themes = doc["themes"]
    assert [(t["theme"], t["mentions"], [e["survey_id"] for e in t["examples"]]) for t in themes] == [
        ("break", 2, ["S7", "S3"]), ("login", 2, ["S7", "S3"]), ("refund", 2, ["S1", "S7"])]  # most negative,
    # then the latest


def test_texts_follow_imports_and_undo(cli, tmp_path):
    _store(cli, tmp_path)
    before = cli("--db", "w.db", "themes", *WEEK, "-f", "json").stdout
    changed = SURVEYS.replace("Quick refund, thanks!", "Quick answer, thanks!")
    result = as_json(cli("--db", "w.db", "import", "surveys", write(tmp_path / "s2.csv", changed), "-f", "json"))
    doc = as_json(cli("--db", "w.db", "themes", *WEEK, "-f", "json"))
    assert [(t["theme"], t["mentions"]) for t in doc["themes"]] == [("login", 3), ("break", 2), ("refund", 2)]
    assert cli("--db", "w.db", "imports", "undo", str(result["import_id"])).exit_code == 0
    assert cli("--db", "w.db", "themes", *WEEK, "-f", "json").stdout == before
    conn = sqlite3.connect(tmp_path / "w.db")
    try:  # one reading per text, of the row as it now is
        assert conn.execute("SELECT count(*) FROM text_facts WHERE kind = 'comment'").fetchone() == (7,)
        assert conn.execute("SELECT count(*) FROM text_facts f JOIN surveys s ON s.rowid = f.row "
                            "WHERE f.kind = 'comment' AND f.import_id IS NOT s.import_id").fetchone() == (0,)
    finally:
        conn.close()


def test_two_processes_read_the_same_as_one(cli, tmp_path, monkeypatch):
    from cstool.services import text_pass

    _store(cli, tmp_path)
    one = cli("--db", "w.db", "themes", *WEEK, "-f", "json").stdout
    followups = cli("--db", "w.db", "followups", "--as-of", "2026-03-08T00:00:00Z", "-f", "json").stdout
    monkeypatch.setattr(text_pass, "PARALLEL_FROM", 2)
    monkeypatch.setattr(text_pass, "TEXTS_PER_FRAME", 3)
    with sqlite3.connect(tmp_path / "w.db") as conn:   # (forget the reading: the next command reads again)
        conn.execute("DELETE FROM text_meta")
        conn.execute("DELETE FROM text_facts")
        conn.execute("DELETE FROM text_terms")
    conn.close()
    assert cli("--db", "w.db", "themes", *WEEK, "-f", "json").stdout == one
    assert cli("--db", "w.db", "followups", "--as-of", "2026-03-08T00:00:00Z", "-f", "json").stdout == followups


def test_sample_data_themes_are_stable(cli, demo_db):
    """The demo's comments and subjects (read when the demo store is built: nothing is written here)."""
    comments = as_json(cli("--db", demo_db, "themes", "--period", "all", "--limit", "8", "-f", "json"))
    assert (comments["read"], comments["languages"]) == (1146, {"en": 1146})
    assert [(t["theme"], t["mentions"]) for t in comments["themes"]] == [
        ("minute", 261), ("solve", 261), ("quick", 259), ("fantastic", 232), ("fine product", 84), ("team", 73),
        ("slow", 69), ("love", 61)]
    slow = next(t for t in as_json(cli("--db", demo_db, "themes", "--period", "all", "-f", "json"))["themes"]
                if t["theme"] == "slow")
    assert (slow["negative_pct"], slow["csat_pct"]) == (100.0, 0.0)   # "Slow and unhelpful.", "Support is slow."
    subjects = as_json(cli("--db", demo_db, "themes", "--period", "all", "--of", "subjects", "--limit", "4",
                           "-f", "json"))
    assert [(t["theme"], t["mentions"]) for t in subjects["themes"]] == [
        ("request", 304), ("login", 265), ("account", 258), ("fail", 253)]


def test_an_empty_store_a_typo_and_one_team_report(cli, tmp_path):
    assert cli("--db", "e.db", "import", "tickets", write(tmp_path / "t.csv", TICKETS.splitlines()[0] + "\n")
               ).exit_code == 0
    empty = cli("--db", "e.db", "themes", *WEEK)
    assert empty.exit_code == 0 and "No key phrase mentioned twice" in empty.stdout
    _store(cli, tmp_path)
    typo = cli("--db", "w.db", "themes", *WEEK, "--where", "team=Biling")
    assert typo.exit_code == 2 and "Billing" in typo.stderr   # (the closest value is named)
    text = cli("--db", "w.db", "report", "--as-of", "2026-03-09T00:00:00Z", "--period", "last-7d",
               "--team", "Tech").stdout
    section = text.split("What detractors talk about\n", 1)[1].split("\n\n", 1)[0].splitlines()
    # Tech's detractors: S3 and S7 (T3); S1 is Billing's, S5 has no ticket
    assert [line.split()[0] for line in section[2:-1]] == ["break", "login"]
    assert section[-1].startswith("2 detractor comments read")
