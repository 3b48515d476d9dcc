"""What a comment says: its language, its sentiment, its key phrases (docs/semantics.md#comment-sentiment-and-themes).

Plain functions over strings, with the libraries that ship their data in their packages (nothing is
downloaded): py3langid tells the language, VADER scores English sentiment, stopwords-iso gives the
stop words of 58 languages and simplemma the lemmas of 54. Each library is imported on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

SCORED = ("en",)            # the languages whose sentiment is scored (VADER is an English lexicon)
AS_LIKELY = 0.4             # a text is in its source's language when that is this likely relative to the first
CONFIDENT = 0.5             # else in its likeliest language when that has this probability
NEUTRAL = 0.05              # |compound| below this is neutral (VADER's own thresholds)
MIN_LETTERS = 3             # shorter words are never themes
UNSPACED = ("zh", "ja", "th")   # written without spaces between words: not split into themes here
SAMPLE_TEXTS = 300          # texts of a source read to tell its language
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_BREAK = re.compile(r"[.,;:!?()\[\]{}\"«»…/|\n\r\t]+|\s[-–—]+\s")  # where a key phrase ends
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d ().-]{6,}\d")
_LONG_NUMBER = re.compile(r"\b\d{6,}\b")


@dataclass(frozen=True)
class Guess:
    """A language guess: the likeliest language, its probability, and every language at least
    AS_LIKELY as likely (the candidates a short text may belong to)."""
    lang: str
    p: float
    candidates: frozenset[str]


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def guess(text: str) -> Guess:
    ranked = _identifier().rank(text)
    top, p = ranked[0]
    return Guess(top, float(p), frozenset(lang for lang, q in ranked if q >= AS_LIKELY * p))


def language(g: Guess, source_lang: str | None) -> str | None:
    """A comment's language: its source's when the text is about as likely in it as in any
    (short texts rarely tell one language: "ok", "Still broken.", "prix élevé"); else its
    likeliest when that is CONFIDENT; else undetermined (None)."""
    if source_lang is not None and source_lang in g.candidates:
        return source_lang
    return g.lang if g.p >= CONFIDENT else None


def language_of(body: str, source_lang: str | None) -> str | None:
    """A comment's language (`language`), without asking the identifier when every word of the
    comment is a word of its source's language (simplemma's dictionary of it): most comments."""
    if source_lang in LEMMATISED and _all_known(body, source_lang):
        return source_lang
    return language(guess(body), source_lang)


def _all_known(body: str, lang: str) -> bool:
    words = _WORD.findall(body.lower())
    return bool(words) and all(_known(w.replace("’", "'"), lang) for w in words)


@cache
def _known(word: str, lang: str) -> bool:
    import simplemma

    return simplemma.is_known(word, lang=lang)


# What exports write for "no comment" (R's NA, spreadsheets' N/A and dashes): never read as a text.
NO_TEXT = ("na", "n/a", "n.a.", "nan", "null", "none", "-", "--", "?", ".")


def is_text(body: str) -> bool:
    """Whether a comment says something (store/texts._has_text is its SQL twin)."""
    stripped = body.strip()
    return bool(stripped) and stripped.lower() not in NO_TEXT


def source_language(texts: Iterable[str]) -> str | None:
    """The language of a source's texts read together (a few hundred of them make a long text,
    which is told reliably); None when no language is CONFIDENT."""
    joined = "\n".join(t[:200] for t in texts)
    if not joined.strip():
        return None
    g = guess(joined)
    return g.lang if g.p >= CONFIDENT else None


# VADER was made for social media; in support comments these words read otherwise ("support" and
# "help" name the service, not a feeling) or are missing from its lexicon. Valences on VADER's -4..4.
SUPPORT_VALENCES = {
    "support": 0.0, "help": 0.0, "slow": -1.5, "slower": -1.6, "slowest": -1.8, "unhelpful": -1.8,
    "outage": -1.8, "outages": -1.8, "unresolved": -1.5, "unanswered": -1.5, "waiting": -0.6, "delayed": -1.3,
    "buggy": -1.6, "bug": -1.0, "bugs": -1.0, "crashes": -1.7, "crashing": -1.7, "crashed": -1.7,
    "quick": 1.2, "quickly": 1.2, "fast": 1.2, "fixed": 1.2, "prompt": 1.2, "responsive": 1.5,
}


@cache
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    for word, valence in SUPPORT_VALENCES.items():
        if valence:
            analyzer.lexicon[word] = valence
        else:
            analyzer.lexicon.pop(word, None)
    return analyzer


def sentiment(text: str, lang: str | None) -> float | None:
    """VADER's compound score in [-1, 1] for a text in a SCORED language; None for any other
    language (an English lexicon would read a French "pas mal" as bad)."""
    if lang not in SCORED or not text.strip():
        return None
    return float(_vader().polarity_scores(text)["compound"])


def tone(score: float | None) -> str | None:
    """positive / neutral / negative (None: not scored)."""
    if score is None:
        return None
    return "positive" if score >= NEUTRAL else "negative" if score <= -NEUTRAL else "neutral"


@cache
def _stop_words(lang: str) -> frozenset[str]:
    import stopwordsiso

    return frozenset(w.lower() for w in stopwordsiso.stopwords(lang)) if stopwordsiso.has_lang(lang) else frozenset()


def has_terms(lang: str | None) -> bool:
    return lang is not None and lang not in UNSPACED and bool(_stop_words(lang))


# Lemmatised (simplemma loads a language's dictionary on first use: 0.2 s for English or French,
# 1-2 s for some others, too much for the odd misread short text); other languages keep their words.
LEMMATISED = ("en", "fr", "de", "es", "it", "pt", "nl")


@cache
def _lemma(word: str, lang: str) -> str:
    if lang not in LEMMATISED:
        return word
    import simplemma

    return simplemma.lemmatize(word, lang=lang).lower()


def terms(text: str, lang: str | None) -> list[str]:
    """The key phrases of a text, each once in order: its content words (lemmatised, stop words
    and words under MIN_LETTERS letters dropped) and each pair of content words next to each other
    inside a phrase (stop words and punctuation end a phrase: RAKE's candidate phrases)."""
    if not has_terms(lang):
        return []
    assert lang is not None
    stop = _stop_words(lang)
    found: dict[str, None] = {}
    for chunk in _BREAK.split(text.lower()):
        previous = None
        for match in _WORD.finditer(chunk):
            word = match.group().replace("’", "'")
            if "'" in word and lang != "en":  # (French, Italian elisions: l'accueil -> accueil)
                word = word.rsplit("'", 1)[1]
            if word in stop or len(word) < MIN_LETTERS:
                previous = None
                continue
            lemma = _lemma(word, lang)
            if lemma in stop or len(lemma) < MIN_LETTERS:
                previous = None
                continue
            found[lemma] = None
            if previous is not None and previous != lemma:
                found[f"{previous} {lemma}"] = None
            previous = lemma
    return list(found)


def mask_pii(text: str) -> str:
    """A comment fit to quote in a report: e-mail addresses, phone numbers and long numbers
    (accounts, orders, cards) replaced by […]."""
    text = _EMAIL.sub("[e-mail]", text)
    text = _PHONE.sub("[number]", text)
    return _LONG_NUMBER.sub("[number]", text)
