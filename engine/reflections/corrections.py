"""A facilitator's corrections to the themes, kept in the bank and replayed on every grouping.

Three kinds, applied in the order they were made:

- ``move REFLECTION THEME``: the reflection belongs in THEME (a code's id, a theme's id, or a new
  name, which makes a theme of that name).
- ``rename THEME NAME``: the theme is called NAME from now on.
- ``merge THEME INTO``: THEME's reflections join INTO (THEME is no more).

A correction is kept for a *scope* (a story, optionally one prompt and one cohort), so the same
corrections apply wherever those themes are read again: in ``crossroads themes`` and in the
facilitator's report. A theme found anew has an id made from its name (``new-…``); a code keeps
its codebook id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from crossroads.engine.bank.base import Bank, now
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.reflections.themes import OTHER_ID, Grouping

Kind = Literal["move", "rename", "merge"]
KINDS: tuple[Kind, ...] = ("move", "rename", "merge")


def scope_key(story_id: str, prompt_id: str | None = None, cohort: str | None = None) -> str:
    """The scope a correction is kept for: ``story/prompt/cohort`` (``*`` for any)."""
    return f"{story_id}/{prompt_id or '*'}/{cohort or '*'}"


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction, as kept."""

    kind: Kind
    subject: str
    """The reflection (move) or the theme (rename, merge)."""
    target: str
    """The theme (move), the new name (rename) or the theme merged into (merge)."""


def _theme_id(name: str, grouping: Grouping) -> str:
    """The id of the theme ``name`` names (an id, or a title), or a new id for it."""
    if name in grouping.titles or name in grouping.theme_of.values():
        return name
    for theme_id, title in grouping.titles.items():
        if title.casefold() == name.casefold():
            return theme_id
    return "set-" + ("-".join(re.findall(r"[a-z0-9]+", name.lower())[:6]) or "theme")


class Corrections:
    """The corrections of one scope, in order; apply them to a draft grouping."""

    def __init__(self, items: list[Correction]) -> None:
        self.items = items

    def apply(self, grouping: Grouping) -> None:
        """Move, rename and merge ``grouping`` in place (a correction that names nothing present
        is skipped: the reflection may have been forgotten, the theme not found this time)."""
        for c in self.items:
            if c.kind == "move":
                if c.subject not in grouping.theme_of:
                    continue
                theme = _theme_id(c.target, grouping)
                grouping.titles.setdefault(theme, c.target)
                grouping.theme_of[c.subject] = theme
                grouping.confidence[c.subject] = 1.0
                grouping.corrected.add(c.subject)
            elif c.kind == "rename":
                theme = _theme_id(c.subject, grouping)
                if theme in grouping.titles:
                    grouping.titles[theme] = c.target
            else:
                source, into = _theme_id(c.subject, grouping), _theme_id(c.target, grouping)
                if source == into or source not in set(grouping.theme_of.values()):
                    continue
                grouping.titles.setdefault(into, c.target)
                for rid, theme in grouping.theme_of.items():
                    if theme == source:
                        grouping.theme_of[rid] = into
                grouping.coded.discard(source)
        if OTHER_ID not in grouping.theme_of.values():
            grouping.titles.pop(OTHER_ID, None)


def _sql(bank: Bank) -> object:
    if not hasattr(bank, "_write"):
        raise UsageError(f"theme corrections need a local or PostgreSQL story bank, not {bank.url}")
    return bank


def load(bank: Bank, scope: str) -> Corrections:
    """The corrections kept for ``scope``, oldest first (none for a bank that keeps none, such
    as a cohort server's)."""
    if not hasattr(bank, "_read"):
        return Corrections([])
    sql: object = bank
    with sql._read() as tx:  # type: ignore[attr-defined]
        rows = tx.rows("SELECT kind, subject, target FROM theme_corrections WHERE scope = ? "
                       "ORDER BY seq", [scope])
    return Corrections([Correction(r[0], r[1], r[2]) for r in rows])


def record(bank: Bank, scope: str, correction: Correction) -> None:
    """Keep ``correction`` for ``scope`` (after the ones already kept)."""
    if correction.kind not in KINDS:
        raise UsageError(f"unknown correction {correction.kind!r} (one of {', '.join(KINDS)})")
    if not correction.subject.strip() or not correction.target.strip():
        raise UsageError("a correction needs a subject and a target")
    sql: object = _sql(bank)
    with sql._write() as tx:  # type: ignore[attr-defined]
        tx.run("INSERT INTO theme_corrections (scope, kind, subject, target, created) "
               "VALUES (?, ?, ?, ?, ?)",
               [scope, correction.kind, correction.subject, correction.target, now()])


def clear(bank: Bank, scope: str) -> int:
    """Forget every correction of ``scope``; returns how many there were."""
    sql: object = _sql(bank)
    with sql._write() as tx:  # type: ignore[attr-defined]
        return int(tx.run("DELETE FROM theme_corrections WHERE scope = ?", [scope]))
