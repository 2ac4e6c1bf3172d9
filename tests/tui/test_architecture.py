"""The player's shape, read from its source: attributes down, messages up, no import cycles.

Screens and widgets get what they need in their constructors and post messages
(:mod:`crossroads.tui.messages`); only the app handles them. So no screen or widget imports the
app, nothing in ``crossroads.tui`` imports in a circle, screens call nothing on the app but
Textual's navigation, and a story's session starts in one place.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from tests.tui.helpers import ROOT

TUI = ROOT / "tui"
NAVIGATION = {"push_screen", "pop_screen", "switch_screen", "exit", "screen_stack",
              "call_from_thread"}
"""What a screen may use of ``self.app``: Textual's own navigation, nothing of Crossroads."""


def module_name(path: Path) -> str:
    parts = path.relative_to(TUI).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("crossroads", "tui", *parts))


MODULES = {module_name(p): p for p in TUI.rglob("*.py")}


def imports(path: Path) -> set[str]:
    """Every crossroads.tui module that ``path`` imports, anywhere in the file (lazy imports and
    ``TYPE_CHECKING`` blocks included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name in MODULES}


def graph() -> nx.DiGraph:
    g = nx.DiGraph()
    for name, path in MODULES.items():
        g.add_node(name)
        g.add_edges_from((name, target) for target in imports(path) if target != name)
    return g


def test_the_graph_sees_the_imports() -> None:
    g = graph()
    assert g.has_edge("crossroads.tui.app", "crossroads.tui.flow")  # the test can fail
    assert g.has_edge("crossroads.tui.screens.play", "crossroads.tui.messages")


def test_no_screen_or_widget_imports_the_app() -> None:
    g = graph()
    offenders = [name for name in g
                 if name.startswith(("crossroads.tui.screens", "crossroads.tui.widgets"))
                 and g.has_edge(name, "crossroads.tui.app")]
    assert offenders == []


def test_no_import_cycle_within_the_tui() -> None:
    assert list(nx.simple_cycles(graph())) == []


def test_screens_call_nothing_on_the_app_but_navigation() -> None:
    used: dict[str, set[str]] = {}
    for name, path in MODULES.items():
        if not name.startswith(("crossroads.tui.screens", "crossroads.tui.widgets")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                    and node.value.attr == "app" and isinstance(node.value.value, ast.Name)
                    and node.value.value.id == "self" and node.attr not in NAVIGATION):
                used.setdefault(name, set()).add(node.attr)
    assert used == {}


def test_a_session_starts_in_one_place() -> None:
    """Fresh, resumed or after a save that no longer fits: ``flow.open_story`` decides, and
    ``Opening.begin`` is the only place the player starts a session (``playtest`` is no
    player: it walks stories by itself)."""
    starts = []
    for name, path in MODULES.items():
        if name.startswith("crossroads.tui.commands.") and name != "crossroads.tui.commands.play":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and node.attr == "start"
                    and isinstance(node.value, ast.Name) and node.value.id == "Session"):
                starts.append(name)
    assert starts == ["crossroads.tui.flow"]
