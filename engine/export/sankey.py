"""An SVG flow diagram (Sankey-style) of a cohort's choices: scenes as columns by their distance
from the start, one band per scene-to-scene flow, its width by the number of choices.

Plain SVG text, no script, every label escaped; one ``<path class="flow">`` per flow so a
browser test can count them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

from crossroads.engine.cohort.model import CohortReport

COLUMN = 210
NODE_W = 12
HEIGHT = 420
GAP = 18
MARGIN = 24
MIN_BAND = 1.5


@dataclass
class _Node:
    scene: str
    title: str
    column: int
    rank: int
    inflow: int = 0
    outflow: int = 0
    withheld: bool = False
    ending: str | None = None
    x: float = 0.0
    y: float = 0.0
    h: float = 0.0
    out_used: float = 0.0
    in_used: float = 0.0
    outs: list[int] = field(default_factory=list)
    ins: list[int] = field(default_factory=list)

    @property
    def size(self) -> int:
        return max(self.inflow, self.outflow)


def _label(text: str, limit: int = 26) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sankey_svg(report: CohortReport, story_titles: Mapping[str, str],
               depths: Mapping[str, int], endings: Mapping[str, str]) -> str:
    """The flow diagram as an ``<svg>`` element.

    ``story_titles``: scene → title; ``depths``: scene → column; ``endings``: ending scene →
    kind (good, mixed, hard) for colouring.
    """
    flows = report.flows
    if not flows:
        return ('<svg class="sankey" role="img" xmlns="http://www.w3.org/2000/svg" '
                'viewBox="0 0 600 60" width="600" height="60"><title>No flows to show</title>'
                '<text x="12" y="34" class="empty">No choices to show (or the group is too small '
                'to show them).</text></svg>')
    withheld = {s.scene for s in report.scenes if s.withheld}
    rank = {sid: i for i, sid in enumerate(depths)}
    nodes: dict[str, _Node] = {}
    for sid in [f.source for f in flows] + [f.target for f in flows]:
        if sid not in nodes:
            nodes[sid] = _Node(sid, story_titles.get(sid, sid), depths.get(sid, 0),
                               rank.get(sid, len(rank)), withheld=sid in withheld,
                               ending=endings.get(sid))
    for i, f in enumerate(flows):
        nodes[f.source].outflow += f.count
        nodes[f.source].outs.append(i)
        nodes[f.target].inflow += f.count
        nodes[f.target].ins.append(i)

    # columns, compacted so unused depths leave no gaps
    used = sorted({n.column for n in nodes.values()})
    col_index = {c: i for i, c in enumerate(used)}
    columns: dict[int, list[_Node]] = {}
    for n in sorted(nodes.values(), key=lambda n: n.rank):
        n.column = col_index[n.column]
        columns.setdefault(n.column, []).append(n)
    tallest = max(sum(n.size for n in col) for col in columns.values())
    most = max(len(col) for col in columns.values())
    unit = max(0.5, (HEIGHT - 2 * MARGIN - GAP * (most - 1)) / max(1, tallest))
    width = MARGIN * 2 + COLUMN * (len(columns) - 1) + NODE_W + 170
    for col in columns.values():
        y = float(MARGIN)
        for n in col:
            n.x = MARGIN + n.column * COLUMN
            n.y = y
            n.h = max(MIN_BAND, n.size * unit)
            y += n.h + GAP
    height = max(HEIGHT, int(max(n.y + n.h for n in nodes.values()) + MARGIN))

    # bands: leave each source stacked by target position, enter each target by source position
    def band(i: int) -> float:
        return max(MIN_BAND, flows[i].count * unit)

    for n in nodes.values():
        n.outs.sort(key=lambda i: (nodes[flows[i].target].column, nodes[flows[i].target].y))
        n.ins.sort(key=lambda i: (nodes[flows[i].source].column, nodes[flows[i].source].y))
    start_y: dict[int, float] = {}
    end_y: dict[int, float] = {}
    for n in nodes.values():
        for i in n.outs:
            start_y[i] = n.y + n.out_used + band(i) / 2
            n.out_used += band(i)
        for i in n.ins:
            end_y[i] = n.y + n.in_used + band(i) / 2
            n.in_used += band(i)

    out = [
        f'<svg class="sankey" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        "<title>How the group's choices flowed from scene to scene</title>",
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg"/>'
        '<line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern></defs>',
        '<g class="flows">',
    ]
    for i, f in enumerate(flows):
        a, b = nodes[f.source], nodes[f.target]
        x0, x1 = a.x + NODE_W, b.x
        y0, y1 = start_y[i], end_y[i]
        if x1 <= x0:  # a loop back to an earlier column: arc below
            dip = max(y0, y1) + 60
            d = (f"M{x0:.1f},{y0:.1f} C{x0 + 80:.1f},{dip:.1f} {x1 - 80:.1f},{dip:.1f} "
                 f"{x1:.1f},{y1:.1f}")
        else:
            mid = (x0 + x1) / 2
            d = f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}"
        tip = f"{a.title} → {b.title}: {f.count}"
        out.append(
            f'<path class="flow" d="{d}" stroke-width="{band(i):.1f}" '
            f'data-source="{escape(f.source)}" data-target="{escape(f.target)}" '
            f'data-count="{f.count}"><title>{escape(tip)}</title></path>'
        )
    out.append("</g>")
    out.append('<g class="nodes">')
    for n in nodes.values():
        kind = f" ending-{n.ending}" if n.ending else ""
        state = " withheld" if n.withheld else ""
        fill = ' fill="url(#hatch)"' if n.withheld else ""
        note = " (split withheld: small group)" if n.withheld else ""
        out.append(
            f'<g class="node{kind}{state}"><rect x="{n.x:.1f}" y="{n.y:.1f}" width="{NODE_W}" '
            f'height="{n.h:.1f}"{fill}><title>{escape(n.title + note)}</title></rect>'
            f'<text x="{n.x + NODE_W + 5:.1f}" y="{n.y + n.h / 2:.1f}" dy="0.35em">'
            f"{escape(_label(n.title))} <tspan class=\"count\">{n.size}</tspan></text></g>"
        )
    out.append("</g></svg>")
    return "\n".join(out)
