"""Web player speed: time from opening the page to the first scene, and memory per session.

    python benchmarks/bench_web.py                 # 5 sessions one after another, then 10 live
    python benchmarks/bench_web.py --runs 10 --live 20

Runs ``crossroads serve --web`` on a scratch SQLite bank and headless system Chromium
(``CROSSROADS_CHROMIUM`` or ``chromium`` on PATH) through Playwright. For each run it opens
``/play`` and measures: the sign-in screen shown, then (after typing a code) the story list, then
the first scene of first-week. Then it opens ``--live`` sessions at once, each signed in, and
reads the resident memory (RSS) of the server and of its player processes from /proc:
memory per live session = (server + children with N live − server idle) / N. Not a CI test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web.conftest import (
    FLAGS,
    WebServer,
    open_first_week,
    wait_for,
)


def rss_kib(pid: int) -> int:
    """Resident memory of a process, KiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def total_rss(server: WebServer) -> int:
    return rss_kib(server.proc.pid) + sum(rss_kib(p) for p in server.children())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--live", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from tests.engine.export.conftest import chromium

    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    server = WebServer(tmp, seats=args.runs + args.live + 2, sessions=args.live + 5)
    codes = iter(server.codes)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium(), args=FLAGS, headless=True)
            firsts, scenes = [], []
            for _ in range(args.runs):
                page = browser.new_page(viewport={"width": 1100, "height": 760})
                start = time.perf_counter()
                page.goto(server.url + "/play")
                wait_for(page, "Invitation code")
                firsts.append(time.perf_counter() - start)
                page.keyboard.type(next(codes))
                page.keyboard.press("Enter")
                page.wait_for_timeout(300)
                page.keyboard.press("Enter")
                wait_for(page, "Choose a story to live")
                open_first_week(page)
                wait_for(page, "Monday, 8:02")
                scenes.append(time.perf_counter() - start)
                page.close()
            time.sleep(2)
            idle = total_rss(server)
            pages = []
            for _ in range(args.live):
                page = browser.new_page(viewport={"width": 1100, "height": 760})
                page.goto(server.url + "/play")
                pages.append(page)
            for page in pages:
                wait_for(page, "Invitation code", timeout=120)
                page.keyboard.type(next(codes))
                page.keyboard.press("Enter")
                page.wait_for_timeout(300)
                page.keyboard.press("Enter")
            for page in pages:
                wait_for(page, "Choose a story to live", timeout=120)
            live = total_rss(server)
            per = (live - idle) / args.live
            browser.close()
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    def ms(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1000:.0f} ms, max {max(xs) * 1000:.0f} ms"

    print(f"page opened → sign-in screen shown:   {ms(firsts)} ({args.runs} runs)")
    print(f"page opened → first scene (with a code typed by the benchmark): {ms(scenes)}")
    print(f"server memory: {idle / 1024:.0f} MiB idle; {live / 1024:.0f} MiB with {args.live} "
          f"live sessions; {per / 1024:.1f} MiB per live session (server + its player process)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
