"""Start-up helpers for ``crossroads play``: keep the cyclic garbage collector out of the way.

Starting the player imports pydantic and Textual and builds the first screen: hundreds of
thousands of long-lived objects and almost no garbage, yet each generation-2 collection walks all
of them — about a tenth of the time to the first frame. So ``play`` pauses the collector while it
starts, and resumes it once the first frame is on screen (or when it returns, whichever is first).
"""

from __future__ import annotations

import gc

_paused = False


def pause_gc() -> None:
    """Turn the cyclic collector off for start-up (no effect if it is already off)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_gc() -> None:
    """Turn the collector back on if :func:`pause_gc` turned it off; safe to call repeatedly."""
    global _paused
    if _paused:
        _paused = False
        gc.enable()
