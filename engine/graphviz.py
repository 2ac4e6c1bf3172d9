"""The scene graph as Mermaid or Graphviz DOT text, and as SVG through Graphviz's ``dot``.

Every scene is a node labelled with its id and title; endings are marked by kind (good, mixed,
hard), scenes with a reflection prompt are marked (a double border in DOT, a stadium shape in
Mermaid), and a scene whose point of view differs from the story's default names it. Choices are
edges labelled with their (shortened) text, and ``next`` edges are dashed "Continue" edges.
Author text is escaped for each format; nothing from the story is interpreted.

A story with errors is drawn as it is, its problems marked
(:func:`crossroads.engine.lenient.graph_problems`): a scene that a ``to:``, ``next:`` or
``start:`` names but that does not exist is a red dashed node "missing: ID", reached by red dashed
edges; a scene the start cannot reach is grey and dashed, labelled "unreachable"; a dead end (no
way on, not an ending) has a red border and says "dead end".
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Literal

from crossroads.engine.diagnostics import CrossroadsError
from crossroads.engine.lenient import GraphProblems, graph_problems
from crossroads.engine.model import Story
from crossroads.engine.terminal_text import one_line

Format = Literal["mermaid", "dot", "svg"]

ENDING_COLOURS = {"good": "#c8e6c9", "mixed": "#fff3c4", "hard": "#f8c8c8"}
"""Fill colours of ending nodes, by kind."""

PROBLEM = "#c62828"
"""Stroke and text colour of missing scenes, the edges to them, and dead ends."""
UNREACHABLE_FILL, UNREACHABLE_INK = "#eeeeee", "#777777"
"""Fill and stroke/text colours of scenes the start cannot reach."""


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _lines(story: Story, sid: str, problems: GraphProblems) -> list[str]:
    scene = story.scenes[sid]
    lines = [sid]
    if scene.title:
        lines.append(_short(scene.title))
    pov = scene.pov
    if pov is not None and pov != story.pov:
        member = story.cast.get(pov)
        lines.append(f"as {member.name if member else pov}")
    if scene.reflect is not None:
        lines.append("reflection")
    if scene.ending is not None:
        lines.append(f"{scene.ending.kind} ending")
    if sid in problems.dead_ends:
        lines.append("dead end")
    if sid in problems.unreachable:
        lines.append("unreachable")
    return lines


def _missing_label(story: Story, target: str) -> str:
    return f"missing: {target}" + (" (start)" if target == story.start else "")


def _edges(story: Story) -> list[tuple[str, str, str, bool]]:
    """(from, to, label, is_next) for every choice and ``next`` whose target exists."""
    out: list[tuple[str, str, str, bool]] = []
    for sid, scene in story.scenes.items():
        for choice in scene.choices:
            if choice.to in story.scenes:
                out.append((sid, choice.to, _short(choice.say, 32), False))
        if scene.next is not None and scene.next in story.scenes:
            out.append((sid, scene.next, "Continue", True))
    return out


def _missing_edges(story: Story) -> list[tuple[str, str, str, bool]]:
    """(from, missing target, label, is_next) for every choice and ``next`` to a missing scene."""
    out: list[tuple[str, str, str, bool]] = []
    for sid, scene in story.scenes.items():
        for choice in scene.choices:
            if choice.to not in story.scenes:
                out.append((sid, choice.to, _short(choice.say, 32), False))
        if scene.next is not None and scene.next not in story.scenes:
            out.append((sid, scene.next, "Continue", True))
    return out


# ---------------------------------------------------------------------- Mermaid


def _mermaid_text(text: str) -> str:
    """Escape text for a quoted Mermaid label (entity codes; no markup; one line, nothing a
    terminal obeys)."""
    out = []
    for ch in one_line(text, " "):
        if ch == '"':
            out.append("#quot;")
        elif ch in "<>&#`|{}[]()":
            out.append(f"#{ord(ch)};")
        else:
            out.append(ch)
    return "".join(out)


def to_mermaid(story: Story) -> str:
    """The scene graph as a Mermaid ``flowchart``."""
    problems = graph_problems(story)
    ids = {sid: f"s{k}" for k, sid in enumerate(story.scenes)}
    missing = {target: f"m{k}" for k, target in enumerate(problems.missing)}
    out = ["flowchart TD"]
    for sid, scene in story.scenes.items():
        label = "<br/>".join(_mermaid_text(line) for line in _lines(story, sid, problems))
        node = ids[sid]
        if scene.reflect is not None:
            out.append(f'  {node}(["{label}"])')
        elif scene.ending is not None:
            out.append(f'  {node}[["{label}"]]')
        else:
            out.append(f'  {node}["{label}"]')
    for target, node in missing.items():
        out.append(f'  {node}["{_mermaid_text(_missing_label(story, target))}"]')
    edges = _edges(story)
    for a, b, label, is_next in edges:
        arrow = "-.->" if is_next else "-->"
        out.append(f'  {ids[a]} {arrow}|"{_mermaid_text(label)}"| {ids[b]}')
    broken = _missing_edges(story)
    for a, b, label, _ in broken:
        out.append(f'  {ids[a]} -.->|"{_mermaid_text(label)}"| {missing[b]}')
    for kind, colour in ENDING_COLOURS.items():
        out.append(f"  classDef {kind} fill:{colour},stroke:#555")
    out.append("  classDef reflect stroke-width:3px")
    out.append("  classDef start stroke:#1565c0,stroke-width:3px")
    if problems:
        out.append(f"  classDef missing fill:#fdecea,stroke:{PROBLEM},stroke-dasharray:5 5,"
                   f"color:{PROBLEM}")
        out.append(f"  classDef unreachable fill:{UNREACHABLE_FILL},stroke:{UNREACHABLE_INK},"
                   f"stroke-dasharray:3 3,color:{UNREACHABLE_INK}")
        out.append(f"  classDef deadend stroke:{PROBLEM},stroke-width:3px")
    for sid, scene in story.scenes.items():
        if scene.ending is not None:
            out.append(f"  class {ids[sid]} {scene.ending.kind}")
        elif scene.reflect is not None:
            out.append(f"  class {ids[sid]} reflect")
        if sid in problems.dead_ends:
            out.append(f"  class {ids[sid]} deadend")
        if sid in problems.unreachable:
            out.append(f"  class {ids[sid]} unreachable")
    for node in missing.values():
        out.append(f"  class {node} missing")
    start = ids.get(story.start) or missing.get(story.start)
    if start is not None:
        out.append(f"  class {start} start")
    if broken:
        numbers = ",".join(str(len(edges) + k) for k in range(len(broken)))
        out.append(f"  linkStyle {numbers} stroke:{PROBLEM},stroke-dasharray:5 5")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- DOT


def _dot_text(text: str) -> str:
    """Escape text for a double-quoted DOT string."""
    return one_line(text, " ").replace("\\", "\\\\").replace('"', '\\"')


def to_dot(story: Story) -> str:
    """The scene graph as a Graphviz ``digraph``."""
    problems = graph_problems(story)
    out = [
        f'digraph "{_dot_text(story.id)}" {{',
        f'  label="{_dot_text(story.title)}";',
        "  rankdir=TB;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for sid, scene in story.scenes.items():
        label = "\\n".join(_dot_text(line) for line in _lines(story, sid, problems))
        attrs = [f'label="{label}"']
        if scene.ending is not None:
            attrs.append(f'fillcolor="{ENDING_COLOURS[scene.ending.kind]}"')
            attrs.append("shape=octagon")
        if sid in problems.unreachable:
            if scene.ending is None:
                attrs.append(f'fillcolor="{UNREACHABLE_FILL}"')
            attrs.append(f'style="rounded,filled,dashed", fontcolor="{UNREACHABLE_INK}"')
        if sid in problems.dead_ends:
            attrs.append(f'color="{PROBLEM}", penwidth=2')
        elif sid in problems.unreachable:
            attrs.append(f'color="{UNREACHABLE_INK}"')
        if scene.reflect is not None:
            attrs.append("peripheries=2")
        if sid == story.start:
            attrs.append("penwidth=2")
        out.append(f'  "{_dot_text(sid)}" [{", ".join(attrs)}];')
    for target in problems.missing:
        out.append(
            f'  "missing: {_dot_text(target)}" [label="{_dot_text(_missing_label(story, target))}'
            f'", style=dashed, color="{PROBLEM}", fontcolor="{PROBLEM}"];'
        )
    for a, b, label, is_next in _edges(story):
        style = ", style=dashed" if is_next else ""
        out.append(f'  "{_dot_text(a)}" -> "{_dot_text(b)}" [label="{_dot_text(label)}"{style}];')
    for a, b, label, _ in _missing_edges(story):
        out.append(
            f'  "{_dot_text(a)}" -> "missing: {_dot_text(b)}" [label="{_dot_text(label)}", '
            f'style=dashed, color="{PROBLEM}", fontcolor="{PROBLEM}"];'
        )
    out.append("}")
    return "\n".join(out) + "\n"


def to_svg(story: Story, timeout: float = 60.0) -> str:
    """The scene graph as SVG, drawn by Graphviz's ``dot``.

    Raises:
        CrossroadsError: Graphviz is not installed, or ``dot`` failed.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise CrossroadsError(
            "SVG needs Graphviz's 'dot' program, which is not installed (e.g. 'apt install "
            "graphviz'); use --format dot or --format mermaid instead"
        )
    try:
        done = subprocess.run(
            [dot, "-Tsvg"],
            input=to_dot(story).encode(),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise CrossroadsError(f"Graphviz 'dot' failed: {err}") from err
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()
        raise CrossroadsError(
            f"Graphviz 'dot' failed: {detail[0] if detail else f'exit {done.returncode}'}"
        )
    return done.stdout.decode()


def render(story: Story, fmt: Format) -> str:
    """The scene graph in ``fmt`` (``mermaid``, ``dot`` or ``svg``)."""
    if fmt == "mermaid":
        return to_mermaid(story)
    if fmt == "dot":
        return to_dot(story)
    return to_svg(story)
