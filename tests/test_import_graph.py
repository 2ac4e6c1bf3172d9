"""The import graph of the ``crossroads`` package has no circles; the engine never imports the UI.

Every module under ``engine/`` and ``tui/`` (and the package's own ``__init__``/``__main__``) is
parsed with :mod:`ast`; each import of a ``crossroads.*`` module becomes an edge of a directed
graph (networkx), and the tests look for cycles in it.

Which imports count: all of them, in three kinds, and each edge remembers its kind and line.

- ``module``: executed when the module is imported (top level, also inside a top-level ``if`` or
  ``try``, or a class body);
- ``typing``: under ``if TYPE_CHECKING:`` — not executed, but the annotations depend on the
  target, and a circle hidden this way (``abstraction`` ↔ ``compiled``, once) is still a circle;
- ``deferred``: inside a function, or ``importlib.import_module("crossroads…")`` with a constant
  name. Deferring an import keeps start-up lean; it must not be a way to hide a circle, so these
  count too.

:func:`test_no_import_time_cycle` checks the first two kinds alone, strictly, over the whole
package: those circles fail at import time. The others check all three kinds.

What is not an edge: a submodule's dependence on its package's ``__init__`` (Python runs the
``__init__`` first, by construction; an ``__init__`` re-exporting its submodules would otherwise
always be a circle). An explicit ``from crossroads.engine.explore import deep_check`` *is* an edge
to that ``__init__``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import networkx as nx
import pytest

import crossroads

PACKAGE = "crossroads"
ROOT = Path(crossroads.__file__).resolve().parent
"""The checkout's ``crossroads/`` folder (``engine`` and ``tui`` in it are links)."""

ImportEdge = tuple[str, str, int]
"""(target module, kind, line)."""


def package_modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Module name → source file, for the package's own files and everything under engine/, tui/."""
    found = {package: root / "__init__.py"}
    if (root / "__main__.py").exists():
        found[f"{package}.__main__"] = root / "__main__.py"
    for sub in ("engine", "tui"):
        base = (root / sub).resolve()
        for path in sorted(base.rglob("*.py")):
            parts = [sub, *path.relative_to(base).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join([package, *parts])] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> Iterator[tuple[ast.AST, str]]:
    """Every import statement (and constant ``import_module`` call) with its kind."""

    def walk(node: ast.AST, kind: str) -> Iterator[tuple[ast.AST, str]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, kind
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield from walk(child, "deferred")
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]),
                                    "deferred" if kind == "deferred" else "typing")
                for stmt in child.orelse:
                    yield from walk(ast.Module(body=[stmt], type_ignores=[]), kind)
            else:
                if (
                    isinstance(child, ast.Call)
                    and isinstance(child.func, (ast.Attribute, ast.Name))
                    and (getattr(child.func, "attr", None) or getattr(child.func, "id", None))
                    == "import_module"
                    and child.args
                    and isinstance(child.args[0], ast.Constant)
                    and isinstance(child.args[0].value, str)
                ):
                    yield child, "deferred"
                yield from walk(child, kind)

    yield from walk(tree, "module")


def _resolve(name: str, modules: Iterable[str]) -> str | None:
    """The known module ``name`` refers to: itself, or the nearest enclosing known module."""
    known = set(modules)
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def module_imports(module: str, path: Path, modules: set[str]) -> list[ImportEdge]:
    """The package modules ``module`` imports, with the kind and line of each import."""
    is_package = path.name == "__init__.py"
    out: list[ImportEdge] = []
    for node, kind in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = module.split(".") if is_package else module.split(".")[:-1]
                here = here[: len(here) - (node.level - 1)]
                base = ".".join([*here, *([base] if base else [])])
            names = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base
                     for a in node.names]
        elif isinstance(node, ast.Call):
            first = node.args[0]
            assert isinstance(first, ast.Constant)
            names = [str(first.value)]
        for name in names:
            if name != PACKAGE and not name.startswith(PACKAGE + "."):
                continue
            target = _resolve(name, modules)
            if target is not None and target != module:
                out.append((target, kind, getattr(node, "lineno", 0)))
    return out


def import_graph(
    modules: dict[str, Path], kinds: frozenset[str] = frozenset({"module", "typing", "deferred"})
) -> nx.DiGraph:
    """The import graph over ``modules``, counting the imports of the given kinds."""
    names = set(modules)
    g = nx.DiGraph()
    g.add_nodes_from(names)
    for module, path in modules.items():
        for target, kind, line in module_imports(module, path, names):
            if kind in kinds and not g.has_edge(module, target):
                g.add_edge(module, target, kind=kind, line=line)
    return g


def describe_cycle(g: nx.DiGraph) -> str | None:
    """One cycle of ``g`` as readable lines (each edge with its kind and line), or None."""
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return None
    lines = [
        f"  {a} imports {b} (line {g.edges[a, b]['line']}, {g.edges[a, b]['kind']})"
        for a, b, *_ in cycle
    ]
    return "import cycle:\n" + "\n".join(lines)


def _in(module: str, part: str) -> bool:
    prefix = f"{PACKAGE}.{part}"
    return module == prefix or module.startswith(prefix + ".")


@pytest.fixture(scope="module")
def modules() -> dict[str, Path]:
    return package_modules()


@pytest.fixture(scope="module")
def graph(modules: dict[str, Path]) -> nx.DiGraph:
    return import_graph(modules)


def test_the_graph_covers_the_package(modules: dict[str, Path], graph: nx.DiGraph) -> None:
    assert {"crossroads.engine", "crossroads.engine.loader", "crossroads.tui.app"} <= set(modules)
    assert len([m for m in modules if _in(m, "engine")]) > 50
    # a module-level import, and the package's lazy loader (TYPE_CHECKING and import_module)
    assert graph.edges["crossroads.engine.explore.space", "crossroads.engine.explore.compiled"][
        "kind"] == "module"
    assert graph.has_edge("crossroads.engine", "crossroads.engine.loader")


def test_no_import_cycle_in_engine(graph: nx.DiGraph) -> None:
    engine = graph.subgraph(m for m in graph if _in(m, "engine"))
    problem = describe_cycle(engine)
    assert problem is None, problem


def test_engine_never_imports_the_tui(graph: nx.DiGraph) -> None:
    wrong = [
        f"{a} imports {b} (line {data['line']}, {data['kind']})"
        for a, b, data in graph.edges(data=True)
        if _in(a, "engine") and _in(b, "tui")
    ]
    assert not wrong, "the engine must not import the terminal UI:\n" + "\n".join(wrong)


def test_no_import_cycle_except_inside_tui(graph: nx.DiGraph) -> None:
    """Every cycle through the whole package, except those wholly inside tui/ (next test)."""
    outside = nx.DiGraph(
        (a, b, data)
        for a, b, data in graph.edges(data=True)
        if not (_in(a, "tui") and _in(b, "tui"))
    )
    problem = describe_cycle(outside)
    assert problem is None, problem


def test_no_import_time_cycle(modules: dict[str, Path]) -> None:
    """Module-level and TYPE_CHECKING imports alone, over the whole package, tui included."""
    problem = describe_cycle(import_graph(modules, frozenset({"module", "typing"})))
    assert problem is None, problem


def test_no_import_cycle_inside_tui(graph: nx.DiGraph) -> None:
    tui = graph.subgraph(m for m in graph if _in(m, "tui"))
    problem = describe_cycle(tui)
    assert problem is None, problem


def test_cycles_hidden_in_functions_and_type_checking_are_found(tmp_path: Path) -> None:
    """The parser sees deferred and TYPE_CHECKING imports, relative ones included."""
    pkg = tmp_path / "crossroads"
    (pkg / "engine").mkdir(parents=True)
    (pkg / "tui").mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "engine" / "__init__.py").write_text("")
    (pkg / "tui" / "__init__.py").write_text("")
    (pkg / "engine" / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n"
    )
    (pkg / "engine" / "b.py").write_text("def f():\n    from crossroads.engine import c\n")
    (pkg / "engine" / "c.py").write_text("import crossroads.engine.a\n")
    (pkg / "tui" / "app.py").write_text("import importlib\n"
                                        "def screen():\n"
                                        "    importlib.import_module('crossroads.engine.a')\n")
    modules = package_modules(pkg)
    g = import_graph(modules)
    assert {(a, b, d["kind"]) for a, b, d in g.edges(data=True)} == {
        ("crossroads.engine.a", "crossroads.engine.b", "typing"),
        ("crossroads.engine.b", "crossroads.engine.c", "deferred"),
        ("crossroads.engine.c", "crossroads.engine.a", "module"),
        ("crossroads.tui.app", "crossroads.engine.a", "deferred"),
    }
    problem = describe_cycle(g)
    assert problem is not None and "crossroads.engine.b imports crossroads.engine.c" in problem
    assert describe_cycle(import_graph(modules, frozenset({"module", "typing"}))) is None
