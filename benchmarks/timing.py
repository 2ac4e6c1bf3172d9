"""The timing helper the benchmarks share (imported as a sibling module, like ``synth``)."""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable


def median_time(fn: Callable[[], object], reps: int) -> float:
    """Median wall time of ``fn`` in seconds over ``reps`` calls, collecting garbage before each."""
    times = []
    for _ in range(reps):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)
