"""Crossroads' domain core: the story format, loading, validation, runtime, bank and analytics.

Never imports the terminal UI (``tui``), Textual or Rich. Importing the package is cheap: the
story model (pydantic), the loader (a YAML parser) and the validator are imported on first use, so
``crossroads play`` of a known-valid story, which plays from plain classes, needs none of them.
Validate with :func:`crossroads.engine.validate.validate` (the submodule's name is taken).
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

if TYPE_CHECKING:
    from crossroads.engine.loader import load_path, load_text
    from crossroads.engine.model import Story

_LAZY = {"load_path": "loader", "load_text": "loader", "Story": "model"}


def __getattr__(name: str) -> Any:
    """Import the loader and the model on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"crossroads.engine.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'crossroads.engine' has no attribute {name!r}")


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
]
