"""How the cohort report scales: 10,000 against 100,000 playthroughs of a 30-scene story.

Fills an SQLite bank (bulk ``write_many``, thousands of playthroughs per transaction) with
playthroughs of a synthetic 30-scene story (benchmarks/synth.py), sampled from distinct random
walks through the real runtime, with check-ins and reflections; then times the full cohort
report (``crossroads.engine.cohort.analyse``: every bulk read and the aggregation) at 10,000
playthroughs
and again at 100,000 in the same bank. The ratio must stay at or under 12 (linear or better).

    python benchmarks/bench_cohort.py [SMALL LARGE]     # default 10000 100000
"""

from __future__ import annotations

import gc
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import synth_story

from crossroads.engine.bank import Batch, open_bank
from crossroads.engine.cohort import analyse
from crossroads.engine.loader import load_text
from crossroads.engine.model import CheckinItem, Story
from crossroads.engine.runtime import Session

LIMIT = 12.0
WALKS = 5000
CHUNK = 5000


def walks(story: Story, n: int, seed: int = 3) -> list[list[dict[str, object]]]:
    """``n`` random playthroughs' events (choices with meters, a check-in at the start)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = Session.start(story, "x")
        s.random_walk(rng)
        out.append([{k: v for k, v in e.items() if k != "at"} for e in s.events])
    return out


def batches(story: Story, pool: list[list[dict[str, object]]], n: int, offset: int,
            seed: int) -> Iterator[Batch]:
    """``n`` playthroughs sampled from the pool, each by its own learner, in one cohort."""
    rng = random.Random(seed)
    for i in range(offset, offset + n):
        events = [dict(e) for e in rng.choice(pool)]
        ending = str(events[-1]["to"])
        for e in events:
            e["ms"] = rng.randint(800, 60_000)
        events.insert(0, {"type": "checkin", "scene": story.start,
                          "answers": {"know": rng.randint(1, 5)}})
        if i % 4 == 0:
            events.append({"type": "reflection", "scene": story.start, "prompt": "p",
                           "text": "a story", "visibility": "cohort", "anonymous": False})
        # time-ordered ids (like UUIDv7): inserts append to the indexes instead of scattering
        pid = str(uuid.UUID(int=(i << 80) | rng.getrandbits(80), version=4))
        yield Batch(pid, f"learner-{i}", "bench", story.id, story.content_hash,
                    "2024-03-01T08:00:00+00:00", 0, events, status="finished",
                    ending=ending,
                    finished="2024-03-01T09:00:00+00:00")


def fill(bank: object, story: Story, pool: list[list[dict[str, object]]], n: int,
         offset: int) -> float:
    """Add ``n`` playthroughs; return the seconds taken."""
    t0 = time.perf_counter()
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        bank.write_many(batches(story, pool, size, offset + done, seed=offset + done))  # type: ignore[attr-defined]
        done += size
    return time.perf_counter() - t0


def timed_report(bank: object, story: Story, runs: int = 3) -> tuple[float, float, int]:
    """Best wall and best CPU seconds over ``runs`` full cohort reports, and the playthroughs
    covered. SQLite runs in this process, so CPU time is the whole cost and is steady on a
    shared machine; wall time is printed alongside."""
    wall = cpu = float("inf")
    started = 0
    for _ in range(runs):
        gc.collect()
        w0, c0 = time.perf_counter(), time.process_time()
        report = analyse(bank, story, "bench")  # type: ignore[arg-type]
        wall = min(wall, time.perf_counter() - w0)
        cpu = min(cpu, time.process_time() - c0)
        started = report.started
    return wall, cpu, started


def main(argv: list[str]) -> int:
    small, large = (int(argv[0]), int(argv[1])) if len(argv) >= 2 else (10_000, 100_000)
    story = load_text(synth_story(30), "<synth-30>")
    scenes = dict(story.scenes)
    item = CheckinItem(id="know", statement="I know how my people are doing")
    scenes[story.start] = scenes[story.start].model_copy(update={"checkin": [item]})
    story = story.model_copy(update={"scenes": scenes})
    t0 = time.perf_counter()
    pool = walks(story, WALKS)
    steps = sum(len(w) for w in pool) / len(pool)
    print(f"story: 30 scenes; {WALKS} distinct random walks, {steps:.1f} choices each "
          f"({time.perf_counter() - t0:.1f} s)")
    with tempfile.TemporaryDirectory() as tmp:
        bank = open_bank(str(Path(tmp) / "bench.sqlite3"))
        try:
            t = fill(bank, story, pool, small, 0)
            print(f"insert {small:>7,} playthroughs: {t:6.1f} s")
            w_small, c_small, n_small = timed_report(bank, story)
            print(f"report {n_small:>7,} playthroughs: {c_small:6.2f} s CPU ({w_small:.2f} s wall)")
            t = fill(bank, story, pool, large - small, small)
            print(f"insert {large - small:>7,} more:         {t:6.1f} s")
            w_large, c_large, n_large = timed_report(bank, story)
            print(f"report {n_large:>7,} playthroughs: {c_large:6.2f} s CPU ({w_large:.2f} s wall)")
        finally:
            bank.close()
    ratio = c_large / c_small
    scale = n_large / n_small
    print(f"ratio {ratio:.2f} CPU, {w_large / w_small:.2f} wall, for {scale:.0f}x the "
          f"playthroughs (limit {LIMIT:.0f}): {'ok' if ratio <= LIMIT else 'TOO SLOW'}")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
