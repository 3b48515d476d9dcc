"""The layer contract, checked on the syntax tree of every module (docs/architecture.md, "The
layers"). `violations` is the checker; the tests below run it on the package and on planted
violations of each kind, so a checker that cannot fail fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import cstool

ROOT = Path(cstool.__file__).parent
UI = ("typer", "rich", "click")
SQL = ("sqlite3", "sqlite_utils")
LAYERS = ("core", "store", "services", "render", "cli", "config")
# What each layer may import from the others (cstool.__init__ and __main__ aside).
ALLOWED = {
    "core": {"core"},
    "store": {"core", "store"},
    "config": {"core", "config"},
    "services": {"core", "store", "config", "services"},
    "render": {"core", "render"},
    "cli": set(LAYERS),
}
CLOCK_CALLS = {("time", "time"), ("time", "time_ns"), ("datetime", "now"), ("datetime", "utcnow"), ("date", "today")}
SQL_ATTRIBUTES = {"execute", "executemany", "executescript", "conn", "cursor"}


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "cstool" and parts[1] in LAYERS else None


def _starts(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(module: str, source: str) -> list[str]:
    """Every breach of the contract in one module's source."""
    layer = _layer(module)
    tree = ast.parse(source)
    imports: set[str] = set()
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imports.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imports.add(node.module)
            imports.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Attribute):
            if node.attr in SQL_ATTRIBUTES and layer != "store":
                found.append(f"{module}: SQL (.{node.attr}) outside the store")
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in CLOCK_CALLS and layer != "cli":
                found.append(f"{module}: reads the clock ({node.value.id}.{node.attr}) outside the CLI")
            if node.attr == "environ" and layer != "cli":
                found.append(f"{module}: reads the environment outside the CLI")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open" \
                and layer == "core":
            found.append(f"{module}: opens a file in the pure core")
    for name in imports:
        other = _layer(name)
        if layer and other and other not in ALLOWED[layer]:
            found.append(f"{module}: the {layer} layer imports {name}")
        if _starts(name, ("click",)):
            found.append(f"{module}: imports click (typer only)")
        if _starts(name, ("typer",)) and layer != "cli":
            found.append(f"{module}: imports typer outside the CLI")
        if _starts(name, ("rich",)) and layer not in ("cli", "render"):
            found.append(f"{module}: imports rich outside cli and render")
        if _starts(name, SQL) and layer != "store":
            found.append(f"{module}: imports {name} outside the store")
        if _starts(name, ("smtplib",)) and module != "cstool.services.mail":
            found.append(f"{module}: imports smtplib outside services.mail")
        if layer == "core" and _starts(name, ("os", "time", "multiprocessing", "subprocess", "socket", "ssl")):
            found.append(f"{module}: the pure core imports {name}")
    return found


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        name = "cstool." + ".".join(path.relative_to(ROOT).with_suffix("").parts)
        yield name.removesuffix(".__init__"), path


def test_every_module_keeps_the_contract():
    found = [v for name, path in _modules() for v in violations(name, path.read_text(encoding="utf-8"))]
    assert found == []


def test_every_module_is_in_a_layer():
    loose = [name for name, _ in _modules() if _layer(name) is None and name not in ("cstool", "cstool.__main__")]
    assert loose == []


@pytest.mark.parametrize("module, source, expected", [
    ("cstool.core.x", "import typer", "imports typer outside the CLI"),
    ("cstool.core.x", "from rich.table import Table", "imports rich outside cli and render"),
    ("cstool.core.x", "import sqlite3", "imports sqlite3 outside the store"),
    ("cstool.core.x", "import sqlite_utils", "imports sqlite_utils outside the store"),
    ("cstool.core.x", "import smtplib", "imports smtplib outside services.mail"),
    ("cstool.core.x", "import time\ntime.time()", "reads the clock (time.time) outside the CLI"),
    ("cstool.core.x", "from datetime import datetime\ndatetime.now()", "reads the clock (datetime.now)"),
    ("cstool.core.x", "import os\nos.environ.get('X')", "reads the environment outside the CLI"),
    ("cstool.core.x", "open('f.csv')", "opens a file in the pure core"),
    ("cstool.core.x", "from cstool.store import Store", "the core layer imports cstool.store"),
    ("cstool.services.x", "from cstool.cli.common import now", "the services layer imports cstool.cli.common"),
    ("cstool.services.x", "from cstool.render import table", "the services layer imports cstool.render"),
    ("cstool.render.x", "from cstool.services.kpi import better", "the render layer imports cstool.services.kpi"),
    ("cstool.render.x", "from cstool.store import Store", "the render layer imports cstool.store"),
    ("cstool.services.x", "store.conn.execute('SELECT 1')", "SQL (.execute) outside the store"),
    ("cstool.cli.x", "rows = store.conn", "SQL (.conn) outside the store"),
    ("cstool.store.x", "from datetime import date\ndate.today()", "reads the clock (date.today)"),
    ("cstool.store.x", "from cstool.services import sla", "the store layer imports cstool.services"),
    ("cstool.config.x", "from cstool.store import open_store", "the config layer imports cstool.store"),
    ("cstool.cli.x", "import click", "imports click (typer only)"),
])
def test_the_checker_reports_a_planted_violation(module, source, expected):
    assert any(expected in v for v in violations(module, source)), violations(module, source)


def test_the_checker_allows_what_the_contract_allows():
    assert violations("cstool.cli.x", "import time\nimport typer\ntime.time()\nfrom cstool.services import sla") == []
    assert violations("cstool.store.x", "import sqlite3\nconn.execute('SELECT 1')") == []
    assert violations("cstool.services.mail", "import smtplib") == []
    assert violations("cstool.render.x", "from rich.table import Table\nfrom cstool.core.kpi import HEADLINE") == []
