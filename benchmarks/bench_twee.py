"""Import speed: a 1,000-passage SugarCube Twee file (links, setter links, <<if>>, <<set>>).

Prints the absolute time of ``import_twee`` and its ratio to a baseline measured in the same run:
reading the file and splitting it into passages by its ``::`` headers (the least any importer
does). Target: under a second. Run: ``python -m benchmarks.bench_twee``.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from tempfile import TemporaryDirectory

from crossroads.engine.twee import import_twee

PASSAGES = 1000


def synth(n: int = PASSAGES, seed: int = 7) -> str:
    """A SugarCube story of ``n`` passages, every one reached, the last ones endings."""
    rng = random.Random(seed)
    out = [":: StoryTitle", "Bench", "", ":: StoryData",
           '{"ifid": "00000000-0000-4000-8000-000000000000", "format": "SugarCube", '
           '"start": "P0"}', "", ":: StoryInit", "<<set $trust to 50>><<set $met to false>>", ""]
    for i in range(n):
        out.append(f":: P{i} [tag{i % 5}] {{\"position\":\"{i * 10},{i * 5}\"}}")
        out.append(f"Passage {i}. ''Trust'' is $trust. " + "Words go here. " * rng.randint(3, 12))
        if i >= n - 10:
            out.append("")
            continue
        if i % 3 == 0:
            out.append("<<set $trust += 2>>")
        nxt = [i + 1] + [rng.randint(i + 1, n - 1) for _ in range(rng.randint(0, 2))]
        for k, j in enumerate(nxt):
            if k == 1:
                out.append(f"<<if $trust gte {rng.randint(20, 80)}>>[[Go on to {j}->P{j}]]<</if>>")
            elif k == 2:
                out.append(f"[[Try {j}|P{j}][$met to true]]")
            else:
                out.append(f"[[Next {j}|P{j}]]")
        out.append("")
    return "\n".join(out)


def main() -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.twee"
        path.write_text(synth(), encoding="utf-8")
        runs = 5
        t0 = time.perf_counter()
        for _ in range(runs):
            text = path.read_text(encoding="utf-8")
            parts = [p for p in text.split("\n::") if p]
        base = (time.perf_counter() - t0) / runs
        assert len(parts) > PASSAGES
        best = float("inf")
        for _ in range(runs):
            t0 = time.perf_counter()
            result = import_twee(path.read_text(encoding="utf-8"), str(path))
            best = min(best, time.perf_counter() - t0)
        assert result.scenes == PASSAGES, result.scenes
    print(f"twee import: {PASSAGES} passages, {result.choices} choices in {best:.3f} s "
          f"(baseline read+split {base * 1000:.2f} ms; ratio {best / base:.0f}x); "
          f"target < 1 s: {'ok' if best < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
