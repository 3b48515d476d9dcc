"""The stored reading of survey comments and ticket subjects (text_facts, text_terms), and the
queries over it: what is not read yet, the themes of a period, example comments."""

from __future__ import annotations

from collections.abc import Iterator

from cstool.core.models import Record
from cstool.core.text import NO_TEXT
from cstool.store.connection import Store, sql_list
from cstool.store.followups import DETRACTOR
from cstool.store.kpi import Where, survey_count_sql, where_sql

# kind -> (table, text column)
TEXTS = {"comment": ("surveys", "comment"), "subject": ("tickets", "subject")}
_TICKET = " LEFT JOIN tickets t ON t.source = s.source AND t.id = s.ticket_id"


def signature(store: Store) -> str:
    """What the rows' texts depend on: the imports made and undone (nothing else writes rows)."""
    last, undone = store.conn.execute("SELECT coalesce(max(id), 0), count(undone_at) FROM imports").fetchone()
    return f"{last}:{undone}"


def meta(store: Store) -> dict[str, str]:
    return dict(store.conn.execute("SELECT key, value FROM text_meta"))


def set_meta(store: Store, **values: str) -> None:
    store.conn.executemany("INSERT OR REPLACE INTO text_meta VALUES (?, ?)", list(values.items()))


def stale_rows(store: Store, kind: str, after_import: int | None) -> Iterator[tuple[int, str, str | None, int | None]]:
    """(rowid, source, text, import id) of the rows whose text is unread or was read from another
    version of the row (another import's): among the rows of imports after `after_import`, or
    (None) among all rows."""
    table, column = TEXTS[kind]
    scope = "1" if after_import is None else f"x.import_id > {int(after_import)}"
    return store.conn.execute(
        f"SELECT x.rowid, x.source, x.{column}, x.import_id FROM {table} x "
        "LEFT JOIN text_facts f ON f.kind = ? AND f.row = x.rowid "
        f"WHERE {scope} AND (f.row IS NULL AND {_has_text('x.' + column)} OR f.import_id IS NOT x.import_id "
        "AND f.row IS NOT NULL)", (kind,))


def _has_text(column: str) -> str:
    """SQL twin of core.text.is_text."""
    markers = sql_list(NO_TEXT)
    blank = "' ' || char(9, 10, 13, 11, 12)"  # (str.strip's whitespace in ASCII)
    return (f"coalesce({column}, '') != '' AND trim({column}, {blank}) != '' "
            f"AND lower(trim({column}, {blank})) NOT IN ({markers})")


def sample_texts(store: Store, source: str, n: int) -> list[str]:
    """Up to n of a source's latest comments, then its latest subjects (to tell its language)."""
    q = store.conn.execute
    texts = [r[0] for r in q(f"SELECT comment FROM surveys WHERE source = ? AND {_has_text('comment')} "
                             "ORDER BY rowid DESC LIMIT ?", (source, n))]
    if len(texts) < n:
        texts += [r[0] for r in q(f"SELECT subject FROM tickets WHERE source = ? AND {_has_text('subject')} "
                                  "ORDER BY rowid DESC LIMIT ?", (source, n - len(texts)))]
    return texts


def write_facts(store: Store, kind: str, rows: list[tuple[int, int | None, str | None, float | None]],
                terms: list[tuple[int, str]], forget: list[int]) -> None:
    """Inside a write: the facts of `forget` rows out, then `rows` (row, import id, lang, sentiment)
    and their `terms` (row, term) in."""
    q = store.conn.executemany
    q("DELETE FROM text_facts WHERE kind = ? AND row = ?", [(kind, r) for r in forget])
    q("DELETE FROM text_terms WHERE kind = ? AND row = ?", [(kind, r) for r in forget])
    q("INSERT INTO text_facts VALUES (?, ?, ?, ?, ?)", [(kind, *r) for r in rows])
    q("INSERT OR IGNORE INTO text_terms VALUES (?, ?, ?)", [(kind, *t) for t in terms])


def drop_orphans(store: Store) -> None:
    """Inside a write: the facts of rows that no longer exist (an undone import's new rows)."""
    for kind, (table, _) in TEXTS.items():
        for name in ("text_facts", "text_terms"):
            store.conn.execute(f"DELETE FROM {name} WHERE kind = ? AND row NOT IN (SELECT rowid FROM {table})",
                               (kind,))


def within(column: str, since: int | None, until: int) -> str:
    """[since, until); since None: every row, those without the time too (`--period all`)."""
    return "1" if since is None else f"{column} >= {int(since)} AND {column} < {int(until)}"


def _survey_scope(since: int | None, until: int, kinds: tuple[str, ...], where: Where) -> str:
    kinds_sql = sql_list(kinds)
    return (f"{within('s.submitted_at', since, until)} AND s.kind IN ({kinds_sql})"
            f"{where_sql(where) and ' AND t.id IS NOT NULL'}{where_sql(where)}")


def comment_themes(store: Store, since: int | None, until: int, kinds: tuple[str, ...], where: Where = (),
                   detractors: bool = False, least: int = 2) -> tuple[list[tuple], int]:
    """Per key phrase of the comments of the answers submitted in [since, until): (term, answers,
    sentiment total, scored, positive, negative, *the survey counts of core.kpi.SURVEY_COUNTS) of
    those mentioned at least `least` times; and how many answers had a comment that was read."""
    scope = _survey_scope(since, until, kinds, where) + (f" AND {DETRACTOR}" if detractors else "")
    sentiment = ("total(f.sentiment), count(f.sentiment), ifnull(sum(f.sentiment >= 0.05), 0), "
                 "ifnull(sum(f.sentiment <= -0.05), 0)")
    rows = store.conn.execute(
        f"SELECT x.term, count(*), {sentiment}, {', '.join(survey_count_sql())} FROM surveys s{_TICKET} "
        "JOIN text_facts f ON f.kind = 'comment' AND f.row = s.rowid "
        "JOIN text_terms x ON x.kind = 'comment' AND x.row = s.rowid "
        f"WHERE {scope} GROUP BY x.term HAVING count(*) >= {int(least)}").fetchall()
    read = store.conn.execute(f"SELECT count(*) FROM surveys s{_TICKET} JOIN text_facts f ON f.kind = 'comment' "
                              f"AND f.row = s.rowid WHERE {scope}").fetchone()[0]
    return rows, read


def languages(store: Store, since: int | None, until: int, kinds: tuple[str, ...], where: Where = (),
              of: str = "comment") -> dict[str | None, int]:
    """How many texts of the period were read in each language (None: undetermined)."""
    if of == "subject":
        sql = ("SELECT f.lang, count(*) FROM tickets t JOIN text_facts f ON f.kind = 'subject' AND f.row = t.rowid "
               f"WHERE {within('t.created_at', since, until)}{where_sql(where)} GROUP BY 1")
    else:
        sql = (f"SELECT f.lang, count(*) FROM surveys s{_TICKET} JOIN text_facts f ON f.kind = 'comment' "
               f"AND f.row = s.rowid WHERE {_survey_scope(since, until, kinds, where)} GROUP BY 1")
    return dict(store.conn.execute(sql).fetchall())


def subject_themes(store: Store, since: int | None, until: int, where: Where = (), least: int = 2
                   ) -> tuple[list[tuple], int]:
    """Per key phrase of the subjects of the tickets created in [since, until): (term, tickets,
    sentiment total, scored, positive, negative); and how many tickets had a subject that was read."""
    scope = f"{within('t.created_at', since, until)}{where_sql(where)}"
    rows = store.conn.execute(
        "SELECT x.term, count(*), total(f.sentiment), count(f.sentiment), ifnull(sum(f.sentiment >= 0.05), 0), "
        "ifnull(sum(f.sentiment <= -0.05), 0) FROM tickets t "
        "JOIN text_facts f ON f.kind = 'subject' AND f.row = t.rowid "
        "JOIN text_terms x ON x.kind = 'subject' AND x.row = t.rowid "
        f"WHERE {scope} GROUP BY x.term HAVING count(*) >= {int(least)}").fetchall()
    read = store.conn.execute("SELECT count(*) FROM tickets t JOIN text_facts f ON f.kind = 'subject' "
                              f"AND f.row = t.rowid WHERE {scope}").fetchone()[0]
    return rows, read


def examples(store: Store, since: int | None, until: int, kinds: tuple[str, ...], terms: list[str], per_term: int,
             where: Where = (), detractors: bool = False) -> dict[str, list[Record]]:
    """Up to `per_term` different comments mentioning each term (the most negative first, then
    the latest)."""
    scope = _survey_scope(since, until, kinds, where) + (f" AND {DETRACTOR}" if detractors else "")
    out: dict[str, list[Record]] = {}
    for term in terms:
        cur = store.conn.execute(
            f"SELECT s.source, s.id, s.kind, s.score, s.comment, s.submitted_at, f.sentiment FROM surveys s{_TICKET} "
            "JOIN text_terms x ON x.kind = 'comment' AND x.row = s.rowid AND x.term = ? "
            "JOIN text_facts f ON f.kind = 'comment' AND f.row = s.rowid "
            f"WHERE {scope} ORDER BY coalesce(f.sentiment, 0), s.submitted_at DESC, s.id", (term,))
        names = ("source", "survey_id", "kind", "score", "comment", "submitted_at", "sentiment")
        seen: dict[str, Record] = {}
        for r in cur:
            if r[4] not in seen:
                seen[r[4]] = dict(zip(names, r))
                if len(seen) == per_term:
                    break
        out[term] = list(seen.values())
    return out


def choose_themes(store: Store, terms: list[str]) -> None:
    """The themes `kpi --by theme` groups by, for the queries on this store (and its readers)."""
    store.themes = tuple(terms)


def theme_volumes(store: Store, since: int, until: int, where: Where = ()) -> list[tuple[str, int]]:
    """(term, mentions) over the subjects of the tickets created and the comments of the answers
    submitted in [since, until)."""
    subjects = (f"SELECT x.term AS term FROM tickets t JOIN text_terms x ON x.kind = 'subject' AND x.row = t.rowid "
                f"WHERE {within('t.created_at', since, until)}{where_sql(where)}")
    comments = (f"SELECT x.term AS term FROM surveys s{_TICKET} JOIN text_terms x ON x.kind = 'comment' "
                f"AND x.row = s.rowid WHERE {within('s.submitted_at', since, until)}"
                f"{where_sql(where) and ' AND t.id IS NOT NULL'}{where_sql(where)}")
    return store.conn.execute(f"SELECT term, count(*) FROM ({subjects} UNION ALL {comments}) GROUP BY term "
                              "HAVING count(*) >= 2").fetchall()
