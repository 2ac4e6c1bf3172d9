"""10,000 seeded random playthroughs of the example story through the runtime alone.

The baseline, measured in the same run, is a bare loop walking the same scene graph with the same
random choices but no state (no conditions, effects, flags or rendering): the ratio says what the
runtime's bookkeeping costs on top of walking the graph.

    python benchmarks/bench_playthroughs.py [--n 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout, not an install

from crossroads.engine.loader import load_path
from crossroads.engine.model import Story
from crossroads.engine.runtime import Session

STORY = Path(__file__).resolve().parent.parent / "stories" / "first-week.yaml"


def runtime_walks(story: Story, n: int, seed: int) -> tuple[float, int]:
    """Seconds for ``n`` playthroughs with :meth:`Session.random_walk`, and the steps taken."""
    rng = random.Random(seed)
    steps = 0
    start = time.perf_counter()
    for _ in range(n):
        session = Session.start(story, "bench")
        steps += len(session.random_walk(rng))
        session.passage()
    return time.perf_counter() - start, steps


def baseline_walks(story: Story, n: int, seed: int) -> tuple[float, int]:
    """Seconds for ``n`` walks of the bare scene graph (targets only), and the steps taken."""
    graph = {
        sid: [c.to for c in scene.choices] or ([scene.next] if scene.next else [])
        for sid, scene in story.scenes.items()
    }
    rng = random.Random(seed)
    steps = 0
    start = time.perf_counter()
    for _ in range(n):
        scene = story.start
        while graph[scene]:
            scene = rng.choice(graph[scene])
            steps += 1
    return time.perf_counter() - start, steps


def main() -> None:
    """Run both and print the times and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    story = load_path(STORY)
    Session.start(story).random_walk(random.Random(0))  # compile conditions once
    base, base_steps = baseline_walks(story, args.n, args.seed)
    ours, our_steps = runtime_walks(story, args.n, args.seed)
    print(f"baseline graph walk: {base:.3f} s for {args.n} walks ({base_steps} steps)")
    print(f"runtime playthroughs: {ours:.3f} s for {args.n} playthroughs ({our_steps} steps), "
          f"{ours / args.n * 1e6:.0f} µs each")
    print(f"ratio: {ours / base:.1f}x the bare graph walk")


if __name__ == "__main__":
    main()
