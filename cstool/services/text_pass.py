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
    returns how many rows."""
    stale = {kind: text_store.stale_rows(store, kind, after_import) for kind in text_store.TEXTS}
    languages: dict[str, str | None] = {}
    for source in sorted({source for rows in stale.values() for _, source, body, _ in rows if body}):
        languages[source] = text.source_language(text_store.sample_texts(store, source, text.SAMPLE_TEXTS))
    keys = {(kind, body, languages[source]): None for kind, rows in stale.items()
            for _, source, body, _ in rows if body is not None and text.is_text(body)}
    readings = read_all(list(keys), str(store.path))
    for kind, rows in stale.items():
        for start in range(0, len(rows), ROWS_PER_WRITE):
            batch = rows[start:start + ROWS_PER_WRITE]
            facts, terms = [], []
            for row, source, body, import_id in batch:
                reading = readings.get((kind, body, languages.get(source))) if body is not None else None
                if reading is None:
                    continue
                lang, score, found = reading
                facts.append((row, import_id, lang, score))
                terms += [(row, term) for term in found]
            text_store.write_facts(store, kind, facts, terms, [r[0] for r in batch])
    return sum(len(rows) for rows in stale.values())


def read_all(keys: list[Key], path: str) -> dict[Key, Reading]:
    """The reading of each text, a share of them in a second process when there are many."""
    if len(keys) < PARALLEL_FROM:
        return dict(zip(keys, _readings(keys)))
    cut = int(len(keys) * WORKER_SHARE)
    theirs, mine = keys[:cut], keys[cut:]
    worker = Worker("cstool.services.text_pass", theirs)
    try:
        found = dict(zip(mine, _readings(mine)))
        done: list[Reading] = []
        while (frame := worker.take()) is not None:
            done += [tuple(r) for r in frame]
    except BaseException:
        worker.kill()
        raise
    worker.finish(f"text reading (for {path})")
    found.update(zip(theirs, done))
    return found


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
