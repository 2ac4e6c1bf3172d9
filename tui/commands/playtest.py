"""``crossroads playtest STORY``: seeded random playthroughs, coverage, and exact replays.

Run ``K`` of seed ``S`` depends only on ``S`` and ``K`` (and, with ``--prefer-new``, on the runs
before it), so ``--seed S --replay K`` shows that run again, step by step.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.explore.playtest import (
    DEFAULT_MAX_STEPS,
    PlaytestReport,
    Run,
    playtest,
    replay_run,
)
from crossroads.engine.model import Story
from crossroads.engine.runtime import Session
from crossroads.engine.terminal_text import json_safe, terminal_safe
from crossroads.tui.commands._common import STORY_HELP, load_despite_errors
from crossroads.tui.progress import progress_bar


def register(sub: Any) -> None:
    """Add the ``playtest`` subcommand."""
    p = sub.add_parser(
        "playtest",
        help="play a story many times at random; show which scenes and choices were never reached",
        description="Seeded random playthroughs under the story's rules. Prints the endings "
        "reached and every scene and choice no run reached; --replay K shows run K step by step. "
        "A story whose scene graph has errors is played as it is, its errors printed first: a "
        "choice to a missing scene is never taken, a run with no other way on is stuck.",
    )
    p.add_argument("story", metavar="STORY", help=STORY_HELP)
    p.add_argument("--runs", type=int, default=100, metavar="N", help="playthroughs (default 100)")
    p.add_argument("--seed", default="0", metavar="S", help="the seed (default 0)")
    p.add_argument(
        "--prefer-new",
        action="store_true",
        help="prefer choices no earlier step has taken (better coverage)",
    )
    p.add_argument("--replay", type=int, metavar="K", help="show run K of this seed, step by step")
    p.add_argument(
        "--max-steps",
        type=int,
        default=DEFAULT_MAX_STEPS,
        metavar="M",
        help=f"stop a run after M steps (default {DEFAULT_MAX_STEPS})",
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the playtest (or the replay) and print it."""
    if args.runs < 1 or args.max_steps < 1 or (args.replay is not None and args.replay < 0):
        raise UsageError("--runs and --max-steps must be at least 1, and --replay at least 0")
    original, story = load_despite_errors(args.story, "playtest", play=True)
    if args.replay is not None:
        one = replay_run(
            story, args.seed, args.replay, prefer_new=args.prefer_new, max_steps=args.max_steps
        )
        steps = _steps(story, one)
        if args.json:
            print(json_safe(json.dumps(_replay_json(story, args, one, steps), indent=2,
                                        ensure_ascii=False)))
        else:
            print(terminal_safe(_replay_text(story, args, one, steps)))
        return 0
    with progress_bar(f"playtesting {story.id}") as bar:
        report = playtest(
            story,
            args.runs,
            args.seed,
            prefer_new=args.prefer_new,
            max_steps=args.max_steps,
            progress=bar,
        )
    if args.json:
        print(json_safe(json.dumps(_report_json(report), indent=2, ensure_ascii=False)))
    else:
        print(terminal_safe(_report_text(report, args, original)))
    return 0


def _steps(story: Story, one: Run) -> list[dict[str, Any]]:
    """Replay a run through the runtime itself, with the text and meters of every step."""
    session = Session.start(story)
    out: list[dict[str, Any]] = []
    for index in one.choices:
        option = next(o for o in session.options() if o.index == index)
        scene = session.scene
        step = session.choose(index)
        out.append(
            {"scene": scene, "index": index, "key": option.key, "say": option.text,
             "to": step.to, "meters": dict(step.meters)}
        )
    return out


def _where(story: Story, sid: str, index: int | None = None) -> str:
    src = story.source
    path: tuple[str | int, ...] = ("scenes", sid) if index is None else ("scenes", sid, "choices",
                                                                          index)
    line, col = src.key(path) if index is None else src.value(path)
    return f"{src.file}:{line}:{col}"


def _report_text(
    report: PlaytestReport, args: argparse.Namespace, original: Story
) -> str:
    """The report as text; ``original`` is the story as loaded (``report.story`` may be
    :func:`~crossroads.engine.lenient.playable`'s copy), to name the choices to missing scenes."""
    story = report.story
    lines = [
        f"{story.title} ({story.id}): {report.runs:,} playthroughs, seed {report.seed}"
        + (", preferring new choices" if report.prefer_new else ""),
    ]
    endings = " · ".join(
        f"{sid} {report.endings[sid]:,}" for sid, s in story.scenes.items() if s.ending
    )
    lines.append(
        f"  endings: {endings}  (stuck {report.outcomes['stuck']:,}, "
        f"cut off after {report.max_steps} steps {report.outcomes['cut']:,})"
    )
    never_scenes = report.never_reached()
    never_choices = report.never_taken()
    total = len(story.scenes)
    lines.append(f"  scenes reached: {total - len(never_scenes)} of {total}")
    lines.append(
        f"  choices taken: {report.total_choices - len(never_choices)} of {report.total_choices}"
    )
    if never_scenes:
        lines.append("  never reached:")
        lines += [f"    {_where(story, sid)}  {sid}" for sid in never_scenes]
    if never_choices:
        lines.append("  never taken:")
        for sid, i in never_choices:
            say = " ".join(story.scenes[sid].choices[i].say.split())
            to = original.scenes[sid].choices[i].to
            broken = "" if to in original.scenes else f" (leads to missing scene {to!r})"
            lines.append(f"    {_where(story, sid, i)}  {sid} #{i}  {say}{broken}")
    if report.first_stuck is not None:
        lines.append(f"  first stuck run: {report.first_stuck} (replay it with --replay "
                     f"{report.first_stuck})")
    lines.append(
        f"  replay a run: crossroads playtest {args.story} --seed {report.seed} "
        + ("--prefer-new " if report.prefer_new else "")
        + "--replay K"
    )
    return "\n".join(lines)


def _report_json(report: PlaytestReport) -> dict[str, Any]:
    story = report.story
    return {
        "story": story.id,
        "runs": report.runs,
        "seed": report.seed,
        "prefer_new": report.prefer_new,
        "max_steps": report.max_steps,
        "steps": report.steps,
        "endings": {sid: report.endings[sid] for sid, s in story.scenes.items() if s.ending},
        "outcomes": {k: report.outcomes[k] for k in ("ending", "stuck", "cut")},
        "first_stuck": report.first_stuck,
        "scenes": {sid: report.scene_visits[sid] for sid in story.scenes},
        "choices": [
            {"scene": sid, "index": i, "key": c.id or f"#{i}",
             "taken": report.choices_taken[(sid, i)]}
            for sid, s in story.scenes.items()
            for i, c in enumerate(s.choices)
        ],
        "never_reached": report.never_reached(),
        "never_taken": [{"scene": sid, "index": i} for sid, i in report.never_taken()],
    }


def _replay_text(
    story: Story, args: argparse.Namespace, one: Run, steps: list[dict[str, Any]]
) -> str:
    end = story.scenes[one.scenes[-1]]
    if one.outcome == "ending" and end.ending is not None:
        outcome = f"ending {one.scenes[-1]!r} ({end.ending.kind})"
    elif one.outcome == "stuck":
        outcome = f"stuck at {one.scenes[-1]!r}: no choice is available"
    else:
        outcome = f"cut off after {len(one.choices)} steps at {one.scenes[-1]!r}"
    lines = [f"{story.title}: run {one.index} of seed {args.seed}: {len(steps)} steps, {outcome}"]
    for n, step in enumerate(steps, 1):
        meters = " · ".join(f"{m} {v}" for m, v in step["meters"].items())
        say = " ".join(str(step["say"]).split())
        lines.append(f"  {n:>3}. {step['scene']} → {step['to']}: {say}")
        if meters:
            lines.append(f"       {meters}")
    return "\n".join(lines)


def _replay_json(
    story: Story, args: argparse.Namespace, one: Run, steps: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "story": story.id,
        "seed": str(args.seed),
        "run": one.index,
        "prefer_new": args.prefer_new,
        "outcome": one.outcome,
        "ending": one.ending,
        "choices": list(one.choices),
        "steps": steps,
    }
