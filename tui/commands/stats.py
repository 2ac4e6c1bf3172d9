"""``crossroads stats STORY``: size, reading time and routes to each ending."""

from __future__ import annotations

import argparse
import json
from typing import Any

from crossroads.engine.stats import SAMPLE_RUNS, WORDS_PER_MINUTE, format_routes, story_stats
from crossroads.engine.terminal_text import json_safe, terminal_safe
from crossroads.tui.commands._common import STORY_HELP, load_despite_errors


def register(sub: Any) -> None:
    """Add the ``stats`` subcommand."""
    p = sub.add_parser(
        "stats",
        help="scenes, words, choices, endings, reading time and routes to each ending",
        description="Numbers about a story. Routes are counted on the scene graph with every "
        "loop collapsed (its condensation), never by listing paths. A story whose scene graph "
        "has errors (missing, unreachable or dead-end scenes) is measured as it is, its errors "
        "printed first.",
    )
    p.add_argument("story", metavar="STORY", help=STORY_HELP)
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the story's numbers."""
    story, _ = load_despite_errors(args.story, "stats", play=True)
    stats = story_stats(story)
    if args.json:
        print(json_safe(json.dumps(stats.to_json(), indent=2, ensure_ascii=False)))
        return 0
    m = stats.reading_minutes
    kinds = ", ".join(f"{len(ids)} {kind}" for kind, ids in stats.endings.items() if ids)
    lines = [
        f"{stats.title} ({stats.story})",
        f"  scenes       {stats.scenes}",
        f"  words        {stats.words:,}",
        f"  choices      {stats.choices}",
        f"  reflections  {stats.reflections}",
        f"  endings      {sum(len(ids) for ids in stats.endings.values())} ({kinds})",
        f"  views        {', '.join(stats.points_of_view) or '-'}",
        f"  reading      about {m['average']:g} min (from {m['shortest']:g} to {m['longest']:g}; "
        f"{SAMPLE_RUNS} sampled playthroughs at {WORDS_PER_MINUTE} words a minute)",
        "  routes to each ending"
        + (" (loops collapsed: counted on the condensation)" if stats.cyclic else "")
        + ":",
    ]
    for kind, ids in stats.endings.items():
        for sid in ids:
            lines.append(f"    {sid:<24} {kind:<6} {format_routes(stats.paths[sid])}")
    print(terminal_safe("\n".join(lines)))
    return 0
