"""State-aware checks: exhaustive exploration of what a story allows, and seeded playtests.

``crossroads check --deep`` calls :func:`deep_check`; ``crossroads playtest`` calls
:func:`playtest` and :func:`replay_run`. Nothing here imports the terminal UI: long runs report
progress through a callback.
"""

from __future__ import annotations

from crossroads.engine.diagnostics import Diagnostic
from crossroads.engine.explore.playtest import PlaytestReport, Run, playtest, replay_run
from crossroads.engine.explore.report import diagnostics, witness_json
from crossroads.engine.explore.result import ExploreResult, Progress, Witness, WitnessStep
from crossroads.engine.explore.space import DEFAULT_MAX_STATES, DEFAULT_SAMPLES, explore
from crossroads.engine.gc_pause import quiet_gc
from crossroads.engine.model import Story


def deep_check(
    story: Story, *, max_states: int = DEFAULT_MAX_STATES, progress: Progress | None = None
) -> list[Diagnostic]:
    """Explore a validated story and report what its rules allow (CR401–CR409), which fixed
    strategies always win (CR412, CR413) and whether its ``assumes:`` hold (CR414, CR415).

    Args:
        story: a story with no validation errors.
        max_states: distinct states to explore before falling back to sampling (CR407).
        progress: called now and then with (work done, total or None).
    """
    with quiet_gc():
        return diagnostics(explore(story, max_states, progress=progress))


__all__ = [
    "DEFAULT_MAX_STATES",
    "DEFAULT_SAMPLES",
    "ExploreResult",
    "PlaytestReport",
    "Progress",
    "Run",
    "Witness",
    "WitnessStep",
    "deep_check",
    "diagnostics",
    "explore",
    "playtest",
    "replay_run",
    "witness_json",
]
