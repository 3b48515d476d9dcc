"""The layer contract of DESIGN §2, checked on the import statements of every module."""

from __future__ import annotations

import ast
from pathlib import Path

import cstool

ROOT = Path(cstool.__file__).parent
PURE = ("cstool.core.ingest", "cstool.core.sla", "cstool.core.kpi", "cstool.core.escalation", "cstool.core.models")
UI = ("typer", "rich", "click")
SQL = ("sqlite_utils", "sqlite3")


def _modules():
    for path in ROOT.rglob("*.py"):
        name = "cstool." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
        yield name.removesuffix(".__init__"), path


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def _hits(imports: set[str], prefixes) -> set[str]:
    return {i for i in imports if any(i == p or i.startswith(p + ".") for p in prefixes)}


def test_pure_layers_import_no_ui_sql_store_or_clock():
    for name, path in _modules():
        if _hits({name}, PURE):
            bad = _hits(_imports(path), UI + SQL + ("cstool.store", "cstool.cli", "cstool.render",
                                                    "cstool.config", "cstool.services.mail", "time", "os"))
            assert not bad, f"{name} imports {bad}"


def test_only_the_store_touches_sql():
    for name, path in _modules():
        if not name.startswith("cstool.store"):
            assert not _hits(_imports(path), SQL), f"{name} imports SQL modules"


def test_only_the_cli_imports_typer_and_nobody_imports_click():
    for name, path in _modules():
        imports = _imports(path)
        assert not _hits(imports, ("click",)), f"{name} imports click"
        if not name.startswith("cstool.cli"):
            assert not _hits(imports, ("typer",)), f"{name} imports typer"


def test_lower_layers_never_import_the_cli():
    for name, path in _modules():
        if not name.startswith(("cstool.cli", "cstool.__main__")):
            assert not _hits(_imports(path), ("cstool.cli",)), f"{name} imports the CLI"


def test_the_checker_sees_imports():
    """Guard against a checker that can never fail."""
    assert "typer" in _imports(ROOT / "cli" / "common.py")
    assert "sqlite3" in _imports(ROOT / "store" / "connection.py")
