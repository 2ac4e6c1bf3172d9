"""Cold start to the first interactive frame of ``crossroads play``, against a minimal Textual app.

Both run as fresh subprocesses on a pseudo-terminal (80×24), interleaved, several times; each
prints the wall-clock time of its first frame (after the first screen's first refresh) and exits.
The figures are the ratios of the best and of the median times; the target is ≤ 1.5×. On a busy
machine the best of several runs is the steadier figure.

    python benchmarks/bench_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STORY = ROOT / "stories" / "first-week.yaml"

MINIMAL = """
import os, time
from textual.app import App
from textual.widgets import Footer, Static

class Minimal(App):
    def compose(self):
        yield Static("Hello")
        yield Footer()
    def on_mount(self):
        self.call_after_refresh(self.done)
    def done(self):
        with open(os.environ["CROSSROADS_BENCH_FIRST_FRAME"], "a") as fh:
            fh.write(f"{time.time():.6f}\\n")
        self.exit()

Minimal().run()
"""


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 65536):
            pass
    except OSError:
        pass


def first_frame(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from spawning ``cmd`` on a pty to the first frame it reports."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    reader = threading.Thread(target=_drain, args=(master,), daemon=True)
    reader.start()
    report = Path(env["CROSSROADS_BENCH_FIRST_FRAME"])
    report.unlink(missing_ok=True)
    start = time.time()
    proc = subprocess.run(
        cmd, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=ROOT, timeout=60, check=False
    )
    os.close(slave)
    os.close(master)
    if not report.exists():
        raise RuntimeError(f"{cmd[:3]} reported no first frame (exit {proc.returncode})")
    return float(report.read_text().split()[0]) - start


def main() -> None:
    """Measure both; print their best and median times and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="crossroads-bench-")
    env = {**os.environ, "CROSSROADS_HOME": home, "TERM": "xterm-256color",
           "CROSSROADS_BENCH_FIRST_FRAME": str(Path(home) / "first-frame.txt")}
    ours_cmd = [sys.executable, "-m", "crossroads", "play", str(STORY), "--as", "bench"]
    base_cmd = [sys.executable, "-c", MINIMAL]
    # Installed packages (Textual) have bytecode; give our editable checkout the same, since
    # PYTHONDONTWRITEBYTECODE would otherwise recompile every edited module on every run.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "engine"),
                    str(ROOT / "tui")], check=False)
    first_frame(base_cmd, env)  # warm the file cache for both
    first_frame(ours_cmd, env)
    base: list[float] = []
    ours: list[float] = []
    for _ in range(args.runs):
        base.append(first_frame(base_cmd, env))
        ours.append(first_frame(ours_cmd, env))
    for name, times in (("minimal Textual app", base), (f"crossroads play {STORY.name}", ours)):
        print(f"{name}: best {min(times) * 1000:.0f} ms, median "
              f"{statistics.median(times) * 1000:.0f} ms over {args.runs} runs")
    print(f"ratio: best {min(ours) / min(base):.2f}x, median "
          f"{statistics.median(ours) / statistics.median(base):.2f}x (target <= 1.5x)")


if __name__ == "__main__":
    main()
