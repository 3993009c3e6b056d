"""The import structure of the cafe package: no module imports itself round a circle; the HTTP
layer (cafe/web/) and the Socket.IO layer (cafe/sockets/) never import each other; the domain
imports nothing of cafe outside it, and its rotation/ and harvest/ subpackages stay apart.

Every `import` and `from ... import` counts, at module level or inside a function (a deferred
import is still a dependency); only imports under `if TYPE_CHECKING:` are left out, as they never
run. `from cafe import store` is an edge to the module cafe.store; `from cafe.services import
Broadcast` is an edge to the package cafe.services (its __init__)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "cafe"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, except those under `if TYPE_CHECKING:` (their else branch counts)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _resolve(name: str) -> str | None:
    """The cafe module a dotted name stands for (its longest prefix that is a module), if any."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def dependencies(module: str) -> set[str]:
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    targets: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:  # relative: from . import x, from ..y import z
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # `from pkg import sub` imports the module pkg.sub when there is one, else names in pkg
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        targets.update(t for t in map(_resolve, names) if t is not None)
    targets.discard(module)
    return targets


GRAPH = {module: dependencies(module) for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(groups)


def _path_in(group: list[str], graph: dict[str, set[str]]) -> str:
    """One circle through the group, for the failure message."""
    start, members = group[0], set(group)
    trail, node = [start], start
    seen = {start}
    while True:
        nxt = sorted(graph[node] & members)
        back = [n for n in nxt if n == start]
        if back and len(trail) > 1:
            return " -> ".join([*trail, start])
        fresh = [n for n in nxt if n not in seen]
        if not fresh:
            return " -> ".join([*trail, nxt[0] if nxt else "?"])
        node = fresh[0]
        seen.add(node)
        trail.append(node)


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def crossings(here: str, there: str) -> list[str]:
    """Every import from a module of package `here` into package `there`."""
    return sorted(f"{module} imports {target}" for module, targets in GRAPH.items() if _within(module, here)
                  for target in targets if _within(target, there))


def test_the_graph_sees_the_package_and_imports_inside_functions():
    assert "cafe.services.views" in GRAPH and "cafe.domain.plan" in GRAPH
    # the domain's subpackages are walked too
    assert "cafe.domain.rotation.planner" in GRAPH["cafe.domain.rotation.metrics"]
    assert "cafe.domain.harvest.grouping" in GRAPH["cafe.domain.harvest.themes"]
    assert "cafe.store" in GRAPH["cafe.services.views"]
    # a function-local import is an edge too
    sample = ast.parse("def f():\n    from cafe import store\nif TYPE_CHECKING:\n    import cafe.db\n")
    assert [type(n).__name__ for n in _imports(sample)] == ["ImportFrom"]


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_of_cafe_imports_itself_round_a_circle():
    found = cycles(GRAPH)
    assert not found, "import cycles:\n" + "\n".join(_path_in(group, GRAPH) for group in found)


@pytest.mark.parametrize(("here", "there"), [("cafe.web", "cafe.sockets"), ("cafe.sockets", "cafe.web")])
def test_the_http_and_socket_layers_do_not_import_each_other(here, there):
    crossing = crossings(here, there)
    assert not crossing, "\n".join(crossing)


def test_the_domain_imports_nothing_of_cafe_outside_it():
    outside = sorted(f"{module} imports {target}" for module, targets in GRAPH.items()
                     if _within(module, "cafe.domain")
                     for target in targets if target != "cafe" and not _within(target, "cafe.domain"))
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize(("here", "there"), [("cafe.domain.rotation", "cafe.domain.harvest"),
                                             ("cafe.domain.harvest", "cafe.domain.rotation")])
def test_the_rotation_and_harvest_subpackages_do_not_import_each_other(here, there):
    crossing = crossings(here, there)
    assert not crossing, "\n".join(crossing)


def _core(module: str) -> bool:
    """The core that says what to tell, not how: services, the store and the domain."""
    return module.startswith(("cafe.services.", "cafe.domain.")) or module in ("cafe.services", "cafe.store", "cafe.domain")


def _imported_names(module: str) -> set[str]:
    """Every top-level package a module imports (`flask_babel`, `flask`, `cafe`, ...)."""
    path = MODULES[module]
    names: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif not node.level and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_gate_sees_the_core():
    core = [m for m in MODULES if _core(m)]
    assert "cafe.store" in core and "cafe.services.posting" in core and "cafe.domain.plan" in core
    assert "cafe.sockets.common" not in core and "cafe.web.plain" not in core


def test_the_core_says_its_texts_through_cafe_messages_never_flask_babel():
    """Services, the store and the domain build deferred texts (cafe.messages); the edge (web pages,
    sockets, exports) translates them in the reader's language, so the core runs without a request."""
    found = sorted(f"{m} imports {name}" for m in MODULES if _core(m)
                   for name in _imported_names(m) & {"flask_babel", "babel"})
    assert not found, "\n".join(found)


def test_no_service_imports_flask():
    found = sorted(m for m in MODULES if _core(m) and "flask" in _imported_names(m))
    assert not found, found
