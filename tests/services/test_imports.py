"""cstool.services.imports: the forked parser process gives what the in-process parser gives (records, rejects, file errors); duplicates across batches."""

from __future__ import annotations

from conftest import HEADER, ROWS, as_json, imp, rows, write


def test_parser_process_gives_the_same_result_as_in_process(cli, tmp_path, monkeypatch):
    """Large files are parsed in a forked child; force that path on a small file and compare."""
    import cstool.services.imports as importing
    import cstool.services.parallel_parse as parser_process

    text = (HEADER + ROWS + "T3,x,Whenever,Open,Email,2026-03-02T09:00:00Z,,,\n"
            + "T1,dup,low,open,email,2026-03-02T09:00:00Z,,,\n")
    write(tmp_path / "t.csv", text)
    sequential = as_json(cli("--db", "a.db", "import", "tickets", "t.csv", "--max-rejects", "5", "--format", "json"))
    monkeypatch.setattr(importing, "PARALLEL_BYTES", 0)
    used = []
    real = parser_process.parse_in_parallel
    monkeypatch.setattr(parser_process, "parse_in_parallel", lambda *a: used.append(1) or real(*a))
    parallel = as_json(cli("--db", "b.db", "import", "tickets", "t.csv", "--max-rejects", "5", "--format", "json"))
    assert used and parallel == sequential
    assert (parallel["inserted"], parallel["rejected"]) == (2, 2)
    assert rows("a.db", "SELECT * FROM tickets ORDER BY id") == rows("b.db", "SELECT * FROM tickets ORDER BY id")
    assert rows("a.db", 'SELECT record, error_type FROM rejects') == rows("b.db", 'SELECT record, error_type FROM rejects')


def test_duplicates_in_a_later_import_across_batches(cli, tmp_path, monkeypatch):
    """Into a non-empty store ids are claimed batch by batch: a repeat in the same batch or in a
    later one is a reject, the first occurrence wins, and nothing else changes."""
    import cstool.store.imports as writes

    write(tmp_path / "t.csv", HEADER + ROWS)
    assert imp(cli, "tickets", "t.csv").exit_code == 0
    monkeypatch.setattr(writes, "ROWS_PER_FLUSH", 2)
    later = (HEADER + "T7,First,low,open,email,2026-03-05T08:00:00Z,,,\n"
             + "T8,x,low,open,email,2026-03-05T08:00:00Z,,,\n" + "T7,Again,low,open,email,2026-03-05T08:00:00Z,,,\n"
             + "T9,y,low,open,email,2026-03-05T08:00:00Z,,,\n" + "T9,z,low,open,email,2026-03-05T08:00:00Z,,,\n")
    write(tmp_path / "later.csv", later)
    result = as_json(imp(cli, "tickets", "later.csv", "--max-rejects", "5", "--format", "json"))
    assert (result["inserted"], result["rejected"]) == (3, 2)
    assert rows("t.db", "SELECT id, subject FROM tickets WHERE id IN ('T7', 'T9') ORDER BY id") == [
        ("T7", "First"), ("T9", "y")]
    assert rows("t.db", "SELECT record, error_type FROM rejects ORDER BY record") == [
        (3, "DUPLICATE KEY IN FILE"), (5, "DUPLICATE KEY IN FILE")]


def test_parser_process_reports_a_file_error_like_in_process(cli, tmp_path, monkeypatch):
    """A file-level error raised in the parser process reaches the user unchanged (exit 65)."""
    import cstool.services.imports as importing
    import cstool.services.parallel_parse as parser_process

    (tmp_path / "bad.csv").write_bytes((HEADER + ROWS).encode() + b"T3,caf\xe9,low,open,email,2026-03-02T09:00:00Z,,,\n")
    in_process = imp(cli, "tickets", "bad.csv")
    monkeypatch.setattr(importing, "PARALLEL_BYTES", 0)
    used = []
    real = parser_process.parse_in_parallel
    monkeypatch.setattr(parser_process, "parse_in_parallel", lambda *a: used.append(1) or real(*a))
    parallel = imp(cli, "tickets", "bad.csv")
    assert used and in_process.exit_code == parallel.exit_code == 65
    assert "line 4, byte offset" in parallel.stderr and parallel.stderr == in_process.stderr
    assert not (tmp_path / "t.db").exists()  # (nothing committed to a store made for it: none is left)
