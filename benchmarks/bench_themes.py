"""Benchmark: themes for 1,000 and 10,000 generated reflections of about 150 words.

Run ``python benchmarks/bench_themes.py``. Prints the time for 1,000 (the target is ≤ 5 s on a
two-core machine) and the ratio of the time for 10,000 to the time for 1,000 (linear would be
10; an all-pairs similarity would be 100), in wall-clock and in CPU time (steadier when other
processes share the machine). Reflections come from
:mod:`devtools.synthetic_reflections`, deterministically; generating them is not timed.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crossroads.engine.reflections import classify, find_themes
from devtools.synthetic_reflections import generate

TARGET_1000 = 5.0


def _time_themes(count: int, repeat: int) -> tuple[float, float, str]:
    """Best wall-clock and CPU seconds over ``repeat`` runs, and what the last run found."""
    reflections = list(generate(count, seed=1, words=150))
    best = best_cpu = float("inf")
    voices = ""
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        report = find_themes(reflections, seed=0)
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        voices = f"{len(report.themes)} themes, {report.voices}"
    return best, best_cpu, voices


def main() -> int:
    """Run the benchmark; exit 1 when 1,000 reflections take longer than the target."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best is kept)")
    parser.add_argument("--large", type=int, default=10_000, help="the larger size")
    args = parser.parse_args()

    texts = [r.text for r in generate(1000, seed=2, words=150)]
    start = time.perf_counter()
    for text in texts:
        classify(text)
    per_item = (time.perf_counter() - start) / len(texts) * 1000
    print(f"classify: {per_item:.2f} ms per 150-word reflection")

    small, small_cpu, small_info = _time_themes(1000, args.repeat)
    print(
        f"themes, 1,000 reflections: {small:.2f} s wall, {small_cpu:.2f} s CPU ({small_info}); "
        f"target ≤ {TARGET_1000} s"
    )
    large, large_cpu, large_info = _time_themes(args.large, 1)
    print(
        f"themes, {args.large:,} reflections: {large:.2f} s wall, {large_cpu:.2f} s CPU "
        f"({large_info})"
    )
    print(
        f"ratio {args.large:,} / 1,000: {large / small:.1f} wall, {large_cpu / small_cpu:.1f} CPU "
        f"(linear = {args.large / 1000:.0f}; CPU time is steadier on a busy machine)"
    )
    return 0 if small <= TARGET_1000 else 1


if __name__ == "__main__":
    raise SystemExit(main())
