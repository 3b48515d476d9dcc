"""Nothing an import reads is lost (property test over cstool's generic ticket format): every
non-empty cell of an imported file (white space only is not empty) is found again in its stored row — as the field's value,
its `raw` text, an `extra` column or a tag — or its row is a reject that names it. Null
sentinels (`NA`, `-`, `?`, `1900-01-01 …`) are empty cells."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cstool.cli.main import app
from cstool.core.formats import parse_iso
from cstool.core.ingest.convert import ASCII_SPACE, split_tags
from cstool.core.ingest.times import is_null
from cstool.core.ingest.vocab import CHANNEL, PRIORITY, STATUS

HEADER = ["id", "subject", "priority", "status", "channel", "created_at", "resolved_at", "reopens", "tags", "note"]
free = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n"), max_size=12)
CELLS = {
    "id": st.one_of(st.sampled_from(["T1", "T2", " T3 ", "\u00a0T1", "", "t1"]), free),
    "subject": st.one_of(free, st.sampled_from(["", "  ", "=SUM(1)", "a,b", '"quoted"'])),
    "priority": st.sampled_from(["", "High", "urgent", "2 - High", "Medium", "nonsense", " low "]),
    "status": st.sampled_from(["", "Open", "solved", "Pending", "On hold", "weird"]),
    "channel": st.sampled_from(["", "Email", "Phone call", "Twitter", "carrier pigeon"]),
    "created_at": st.sampled_from(["2026-03-02T09:00:00Z", "2026-03-02 10:00:00", "", "10:00", "9999-12-31T23:30:00Z",
                                   "2026-03-02T09:00:00+02:00"]),
    "resolved_at": st.sampled_from(["", "2026-03-03T09:00:00Z", "NA", "1900-01-01 00:00:00", "3.5"]),
    "reopens": st.sampled_from(["", "0", "3", "2.0", "-1", "1e309", "x", "NA"]),
    "tags": st.sampled_from(["", "a", "a;b", "b, a, b", " x ", "-"]),
    "note": free,
}
ROW = st.tuples(*(CELLS[h] for h in HEADER))
VOCAB = {"priority": PRIORITY, "status": STATUS, "channel": CHANNEL}


def _csv(rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def _found(header: str, cell: str, row: dict) -> bool:
    raw, extra = json.loads(row["raw"] or "{}"), json.loads(row["extra"] or "{}")
    if raw.get(header) == cell or extra.get(header) == cell:
        return True
    stored = row.get(header)
    if header == "tags":
        return all(tag in json.loads(row["tags"]) for tag in split_tags([(cell, None)]))
    if header in VOCAB:
        return stored == VOCAB[header].get(cell.strip().lower(), "other" if header == "channel" else None)
    if header in ("created_at", "resolved_at"):
        return stored == parse_iso(cell.strip(), "UTC")
    if header == "reopens":
        return stored == int(float(cell))
    return stored == cell  # (text as written: anything trimmed or emptied is in `raw`)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=8))
def test_every_cell_is_stored_or_its_row_is_a_reject_naming_it(rows):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(_csv(rows))
        db = Path(folder) / "t.db"
        result = CliRunner().invoke(app, ["--db", str(db), "import",
                                          "tickets", str(path), "--preset", "generic", "--tz", "UTC",
                                          "--max-rejects", "1000", "--format", "json"])
        assert result.exit_code in (0, 65), result.stdout + result.stderr
        if result.exit_code == 65:  # (a file-level refusal, e.g. an ambiguous time column: nothing written)
            assert "internal error" not in result.stderr and not db.exists()
            return
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        stored = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM tickets")}
        rejected: dict[int, list[str | None]] = {}
        for record, column in conn.execute("SELECT record, \"column\" FROM rejects"):
            rejected.setdefault(record, []).append(column)
        conn.close()
    number = 0
    for cells in rows:
        if all(c == "" for c in cells):
            continue  # (a blank line: read and skipped)
        number += 1
        if number in rejected:
            assert all(c is None or c in HEADER for c in rejected[number])
            continue
        row = stored[cells[0].strip(ASCII_SPACE)]
        for header, cell in zip(HEADER, cells):
            if cell and not (header not in ("subject", "note") and is_null(cell)):
                assert _found(header, cell, row), (header, cell, row)
