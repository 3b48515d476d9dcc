"""House rules of the tree: short files and functions, and every reference to docs/ pointing at
a heading that exists (docs/architecture.md, "Tests and tooling")."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("cstool", "tests", "benchmarks", "sample_data") for p in (ROOT / folder).rglob("*.py"))
MAX_FILE_LINES, MAX_FUNCTION_LINES = 400, 60
REFERENCE = re.compile(r"docs/([\w-]+\.md)#([\w-]+)")


def _anchor(heading: str) -> str:
    """A Markdown heading as a link anchor (GitHub's rule: lower case, punctuation dropped, spaces to -)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(doc: Path) -> set[str]:
    return {_anchor(line.lstrip("#")) for line in doc.read_text(encoding="utf-8").splitlines() if line.startswith("#")}


def long_parts(source: str) -> list[str]:
    """What in a module's source breaks the size rules."""
    found = []
    if source.count("\n") > MAX_FILE_LINES:
        found.append(f"{source.count(chr(10))} lines")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"{node.name}() is {length} lines")
    return found


def test_no_file_over_400_lines_and_no_function_over_60():
    found = {str(p.relative_to(ROOT)): long_parts(p.read_text(encoding="utf-8")) for p in SOURCES}
    assert {k: v for k, v in found.items() if v} == {}


def test_the_size_check_can_fail():
    body = "\n".join(f"    x = {i}" for i in range(61))
    assert long_parts(f"def f():\n{body}\n") == ["f() is 62 lines"]
    assert long_parts("x = 1\n" * 401) == ["401 lines"]


def test_every_docs_reference_names_an_existing_heading():
    texts = [*SOURCES, ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
    refs = {(str(p.relative_to(ROOT)), m.group(1), m.group(2)) for p in texts
            for m in REFERENCE.finditer(p.read_text(encoding="utf-8"))}
    assert len(refs) >= 15, "the code cites docs/ in its docstrings"
    missing = [r for r in refs if not (ROOT / "docs" / r[1]).is_file() or r[2] not in _anchors(ROOT / "docs" / r[1])]
    assert missing == []


@pytest.mark.parametrize("heading, anchor", [("Clock states", "clock-states"), ("E-mail", "e-mail"),
                                             ("Open at an instant", "open-at-an-instant")])
def test_anchors_follow_the_markdown_rule(heading, anchor):
    assert _anchor(heading) == anchor


def test_every_path_the_docs_name_exists():
    named = {m.group(0).rstrip(".,)`") for doc in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]
             for m in re.finditer(r"(?<![\w/])(?:cstool|tests|benchmarks|sample_data|docs)/[\w./-]+",
                                  doc.read_text(encoding="utf-8"))}
    assert len(named) >= 20

    def exists(name: str) -> bool:  # a path, or a module path with an attribute (`core/kpi.HEADLINE`)
        stem = name.split(".", 1)[0]
        return any((ROOT / n).exists() for n in (name, stem, stem + ".py"))

    missing = sorted(n for n in named if not exists(n))
    assert missing == []
