"""Which key phrases make the themes of a period (docs/semantics.md#comment-sentiment-and-themes)."""

from __future__ import annotations

from cstool.core.models import Record

PHRASE_COVERS = 2 / 3   # a word is shown through its phrase when the phrase has this share of its mentions


def pick_themes(records: list[Record], limit: int) -> list[Record]:
    """The `limit` most mentioned key phrases (records with `theme` and `mentions`), a single word
    left out when a two-word phrase holding it carries at least PHRASE_COVERS of its mentions
    ("password reset" rather than "password" and "reset"); ties in name order."""
    pairs: dict[str, int] = {}
    for r in records:
        words = r["theme"].split(" ")
        if len(words) == 2:
            for word in words:
                pairs[word] = max(pairs.get(word, 0), r["mentions"])
    kept = [r for r in records if " " in r["theme"] or pairs.get(r["theme"], 0) < PHRASE_COVERS * r["mentions"]]
    kept.sort(key=lambda r: (-r["mentions"], r["theme"]))
    return kept[:limit]
