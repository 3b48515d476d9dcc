"""Language, sentiment and key phrases of comments (cstool/core/text.py), on labelled examples."""

from __future__ import annotations

import socket

import pytest

from cstool.core import text
from cstool.core.themes import pick_themes

# Hand-labelled support comments (not written for VADER: the wrong ones stay in, the test states the rate).
ENGLISH = [
    ("Fantastic help, thank you so much!", "positive"), ("Quick fix, thanks.", "positive"),
    ("The agent was friendly and solved it in minutes.", "positive"), ("Great team, love the product.", "positive"),
    ("Very responsive and helpful support.", "positive"), ("Problem fixed, excellent service.", "positive"),
    ("Slow and unhelpful.", "negative"), ("Support is slow.", "negative"), ("Too many outages lately.", "negative"),
    ("Still broken after three tickets.", "negative"), ("Rude agent, useless answer.", "negative"),
    ("Terrible experience, I want a refund.", "negative"), ("The app keeps crashing, very frustrating.", "negative"),
    ("Worst support ever, waited a week.", "negative"),
    ("I need help with my invoice.", "neutral"), ("Ticket about the billing address.", "neutral"),
    ("Please call me back tomorrow.", "neutral"), ("Password reset for the admin account.", "neutral"),
    ("Nobody answered for days.", "negative"), ("It works now, but it took long.", "neutral"),
]


def test_english_sentiment_on_labelled_comments():
    got = [(t, label, text.tone(text.sentiment(t, "en"))) for t, label in ENGLISH]
    wrong = [(t, label, tone) for t, label, tone in got if tone != label]
    # 18 of 20: VADER reads "please" as kind, and "Nobody answered for days." has no negative word.
    assert [t for t, _, _ in wrong] == ["Please call me back tomorrow.", "Nobody answered for days."]
    assert text.sentiment("Slow and unhelpful.", "en") == pytest.approx(-0.6486, abs=1e-4)
    assert text.sentiment("Support is slow.", "en") < 0 < text.sentiment("Quick fix, thanks.", "en")


def test_other_languages_are_told_apart_and_never_scored():
    french = "Il y a très peu de caisse ouverte et le délai d'attente est particulièrement long"
    german = "Der Support war sehr hilfreich und schnell"
    spanish = "El servicio fue muy lento y nadie contestó"
    assert [text.language(text.guess(t), "en") for t in (french, german, spanish)] == ["fr", "de", "es"]
    for t, lang in ((french, "fr"), (german, "de"), (spanish, "es")):
        assert text.sentiment(t, lang) is None
    assert text.sentiment("Great service", None) is None
    assert text.tone(None) is None


def test_short_comments_take_their_source_language_only_when_about_as_likely():
    assert text.language(text.guess("Still broken."), "en") == "en"
    assert text.language(text.guess("Bad"), "en") == "en"
    assert text.language(text.guess("Excellent"), "fr") == "fr"     # in a French source: not scored
    assert text.language(text.guess("Still broken."), None) is None  # no source language: undetermined
    assert text.language(text.guess("Muy mal servicio"), "en") is None  # Spanish, not English: unscored
    assert text.source_language(["Très bon accueil", "Caisse trop lente, attente longue", "Parfait"] * 20) == "fr"
    assert text.source_language([]) is None


def test_key_phrases_lemmatised_without_stop_words():
    assert text.terms("Password reset link does not work, I don't know why", "en") == [
        "password", "reset", "password reset", "link", "reset link"]
    assert text.terms("Refunds not received!", "en") == ["refund", "receive"]
    assert text.terms("Il y a très peu de caisse ouverte et le délai d'attente est particulièrement long!!!!",
                      "fr") == ["caisse", "délai", "attente", "délai attente", "long"]
    assert text.terms("L'accueil était parfait", "fr") == ["accueil", "parfait"]
    assert text.terms("anything", None) == [] and text.terms("客服很好", "zh") == []
    assert text.terms("Slow, slow and slow.", "en") == ["slow"]   # each phrase once per text


def test_masking_personal_data_in_quotes():
    assert text.mask_pii("Mail jo.doe@example.com or call +33 6 12 34 56 78 about order 123456789, ok?") == (
        "Mail [e-mail] or call [number] about order [number], ok?")
    assert text.mask_pii("Waited 3 days for 2 answers") == "Waited 3 days for 2 answers"


def test_a_phrase_stands_for_the_words_it_covers():
    records = [{"theme": t, "mentions": n} for t, n in
               (("password", 30), ("reset", 24), ("password reset", 21), ("login", 25), ("slow", 21), ("fast", 2))]
    # "password" (21 of 30 = 70 % in the phrase) and "reset" (21 of 24) go; "login" stays; ties by name
    assert [r["theme"] for r in pick_themes(records, 4)] == ["login", "password reset", "slow", "fast"]
    assert [r["theme"] for r in pick_themes(records[:1] + records[2:3], 5)] == ["password reset"]
    few = [{"theme": "password", "mentions": 40}, {"theme": "password reset", "mentions": 10}]
    assert [r["theme"] for r in pick_themes(few, 5)] == ["password", "password reset"]


def test_reading_needs_no_network(monkeypatch):
    """Every library reads its data from its package: with sockets refused, all of it still works."""
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    text._identifier.cache_clear()
    text._vader.cache_clear()
    text._stop_words.cache_clear()
    text._lemma.cache_clear()
    assert text.language(text.guess("The refund never arrived and nobody answered"), None) == "en"
    assert text.sentiment("Great help", "en") > 0
    assert text.terms("Caisses fermées", "fr") == ["caisse", "fermé", "caisse fermé"]


def test_no_comment_markers_in_python_and_sql_agree():
    import sqlite3

    from cstool.store.texts import _has_text

    values = ["NA", "na", " N/A ", "-", "--", "?", "null", "None", "nan", ".", "", "   ", "\tNA\n", "\n",
              "ok", "NAB", "n/a please", "Great", "- fine", "？"]
    conn = sqlite3.connect(":memory:")
    sql = [bool(conn.execute(f"SELECT {_has_text('?1')}", (v,)).fetchone()[0]) for v in values]
    assert sql == [text.is_text(v) for v in values]
    assert [v for v, keep in zip(values, sql) if keep] == ["ok", "NAB", "n/a please", "Great", "- fine", "？"]
