"""Crossroads' domain core: the story format, loading, validation, runtime, bank and analytics.

Never imports the terminal UI (``tui``), Textual or Rich.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from crossroads.engine.diagnostics import (
    BankError,
    CrossroadsError,
    Diagnostic,
    SaveError,
    StoryError,
    UsageError,
)
from crossroads.engine.model import Story
from crossroads.engine.validate import validate  # eager: the name must shadow the submodule

if TYPE_CHECKING:
    from crossroads.engine.loader import load_path, load_text


def __getattr__(name: str) -> Any:
    """Import the loader (and its YAML parser) on first use: ``crossroads play`` of a
    known-valid story never needs it."""
    if name in ("load_path", "load_text"):
        return getattr(importlib.import_module("crossroads.engine.loader"), name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


__all__ = [
    "BankError",
    "CrossroadsError",
    "Diagnostic",
    "SaveError",
    "Story",
    "StoryError",
    "UsageError",
    "load_path",
    "load_text",
    "validate",
]
