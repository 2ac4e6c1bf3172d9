"""Progress bars for long engine runs: on standard error, and only when it is a terminal.

The engine reports progress through a plain callback ``(done, total or None)``; this module turns
it into a Rich progress bar. The bar appears only once the engine first reports (so quick runs
never flash one) and vanishes when the run ends. When standard error is not a terminal nothing
is drawn at all.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

ProgressFn = Callable[[int, int | None], None]


@contextmanager
def progress_bar(description: str) -> Iterator[ProgressFn | None]:
    """Yield a progress callback drawing on standard error, or None when it is not a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    state: dict[str, Any] = {}

    def update(done: int, total: int | None) -> None:
        if "bar" not in state:
            bar = Progress(
                TextColumn(description, markup=False),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
            )
            bar.start()
            state["bar"] = bar
            state["task"] = bar.add_task(description, total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].stop()
