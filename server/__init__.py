"""The cohort server: the one program that opens a shared bank; everyone else talks to it with
an identity it issued (see docs/server.md and DESIGN's "Trust model")."""

from __future__ import annotations

from crossroads.server.app import create_app

__all__ = ["create_app"]
