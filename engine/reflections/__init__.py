"""Reflections at scale: story-or-opinion labels and themes that represent every voice.

- :func:`classify` labels one reflection as mainly an experience (``story``) or mainly a view
  (``opinion``), with a confidence and the phrases that decided it.
- :func:`find_themes` groups reflections into themes with summaries and quotes, accounting for
  every reflection ("N of N voices represented"); :class:`Summariser` is the plug-in point for
  another summarising service.
"""

from __future__ import annotations

from crossroads.engine.reflections import corrections
from crossroads.engine.reflections.classify import Classification, Evidence, classify
from crossroads.engine.reflections.summarise import ExtractiveSummariser, Summariser
from crossroads.engine.reflections.themes import (
    Assignment,
    Quote,
    ReflectionLike,
    Theme,
    ThemeReport,
    find_themes,
)

__all__ = [
    "Assignment",
    "Classification",
    "Evidence",
    "ExtractiveSummariser",
    "Quote",
    "ReflectionLike",
    "Summariser",
    "Theme",
    "ThemeReport",
    "classify",
    "corrections",
    "find_themes",
]
