"""Reading survey comments and ticket subjects (language, sentiment, key phrases) into the store
on first need, and the themes of a period (docs/semantics.md#comment-sentiment-and-themes)."""

from __future__ import annotations

from cstool.core import text
from cstool.core.kpi import SURVEY_COUNTS, survey_figures
from cstool.core.models import Record
from cstool.core.themes import pick_themes
from cstool.services.text_pass import read_stale
from cstool.store import Store
from cstool.store import texts as text_store
from cstool.store.kpi import Where

THEMES = 15            # rows of `cstool themes` by default
KPI_THEMES = 12        # groups of `kpi --by theme`


def texts_fresh(store: Store) -> bool:
    return text_store.meta(store).get("signature") == text_store.signature(store)


def refresh_texts(store: Store) -> int:
    """Read the comments and subjects of the rows written since the last reading; returns how
    many texts were read. On a read-only store nothing is written (`store.stale_texts` is set)."""
    if store.generation is not None or texts_fresh(store):
        return 0
    if store.read_only:
        store.stale_texts = True
        return 0
    with store.write():  # (read again under the write lock: an import may have landed)
        info = text_store.meta(store)
        signature = text_store.signature(store)
        if info.get("signature") == signature:
            return 0
        last, undone = (int(x) for x in info.get("signature", "0:0").split(":"))
        full = undone != int(signature.split(":")[1])  # (an undo put older rows back: compare every row)
        done = read_stale(store, None if full else last)
        if full:
            text_store.drop_orphans(store)
        text_store.set_meta(store, signature=signature)
    return done


def themes(store: Store, since: int | None, until: int, previous: tuple[int, int] | None, kinds: tuple[str, ...],
           where: Where = (), of: str = "comment", limit: int = THEMES, detractors: bool = False) -> Record:
    """{read, previous_read, languages, unscored_languages, themes: [...]}: the key phrases most
    mentioned in [since, until) (since None: in every text, dated or not), each with its volume,
    its share of the texts read, the figures of the answers that mention it (comments), its
    sentiment, and the same volume in the `previous` period (None: none)."""
    def counts(lo: int | None, hi: int, least: int) -> tuple[list[tuple], int]:
        if of == "subject":
            return text_store.subject_themes(store, lo, hi, where, least)
        return text_store.comment_themes(store, lo, hi, kinds, where, detractors, least)

    rows, read = counts(since, until, 2)
    before, read_before = counts(*previous, 1) if previous else ([], 0)
    was = {r[0]: r[1] for r in before}
    records = []
    for term, n, total, scored, positive, negative, *survey in rows:
        record: Record = {"theme": term, "mentions": n, "share": round(n / read, 4) if read else None,
                          "previous": was.get(term, 0),
                          "previous_share": round(was.get(term, 0) / read_before, 4) if read_before else None,
                          "sentiment": round(total / scored, 3) if scored else None, "scored": scored,
                          "negative_pct": round(100.0 * negative / scored, 1) if scored else None,
                          "positive_pct": round(100.0 * positive / scored, 1) if scored else None}
        if survey:
            figures = survey_figures(dict(zip(SURVEY_COUNTS, survey)))
            record.update({key: figures[key].value for key in ("csat_pct", "csat_avg", "nps", "ces_avg")})
        records.append(record)
    langs = text_store.languages(store, since, until, kinds, where, of)
    unscored = {lang or "undetermined": n for lang, n in langs.items() if lang not in text.SCORED}
    return {"read": read, "previous_read": read_before,
            "languages": {lang or "undetermined": n for lang, n in sorted(langs.items(), key=lambda x: -x[1])},
            "unscored_languages": ", ".join(f"{lang} {n:,}" for lang, n in unscored.items()),
            "themes": pick_themes(records, limit), "kinds": kinds}


def detractor_themes(store: Store, since: int, until: int, previous: tuple[int, int], limit: int = 5,
                     examples: int = 2, where: Where = ()) -> Record:
    """What detractors (NPS 0-6, CSAT of 2 or less) talk about: their most mentioned key phrases,
    each with `examples` of their comments (the most negative first)."""
    doc = themes(store, since, until, previous, ("csat", "nps"), where, limit=limit, detractors=True)
    quotes = text_store.examples(store, since, until, ("csat", "nps"), [t["theme"] for t in doc["themes"]],
                                 examples, where, detractors=True)
    for theme in doc["themes"]:
        theme["examples"] = quotes.get(theme["theme"], [])
    return doc


def kpi_themes(store: Store, since: int, until: int, where: Where = ()) -> list[str]:
    """Choose the KPI_THEMES themes most mentioned in the period's subjects and comments for
    `kpi --by theme` (a ticket's themes are its subject's; an answer's, its comment's)."""
    volumes = [{"theme": term, "mentions": n} for term, n in text_store.theme_volumes(store, since, until, where)]
    chosen = [r["theme"] for r in pick_themes(volumes, KPI_THEMES)]
    text_store.choose_themes(store, chosen)
    return chosen
