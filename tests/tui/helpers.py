"""Helpers shared by the player's tests: story fixtures and ending paths found by search."""

from __future__ import annotations

from collections import deque
from pathlib import Path

from crossroads.engine.loader import load_path, load_text
from crossroads.engine.model import Story
from crossroads.engine.runtime import Session

ROOT = Path(__file__).resolve().parents[2]
FIRST_WEEK = ROOT / "stories" / "first-week.yaml"

EVIL = ("[bold]x[/]", "[@click=app.quit]x[/]", "[/]")

MARKUP_STORY = """\
format: crossroads/1
id: markup-story
title: "Title [bold]x[/] [@click=app.quit]x[/] [/]"
summary: "Summary [bold]x[/] [@click=app.quit]x[/] [/]"
estimated_minutes: 2
cast:
  a: {name: "Ann [bold]x[/]", role: "role [@click=app.quit]x[/] [/]"}
  b: {name: "Bo [/]", role: "other [bold]y[/]"}
pov: a
meters:
  m: {label: "Meter [bold]x[/] [/]", start: 10}
start: one
scenes:
  one:
    title: "Scene [bold]x[/] [/]"
    text: |
      Passage [bold]x[/] and [@click=app.quit]x[/] and a lone [/] here.
    reflect:
      id: r1
      prompt: "Think of a time [bold]x[/] [@click=app.quit]x[/] [/]. What happened?"
    choices:
      - say: "Choice [bold]x[/]"
        to: two
        effects: {m: +5}
      - say: "Choice [@click=app.quit]x[/] [/]"
        to: two
  two:
    pov: b
    title: "Two [/]"
    text: "Second [/] passage"
    choices:
      - say: "Go [/]"
        to: end
  end:
    ending: {kind: good, title: "End [bold]x[/] [@click=app.quit]x[/] [/]"}
    text: "The end [/]."
"""


def first_week() -> Story:
    """The shipped example story."""
    return load_path(FIRST_WEEK)


def markup_story() -> Story:
    """A story whose every text tries to be console markup."""
    return load_text(MARKUP_STORY, "markup.yaml")


def ending_paths(story: Story) -> dict[str, list[int]]:
    """For every reachable ending scene, the shortest option-index path to it (breadth first)."""
    found: dict[str, list[int]] = {}
    queue: deque[list[int]] = deque([[]])
    seen: set[object] = set()
    while queue:
        path = queue.popleft()
        s = Session.replay(story, path)
        key = (s.scene, tuple(sorted(s.meters.items())), frozenset(s.flags),
               frozenset(s.taken_once))
        if key in seen:
            continue
        seen.add(key)
        if s.finished:
            found.setdefault(s.scene, path)
            continue
        for option in s.options():
            if option.enabled:
                queue.append([*path, option.index])
    return found
