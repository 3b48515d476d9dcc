"""Reading the comments and subjects not read yet (services/texts.refresh_texts): each distinct
text once, on two cores when there are many (a second process reads a share, as the clock pass
does: services/worker)."""

from __future__ import annotations

import sys
from collections.abc import Iterable

from cstool.core import text
from cstool.services.worker import Worker, payload, send
from cstool.store import Store
from cstool.store import texts as text_store

ROWS_PER_WRITE = 20_000
PARALLEL_FROM = 40_000   # distinct texts; below this, the second interpreter's loading costs more than it saves
WORKER_SHARE = 0.5
TEXTS_PER_FRAME = 2_000

Key = tuple[str, str, str | None]                           # (kind, text, its source's language)
Reading = tuple[str | None, float | None, list[str]]        # (language, sentiment, key phrases)


def read_stale(store: Store, after_import: int | None) -> int:
    """Inside a write: the facts of every row written by imports after `after_import` (None: of
    every row whose facts are missing or were read from another version) read and stored;
    returns how many rows. (A row is kept as (rowid, text number, import id): the texts, which
    repeat, are held once.)"""
    languages: dict[str, str | None] = {}
    keys: dict[Key, int] = {}
    stale: dict[str, list[tuple[int, int, int | None]]] = {}
    for kind in text_store.TEXTS:
        stale[kind] = rows = []
        for row, source, body, import_id in text_store.stale_rows(store, kind, after_import):
            if body is None or not text.is_text(body):
                rows.append((row, -1, import_id))
                continue
            if source not in languages:
                languages[source] = text.source_language(text_store.sample_texts(store, source, text.SAMPLE_TEXTS))
            rows.append((row, keys.setdefault((kind, body, languages[source]), len(keys)), import_id))
    readings = read_all(list(keys), str(store.path))
    for kind, rows in stale.items():
        for start in range(0, len(rows), ROWS_PER_WRITE):
            batch = rows[start:start + ROWS_PER_WRITE]
            facts, terms = [], []
            for row, key, import_id in batch:
                if key < 0:
                    continue
                lang, score, found = readings[key]
                facts.append((row, import_id, lang, score))
                terms += [(row, term) for term in found]
            text_store.write_facts(store, kind, facts, terms, [r[0] for r in batch])
    return sum(len(rows) for rows in stale.values())


def read_all(keys: list[Key], path: str) -> list[Reading]:
    """The reading of each text, in order, a share of them in a second process when there are many."""
    if len(keys) < PARALLEL_FROM:
        return list(_readings(keys))
    cut = int(len(keys) * WORKER_SHARE)
    worker = Worker("cstool.services.text_pass", keys[:cut])
    try:
        mine = list(_readings(keys[cut:]))
        theirs: list[Reading] = []
        while (frame := worker.take()) is not None:
            theirs += [tuple(r) for r in frame]
    except BaseException:
        worker.kill()
        raise
    worker.finish(f"text reading (for {path})")
    return theirs + mine


def _readings(keys: Iterable[Key]) -> Iterable[Reading]:
    for kind, body, source_lang in keys:
        # (a subject is a few words: too short to tell its language alone; it takes its source's)
        lang = source_lang if kind == "subject" else text.language_of(body, source_lang)
        yield lang, text.sentiment(body, lang), text.terms(body, lang)


def _worker() -> None:
    """Read the keys from stdin, write frames of readings (in order) to stdout."""
    batch: list[Reading] = []
    for reading in _readings(payload()):
        batch.append(reading)
        if len(batch) == TEXTS_PER_FRAME:
            send(batch)
            batch = []
    if batch:
        send(batch)
    sys.stdout.flush()


if __name__ == "__main__":
    _worker()
