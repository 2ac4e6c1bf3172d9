"""How soon `crossroads lsp` publishes diagnostics after an edit, through the protocol.

A real server (`python -m crossroads lsp`) is driven over stdio by pygls's client. For each story
size (benchmarks/synth.py) the document is opened, then a link in the middle scene is broken and
mended in turn, one small incremental change at a time; each edit's time runs from sending the
change to receiving the diagnostics published for that version.

Baseline, measured in the same run on the same text: `check` of the file in-process
(`check_story_file`: load with positions + pydantic + every structural check). The ratio
edit / baseline says how much of a whole check an edit costs; the targets are absolute
(100 ms for 1,000 scenes, 1 s for 10,000).

    python benchmarks/bench_lsp.py [SCENES ...]        # default: 1000 10000

A shipped story (lead-in-the-middle) is measured first, as the issue's "done when" asks.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient
from synth import synth_story
from timing import median_time

from crossroads.engine.check import check_story_file

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {1000: 0.1, 10000: 1.0}
EDITS = 10


class _Client(LanguageClient):
    def __init__(self) -> None:
        super().__init__("bench-lsp", "1")
        self.published: dict[int | None, tuple[float, int]] = {}
        self.arrived = asyncio.Event()


async def _session(path: Path, text: str) -> tuple[float, list[float], int]:
    client = _Client()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: lsp.PublishDiagnosticsParams) -> None:
        client.published[params.version] = (time.perf_counter(), len(params.diagnostics))
        client.arrived.set()

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    await client.start_io(sys.executable, "-m", "crossroads", "lsp", cwd=str(ROOT), env=env)
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities()))
    client.initialized(lsp.InitializedParams())
    uri = path.as_uri()

    async def until(version: int) -> tuple[float, int]:
        while version not in client.published:
            client.arrived.clear()
            await client.arrived.wait()
        return client.published[version]

    started = time.perf_counter()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", 1, text))
    )
    opened = (await until(1))[0] - started
    # the first choice's target at or after the middle of the text: its first letter changes
    at = text.index("to: ", len(text) // 2) + len("to: ")
    line = text.count("\n", 0, at)
    start = lsp.Position(line, at - (text.rfind("\n", 0, at) + 1))
    end = lsp.Position(line, start.character + 1)
    original = text[at]
    times: list[float] = []
    errors = 0
    for k in range(EDITS):
        version = k + 2
        new = "X" if k % 2 == 0 else original
        sent = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [lsp.TextDocumentContentChangePartial(range=lsp.Range(start, end), text=new)],
            )
        )
        got, count = await until(version)
        times.append(got - sent)
        if k % 2 == 0:
            errors = count
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return opened, times, errors


def bench(label: str, text: str) -> None:
    """Print the edit latency, the baseline and their ratio for one story."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "story.yaml"
        path.write_text(text, encoding="utf-8")
        baseline = median_time(lambda: check_story_file(path), 3)
        opened, times, errors = asyncio.run(_session(path, text))
    edit = statistics.median(times)
    scenes = text.count("\n    title:")
    target = next((t for n, t in sorted(TARGETS.items()) if scenes <= n), None)
    verdict = ""
    if target is not None:
        verdict = f"  target {target * 1000:.0f} ms: {'met' if edit <= target else 'MISSED'}"
    print(f"{label} ({len(text) / 1e6:.2f} MB)")
    print(f"  baseline: check in-process          {baseline * 1000:8.1f} ms")
    print(f"  open → diagnostics                  {opened * 1000:8.1f} ms")
    print(f"  edit → diagnostics (median of {len(times)})   {edit * 1000:8.1f} ms"
          f"  (worst {max(times) * 1000:.1f} ms; a broken link gave {errors} diagnostic(s))")
    print(f"  ratio edit / check                  {edit / baseline:8.3f}{verdict}")


if __name__ == "__main__":
    shipped = ROOT / "stories" / "lead-in-the-middle.yaml"
    bench(f"shipped {shipped.name}", shipped.read_text(encoding="utf-8"))
    for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        bench(f"synthetic, {n} scenes", synth_story(n))
