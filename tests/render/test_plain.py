"""cstool.render.plain: a Markdown cell renders as its text: no live HTML, links, code or new rows."""

from __future__ import annotations

import pytest

from cstool.render.plain import markdown_table, md_cell


@pytest.mark.parametrize("text, cell", [
    ("a|b|c", "a\\|b\\|c"),
    ("line one\n# heading", "line one # heading"),
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(1)">', '&lt;img src=x onerror="alert(1)"&gt;'),
    ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("`rm -rf`", "\\`rm -rf\\`"),
    ("back\\slash & more", "back\\\\slash &amp; more"),
    ("sla_first_response_pct 85.2% *", "sla_first_response_pct 85.2% *"),   # ordinary text stays as it is
])
def test_md_cell(text, cell):
    assert md_cell(text) == cell


def test_a_table_keeps_its_columns_whatever_the_cells_hold():
    table = markdown_table(["team", "tickets"], [["a|b|c\n# x", "3"]])
    assert table.splitlines() == ["| team | tickets |", "|---|---|", "| a\\|b\\|c # x | 3 |"]


def test_kpi_markdown_escapes_group_labels(cli, tmp_path):
    from conftest import write

    write(tmp_path / "t.csv", "id,priority,status,team,created_at\n"
                              "T1,high,open,<b>a|b</b>,2026-03-02T09:00:00Z\n")
    assert cli("import", "tickets", "t.csv").exit_code == 0
    out = cli("kpi", "--since", "2026-03-01", "--until", "2026-03-08", "--by", "team", "--format", "markdown").stdout
    assert "| &lt;b&gt;a\\|b&lt;/b&gt; |" in out and "<b>" not in out
