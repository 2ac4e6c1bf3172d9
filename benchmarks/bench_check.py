"""How long `crossroads check` takes, as a ratio to a bare C-accelerated YAML parse.

Both are measured in the same run on the same synthetic file (benchmarks/synth.py):

- baseline: ruamel.yaml's C-accelerated safe load (`YAML(typ="safe", pure=False).load`), the
  cheapest way ruamel turns the file into Python data;
- for reference also the C parser's bare event stream, and PyYAML's CSafeLoader when installed;
- measured: the full check (load with positions + pydantic + every structural check).

    python benchmarks/bench_check.py [SCENES ...]     # default 10000, plus a 60000 memory run
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import synth_story
from timing import median_time

from crossroads.engine.check import check_story_file


def bench(scenes: int, reps: int = 3) -> None:
    """Print the timings and the ratio for one story size."""
    from ruamel.yaml import YAML

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"synth-{scenes}.yaml"
        path.write_text(synth_story(scenes), encoding="utf-8")
        text = path.read_text(encoding="utf-8")
        yaml = YAML(typ="safe", pure=False)
        assert "CParser" in yaml.Parser.__name__, "ruamel.yaml.clib is not installed"
        plain = median_time(lambda: yaml.load(path.read_text(encoding="utf-8")), reps)

        def load_nogc() -> None:
            gc.disable()
            try:
                yaml.load(path.read_text(encoding="utf-8"))
            finally:
                gc.enable()

        # The stricter baseline: the same load with the collector off, as check runs.
        base = min(plain, median_time(load_nogc, reps))
        events = median_time(lambda: sum(1 for _ in yaml.parse(text)), reps)
        report = check_story_file(path)
        assert report.errors == 0, report.diagnostics[:3]
        full = median_time(lambda: check_story_file(path), reps)
        print(f"{scenes:>7} scenes, {path.stat().st_size / 1e6:.1f} MB")
        print(f"  C-accelerated load            {plain:7.2f} s")
        print(f"  same, collector off (baseline){base:7.2f} s")
        print(f"  C parser events only          {events:7.2f} s")
        try:
            import yaml as pyyaml

            cbase = median_time(lambda: pyyaml.load(text, Loader=pyyaml.CSafeLoader), reps)
            print(f"  PyYAML CSafeLoader            {cbase:7.2f} s")
        except (ImportError, AttributeError):
            pass
        print(f"  crossroads check (full)       {full:7.2f} s")
        print(f"  ratio check / baseline        {full / base:7.2f}x   (must be <= 1.5x)")


def memory_run(scenes: int) -> None:
    """Check a big story in a fresh process and print its wall time and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"synth-{scenes}.yaml"
        path.write_text(synth_story(scenes), encoding="utf-8")
        code = (
            "import resource,sys,time;from pathlib import Path;"
            "from crossroads.engine.check import check_story_file;t=time.perf_counter();"
            f"r=check_story_file(Path({str(path)!r}));"
            "print(r.errors, round(time.perf_counter()-t,1),"
            " resource.getrusage(resource.RUSAGE_SELF).ru_maxrss//1024)"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ},
        ).stdout.split()
        print(
            f"{scenes:>7} scenes, {path.stat().st_size / 1e6:.0f} MB: check {out[1]} s, "
            f"peak memory {out[2]} MB, {out[0]} errors (must be well under 60 s and 1024 MB)"
        )


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [10_000]
    for n in sizes:
        bench(n)
    if not sys.argv[1:]:
        memory_run(60_000)
