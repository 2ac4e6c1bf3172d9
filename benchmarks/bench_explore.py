"""How fast state-aware checking and playtesting are, as ratios to baselines from the same run.

Three measurements (targets from issue 7):

1. ``check --deep`` (load + validate + explore + report) on every shipped story: under 1 s each.
   Baseline: load + validate alone (plain ``crossroads check``), and a plain BFS over the scene
   graph. Beside it, what the fixed-strategy policies and ``assumes:`` proofs (issue 15) cost on
   their own, as a share of the rest of ``check --deep`` (target: at most 25 %).
2. States explored per second on a synthetic 1,000-scene story with two meters and a flag
   (generated here). Baseline: scenes visited per second by a plain BFS over the scene graph.
3. 10,000 seeded playtests of the longest shipped story (most steps per run): at most 5 s.
   Baseline: the same playthroughs through the runtime's own ``Session.random_walk``, timed on a
   few hundred runs and scaled.

    python benchmarks/bench_explore.py [--quick]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import median_time  # noqa: E402

from crossroads.engine.check import check_story_file  # noqa: E402
from crossroads.engine.explore import ExploreResult, deep_check, explore, playtest  # noqa: E402
from crossroads.engine.explore.explorer import Explorer  # noqa: E402
from crossroads.engine.explore.policy import run_policies  # noqa: E402
from crossroads.engine.loader import load_path, load_text  # noqa: E402
from crossroads.engine.model import Story  # noqa: E402
from crossroads.engine.runtime import Session  # noqa: E402
from crossroads.engine.validate import validate  # noqa: E402


def scene_bfs(story: Story) -> int:
    """The baseline: a plain BFS over the scene graph; returns the scenes visited."""
    seen = {story.start}
    queue = deque([story.start])
    while queue:
        scene = story.scenes[queue.popleft()]
        targets = [c.to for c in scene.choices] + ([scene.next] if scene.next else [])
        for to in targets:
            if to not in seen:
                seen.add(to)
                queue.append(to)
    return len(seen)


def synth_explore(n: int = 1000, seed: int = 7) -> str:
    """A valid n-scene story with two meters (trust, time) and one flag (asked).

    Scenes go forward (i → i+1, i+2, i+3), gated on the meters and the flag, with small effects,
    so the reachable state space is large but finite; three endings gated on the meters.
    """
    rng = random.Random(seed)
    out = [
        "format: crossroads/1",
        f"id: explore-synth-{n}",
        f"title: Synthetic exploration story of {n} scenes",
        "min_reflections: 0",
        "meters:",
        "  trust: {label: Trust, start: 50}",
        "  time: {label: Time, start: 80}",
        "flags: [asked]",
        "start: s0",
        "scenes:",
    ]
    body = n - 3
    ends = ["good", "mixed", "hard"]

    def target(i: int) -> str:
        return f"s{i}" if i < body else "last"

    for i in range(body):
        out += [f"  s{i}:", f"    text: Scene {i}.", "    choices:"]
        out += [
            "      - say: Steady on",
            f"        to: {target(i + 1)}",
            f"        effects: {{trust: +{rng.randint(1, 3)}, time: -1}}",
            "      - say: Push harder",
            f"        to: {target(i + 2)}",
            f"        if: trust >= {rng.randint(30, 70)}",
            f"        effects: {{trust: -{rng.randint(2, 6)}, time: -2}}",
        ]
        if i % 7 == 0:
            out.append("        set: [asked]")
        out += [
            "      - say: Ask around",
            f"        to: {target(i + 3)}",
            "        if: asked or time > 40",
            "        effects: {time: -3}",
        ]
        if i % 11 == 0:
            out.append("        clear: [asked]")
    out += [
        "  last:",
        "    text: The end is near.",
        "    choices:",
        "      - {say: Celebrate, to: e-good, if: trust >= 60 and time >= 20}",
        "      - {say: Carry on, to: e-mixed, if: time >= 20}",
        "      - {say: Collapse, to: e-hard}",
    ]
    for kind in ends:
        out += [f"  e-{kind}:", f"    ending: {{kind: {kind}, title: The {kind} end}}",
                "    text: Done."]
    return "\n".join(out) + "\n"


def bench_shipped(reps: int) -> None:
    print("1. check --deep on each shipped story (target < 1 s)")
    print(f"   {'story':<22} {'states':>8} {'deep s':>8} {'check s':>8} {'× check':>8} "
          f"{'× scene BFS':>12} {'policies':>9} {'+%':>5}  verdict")
    for path in sorted((ROOT / "stories").glob("*.yaml")):
        story = load_path(path)
        if any(d.severity == "error" for d in validate(story)):
            print(f"   {path.stem:<22} has validation errors; skipped")
            continue
        deep = median_time(lambda p=path: check_story_file(p, deep_check), reps)  # type: ignore[misc]
        plain = median_time(lambda p=path: check_story_file(p), reps)  # type: ignore[misc]
        bfs = median_time(lambda s=story: scene_bfs(s), max(reps, 20))  # type: ignore[misc]
        result = explore(load_path(path))
        states = f"{result.states:,}" + ("" if result.exhaustive else "*")
        teach = median_time(lambda r=result: _teaching(r), reps)  # type: ignore[misc]
        share = 100 * teach / max(deep - teach, 1e-9)  # deep includes the policies
        verdict = "ok" if deep < 1.0 and share <= 25 else "SLOW"
        print(f"   {path.stem:<22} {states:>8} {deep:>8.3f} {plain:>8.3f} {deep / plain:>8.1f} "
              f"{deep / bfs:>12,.0f} {teach:>9.4f} {share:>4.1f}%  {verdict}")


def _teaching(result: ExploreResult) -> None:
    """What issue 15 adds to exploring: every policy's search. (The ``assumes:`` proofs are one
    condition per explored state of the scenes that have one — none of the shipped stories do
    yet, so they add nothing here; a scene's ``assumes:`` also joins the state, like an ``if:``.)
    """
    run_policies(Explorer(result.compiled), set(result.endings), result.max_states)


def bench_states(n: int, max_states: int) -> None:
    print(f"2. states per second on a synthetic {n:,}-scene story (two meters, one flag)")
    story = load_text(synth_explore(n), "synth.yaml")
    assert not [d for d in validate(story) if d.severity == "error"]
    t = time.perf_counter()
    result = explore(story, max_states=max_states)
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    rounds = 0
    while time.perf_counter() - t < 0.5:
        scene_bfs(story)
        rounds += 1
    bfs_rate = rounds * len(story.scenes) / (time.perf_counter() - t)
    rate = result.states / seconds
    mode = "exhaustive" if result.exhaustive else f"bound hit, {result.sampled_runs} samples"
    print(f"   {result.states:,} states, {result.transitions:,} transitions in {seconds:.2f} s "
          f"({mode})")
    print(f"   {rate:,.0f} states/s; plain scene-graph BFS {bfs_rate:,.0f} scenes/s "
          f"(ratio {bfs_rate / rate:.1f}× per node)")


def bench_playtests(runs: int) -> None:
    stories = []
    for path in sorted((ROOT / "stories").glob("*.yaml")):
        story = load_path(path)
        if any(d.severity == "error" for d in validate(story)):
            continue
        report = playtest(story, 50, seed="len")
        stories.append((report.steps / 50, path.stem, story))
    steps, name, story = max(stories)
    print(f"3. {runs:,} seeded playtests of the longest shipped story, {name} "
          f"({steps:.1f} steps a run; target ≤ 5 s)")
    t = time.perf_counter()
    report = playtest(story, runs, seed=1, prefer_new=False)
    fast = time.perf_counter() - t
    few = 300
    t = time.perf_counter()
    for k in range(few):
        Session.start(story).random_walk(random.Random(f"1:{k}"))
    walk = (time.perf_counter() - t) / few * runs
    verdict = "ok" if fast <= 5.0 else "SLOW"
    print(f"   playtest: {fast:.2f} s ({report.steps:,} steps, {report.steps / fast:,.0f} steps/s)"
          f"  {verdict}")
    print(f"   Session.random_walk, scaled from {few} runs: {walk:.2f} s  "
          f"(playtest is {walk / fast:.1f}× faster)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, smaller runs")
    args = parser.parse_args()
    bench_shipped(1 if args.quick else 3)
    bench_states(1000, 400_000 if args.quick else 3_000_000)
    bench_playtests(2_000 if args.quick else 10_000)


if __name__ == "__main__":
    main()
