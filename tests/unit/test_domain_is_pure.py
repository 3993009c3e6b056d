"""The domain core stays pure: no web framework, no database, no server, no clock of its own."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "cafe" / "domain"
FORBIDDEN_PACKAGES = {
    "flask", "flask_socketio", "flask_babel", "sqlalchemy", "eventlet", "gevent", "socketio", "engineio", "werkzeug",
}
# Reading the clock inside the domain would make rounds and seatings untestable: `now` is a parameter.
CLOCK_CALLS = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"), ("time", "time")}
CLOCK_NAMES = {"now", "utcnow", "time"}


def domain_modules() -> list[Path]:
    """Every module of the domain, its subpackages (rotation/, harvest/) included."""
    return sorted(DOMAIN.rglob("*.py"))


def imported_packages(tree: ast.AST) -> set[str]:
    packages = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
    return packages


def clock_reads(tree: ast.AST) -> list[str]:
    """Every datetime.now / datetime.utcnow / time.time (however it was imported)."""
    found = []
    from_imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            from_imported.update(alias.asname or alias.name for alias in node.names
                                 if node.module == "time" and alias.name in CLOCK_NAMES)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in CLOCK_CALLS):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                and (node.value.attr, node.attr) in CLOCK_CALLS):
            found.append(f"line {node.lineno}: ...{node.value.attr}.{node.attr}")
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in from_imported:
            found.append(f"line {node.lineno}: {node.func.id}()")
    return found


def test_the_domain_folder_and_its_subpackages_have_modules_to_check():
    names = {path.relative_to(DOMAIN).as_posix() for path in domain_modules()}
    assert {"timer.py", "rotation/planner.py", "harvest/themes.py"} <= names


@pytest.mark.parametrize("path", domain_modules(), ids=lambda path: path.relative_to(DOMAIN).as_posix())
def test_domain_modules_import_no_framework_database_or_server(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert imported_packages(tree) & FORBIDDEN_PACKAGES == set()


@pytest.mark.parametrize("path", domain_modules(), ids=lambda path: path.relative_to(DOMAIN).as_posix())
def test_domain_modules_never_read_the_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    assert clock_reads(tree) == []


@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from flask_socketio import emit",
        "import sqlalchemy.orm as orm",
        "from werkzeug.exceptions import NotFound",
    ],
)
def test_the_import_check_catches_framework_imports(source):
    assert imported_packages(ast.parse(source)) & FORBIDDEN_PACKAGES


@pytest.mark.parametrize(
    "source",
    [
        "from datetime import datetime\nx = datetime.now()",
        "import datetime\nx = datetime.datetime.utcnow()",
        "import time\nx = time.time()",
        "from time import time\nx = time()",
    ],
)
def test_the_clock_check_catches_clock_reads(source):
    assert clock_reads(ast.parse(source))
