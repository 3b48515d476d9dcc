"""A disk that fills during an import: exit 73 with a message saying so, the store as it was,
and no empty store file left behind when the store was new."""

from __future__ import annotations

import pytest
from conftest import ROOT, rows

SAMPLE = ROOT / "sample_data"


@pytest.mark.parametrize("size", ["300k", "600k"], ids=["while the store is set up", "during the import"])
def test_an_import_onto_a_full_disk_says_so_and_leaves_no_store(cli, mount, size):
    """(The mount's teardown unmounts it: that fails when a connection is left open on the file.)"""
    disk = mount("small", "-t", "tmpfs", "-o", f"size={size}", "tmpfs")
    result = cli("--db", disk / "s.db", "import", "tickets", SAMPLE / "tickets.csv")
    assert result.exit_code == 73, result.stderr
    assert "the disk is full or failing" in result.stderr and "internal error" not in result.stderr
    assert sorted(p.name for p in disk.iterdir()) == []


def test_a_full_disk_keeps_what_was_imported_before(cli, mount):
    disk = mount("small", "-t", "tmpfs", "-o", "size=1200k", "tmpfs")
    assert cli("--db", disk / "s.db", "import", "customers", SAMPLE / "customers.csv").exit_code == 0
    result = cli("--db", disk / "s.db", "import", "events", SAMPLE / "events.csv")
    assert result.exit_code == 73, result.stderr
    assert "nothing of this write was kept" in result.stderr
    assert rows(disk / "s.db", "SELECT count(*) FROM ticket_events") == [(0,)]
    assert rows(disk / "s.db", "SELECT count(*) FROM customers") == [(600,)]
