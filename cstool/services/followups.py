"""The closed-loop follow-up queue: detractors and low CSAT answers not yet followed up."""

from __future__ import annotations

from cstool.core.errors import InputMissing
from cstool.core.formats import DAY_SECONDS
from cstool.core.models import Record
from cstool.core.text import tone
from cstool.store import Store
from cstool.store import followups as followup_store


def followup_queue(store: Store, as_of: int, days: int) -> list[Record]:
    """Detractors and CSAT <= 2 answers of the last `days` days not yet followed up; the owner is
    the ticket's assignee, else its team; each comment's sentiment, tone and themes (read first:
    services/texts)."""
    rows = followup_store.followup_candidates(store, as_of - days * DAY_SECONDS, as_of + 1)
    for row in rows:
        row["themes"] = row["themes"].split("; ") if row["themes"] else []
        row["tone"] = tone(row["sentiment"])
        row["owner"] = row["assignee"] or row["team"]
        score = row["score"]
        row["score"] = row["label"] if score is None else int(score) if score == int(score) else score
    return rows


def mark_followup(store: Store, survey_ref: str, done_at: int | None, note: str | None) -> tuple[str, str]:
    keys = followup_store.find_survey(store, survey_ref)
    if not keys:
        raise InputMissing(f"no survey answer {survey_ref!r} in the store (see `cstool followups`)")
    if len(keys) > 1:
        raise InputMissing(f"survey id {survey_ref!r} exists in several sources; name one as SOURCE:ID")
    followup_store.mark_followup(store, keys[0], done_at, note)
    return keys[0]
