"""Reflections at scale: story-or-opinion labels and themes that represent every voice.

- :func:`classify` labels one reflection as mainly an experience (``story``) or mainly a view
  (``opinion``), with a confidence and the phrases that decided it.
"""

from __future__ import annotations

from engine.reflections.classify import Classification, Evidence, classify

__all__ = ["Classification", "Evidence", "classify"]
