"""Crossroads' domain core: the story format, loading, validation, runtime, bank and analytics.

Never imports the terminal UI (``tui``), Textual or Rich.
"""

from __future__ import annotations

from engine.diagnostics import (
    BankError,
    CrossroadsError,
    Diagnostic,
    SaveError,
    StoryError,
    UsageError,
)
from engine.loader import load_path, load_text
from engine.model import Story
from engine.validate import validate

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
