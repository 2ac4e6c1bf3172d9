"""Story bank speed: reading a prompt's shared reflections and appending a step, at 10,000 and at
1,000,000 rows, and the median durable step append on SQLite.

    python benchmarks/bench_bank.py                 # SQLite, 10k vs 1M
    python benchmarks/bench_bank.py --pg URL        # PostgreSQL as well (a scratch database)
    python benchmarks/bench_bank.py --big 200000    # a quicker run

"Rows" counts reflections; the bank holds as many steps again, spread over 10 stories × 10
prompts, visibilities 50 % bank / 30 % cohort / 20 % private, 30 % anonymous, cohorts of 25.
Targets: time at the big size ≤ 2× the time at the small one; SQLite append median ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crossroads.engine.bank import Bank, Batch, open_bank

STORIES, PROMPTS, COHORT_SIZE, PER_LEARNER = 10, 10, 25, 40
WORDS = ("manager", "meeting", "team", "listen", "heard", "quiet", "first", "week", "change",
         "trust", "lunch", "email", "promise", "notes", "rumour", "director", "calendar",
         "voice", "worry", "plan")
READER = "learner-0"


def _rows(n: int, seed: int = 7) -> Iterator[tuple[list[Any], list[Any], list[Any]]]:
    """Chunks of (playthroughs, steps, reflections) rows for n reflections and n steps."""
    rng = random.Random(seed)
    learners = max(1, n // PER_LEARNER)
    chunk: tuple[list[Any], list[Any], list[Any]] = ([], [], [])
    base = 1_700_000_000
    for i in range(n):
        learner = i % learners
        pt = str(uuid.UUID(int=i + 1))
        story, prompt = f"story-{i % STORIES}", f"prompt-{(i // STORIES) % PROMPTS}"
        t = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(base + i)) + ".000+00:00"
        cohort = f"cohort-{learner // COHORT_SIZE}"
        chunk[0].append((pt, f"learner-{learner}", cohort, story, t))
        chunk[1].append((pt, 0, "a", 0, "k", "b", '{"trust": 50}', 900, t))
        vis = rng.choices(("bank", "cohort", "private"), (5, 3, 2))[0]
        text = " ".join(rng.choices(WORDS, k=12)) + f" {i}"
        chunk[2].append((str(uuid.uuid4()), pt, 1, f"learner-{learner}", cohort, story, prompt,
                         "a", text, vis, rng.random() < 0.3, t))
        if len(chunk[0]) == 50_000:
            yield chunk
            chunk = ([], [], [])
    if chunk[0]:
        yield chunk


def _loader(bank: Bank) -> Callable[[str, list[str], list[tuple[Any, ...]]], None]:
    """A bulk insert: executemany on SQLite, COPY on PostgreSQL (each call one transaction)."""
    if bank.dialect == "sqlite":  # type: ignore[attr-defined]

        def many(table: str, cols: list[str], rows: list[tuple[Any, ...]]) -> None:
            marks = ", ".join("?" for _ in cols)
            with bank._write() as tx:  # type: ignore[attr-defined]
                tx.many(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)

        return many

    def copy(table: str, cols: list[str], rows: list[tuple[Any, ...]]) -> None:
        conn = bank._connection()  # type: ignore[attr-defined]
        with conn.transaction(), conn.cursor() as cur, cur.copy(
            f"COPY {table} ({', '.join(cols)}) FROM STDIN"
        ) as cp:
            for row in rows:
                cp.write_row(row)

    return copy


def build(bank: Bank, n: int) -> float:
    """Fill an empty bank with n reflections and n steps, in big transactions."""
    started = time.perf_counter()
    learners = max(1, n // PER_LEARNER)
    cohorts = (learners + COHORT_SIZE - 1) // COHORT_SIZE
    sqlite = bank.dialect == "sqlite"  # type: ignore[attr-defined]
    if sqlite:  # a bulk load: no syncs, a big page cache (restored before measuring)
        bank._conn.execute("PRAGMA synchronous = OFF")  # type: ignore[attr-defined]
        bank._conn.execute("PRAGMA cache_size = -262144")  # type: ignore[attr-defined]
    load = _loader(bank)
    learner_id = {f"learner-{i}": str(uuid.UUID(int=(1 << 100) + i)) for i in range(learners)}
    cohort_id = {f"cohort-{c}": str(uuid.UUID(int=(1 << 101) + c)) for c in range(cohorts)}
    day = "2024-01-01T00:00:00+00:00"
    load("learners", ["id", "name", "created"],
         [(lid, name, day) for name, lid in learner_id.items()])
    load("cohorts", ["id", "code", "name", "created"],
         [(cid, code, code, day) for code, cid in cohort_id.items()])
    load("memberships", ["learner_id", "cohort_id", "joined"],
         [(learner_id[f"learner-{i}"], cohort_id[f"cohort-{i // COHORT_SIZE}"], day)
          for i in range(learners)])
    for pts, steps, refls in _rows(n):
        load("playthroughs", ["id", "learner_id", "cohort_id", "story_id", "story_hash",
                              "started", "status"],
             [(p, learner_id[who], cohort_id[c], s, "h", t, "finished")
              for p, who, c, s, t in pts])
        load("steps", ["playthrough_id", "seq", "scene", "choice_index", "choice_key",
                       "to_scene", "meters", "ms", "at"], steps)
        load("reflections", ["id", "playthrough_id", "seq", "learner_id", "cohort_id",
                             "story_id", "prompt_id", "scene", "text", "visibility",
                             "anonymous", "created"],
             [(r[0], r[1], r[2], learner_id[r[3]], cohort_id[r[4]], *r[5:]) for r in refls])
    if sqlite:
        conn = bank._conn  # type: ignore[attr-defined]
        conn.execute("ANALYZE")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA cache_size = -2000")
    else:
        bank._connection().execute("VACUUM ANALYZE")  # type: ignore[attr-defined]
    return time.perf_counter() - started


def median_ms(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` in milliseconds (after a few warm-up calls)."""
    for _ in range(5):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def measure(bank: Bank, runs: int) -> dict[str, float]:
    """Median times of the operations the player does at every prompt and every choice."""
    pt = str(uuid.uuid4())
    seq = iter(range(1_000_000))

    def append() -> None:
        s = next(seq)
        bank.write(Batch(pt, READER, "cohort-0", "story-0", "h", "2024-06-01T00:00:00+00:00", s,
                         [{"type": "choice", "scene": "a", "index": 0, "key": "k", "to": "a",
                           "meters": {"trust": s % 100}, "ms": 800, "at": None}]))

    assert len(bank.shared_reflections("story-0", "prompt-0", READER)) == 20
    return {
        "shared page 1": median_ms(
            lambda: bank.shared_reflections("story-0", "prompt-0", READER), runs),
        "shared page 3": median_ms(
            lambda: bank.shared_reflections("story-0", "prompt-0", READER, offset=40), runs),
        "search (rare word)": median_ms(
            lambda: bank.search("1234", reader=READER, story_id="story-4"), runs),
        "prompt search (common)": median_ms(
            lambda: bank.shared_reflections("story-0", "prompt-0", READER, query="manager"),
            runs),
        "append step": median_ms(append, runs),
    }


def run(kind: str, open_fresh: Callable[[str], Bank], sizes: list[int], runs: int) -> bool:
    """Build each size, measure, print the table and the ratios; True when within 2×."""
    results: dict[int, dict[str, float]] = {}
    for n in sizes:
        bank = open_fresh(f"n{n}")
        try:
            took = build(bank, n)
            print(f"[{kind}] built {n:,} reflections + {n:,} steps in {took:.1f} s", flush=True)
            results[n] = measure(bank, runs)
        finally:
            bank.close()
    small, big = sizes
    ok = True
    print(f"\n[{kind}] median ms        {small:>10,} {big:>12,}   ratio")
    for op in results[small]:
        a, b = results[small][op], results[big][op]
        ratio = b / a
        gated = op in ("shared page 1", "shared page 3", "append step")
        ok &= ratio <= 2 or not gated
        flag = ("ok" if ratio <= 2 else "TOO SLOW") if gated else "(info)"
        print(f"[{kind}] {op:<20} {a:>10.3f} {b:>12.3f}   {ratio:4.2f}× {flag}")
    return ok


def durable_append(folder: Path, runs: int) -> None:
    """The median durable step append on SQLite, with synchronous NORMAL and FULL."""
    for sync in ("NORMAL", "FULL"):
        bank = open_bank(str(folder / f"append-{sync}.sqlite3"))
        bank._conn.execute(f"PRAGMA synchronous = {sync}")  # type: ignore[attr-defined]
        pt, seq = str(uuid.uuid4()), iter(range(1_000_000))

        def append(bank: Bank = bank, pt: str = pt, seq: Iterator[int] = seq) -> None:
            s = next(seq)
            bank.write(Batch(pt, "ana", None, "s", "h", "2024-06-01T00:00:00+00:00", s,
                             [{"type": "choice", "scene": "a", "index": 0, "key": "k",
                               "to": "a", "meters": {"trust": 50}, "ms": 800, "at": None}]))

        ms = median_ms(append, runs)
        target = " (target ≤ 5 ms: " + ("ok)" if ms <= 5 else "MISSED)") if sync == "NORMAL" else ""
        print(f"[sqlite] durable step append, synchronous={sync}: median {ms:.3f} ms{target}")
        bank.close()


def main() -> int:
    """Run the benchmark; exit 1 when a ratio exceeds 2×."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=10_000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--pg", metavar="URL", help="also benchmark PostgreSQL (scratch schemas)")
    ap.add_argument("--no-sqlite", action="store_true", help="skip the SQLite measurements")
    args = ap.parse_args()
    sizes = [args.small, args.big]
    ok = True
    with tempfile.TemporaryDirectory(prefix="bench-bank-") as tmp:
        folder = Path(tmp)
        if not args.no_sqlite:
            durable_append(folder, args.runs)
            ok &= run("sqlite", lambda name: open_bank(str(folder / f"{name}.sqlite3")), sizes,
                      args.runs)
        if args.pg:
            ok &= run("postgresql", lambda name: _pg_fresh(args.pg, name), sizes, args.runs)
    return 0 if ok else 1


def _pg_fresh(url: str, name: str) -> Bank:
    import psycopg

    schema = f"bench_{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")  # type: ignore[arg-type]
        conn.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
    sep = "&" if "?" in url else "?"
    return open_bank(f"{url}{sep}options=-csearch_path%3D{schema}")


if __name__ == "__main__":
    sys.exit(main())
