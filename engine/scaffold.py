"""A starter story for ``crossroads new``: small, valid, and showing every common key once.

The template passes ``crossroads check`` with no errors and no warnings: two points of view, a
meter and a flag that later scenes depend on, ``{if}`` text, three reflection prompts on every
path, and three endings of different kinds.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.files import make_folder, write_text

#: Story ids: what the format accepts, and safe as a file name.
STORY_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")

_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A starter story: replace the people, the places and the choices with your own.
# After every edit run:  crossroads check {path}
# docs/authoring.md explains every key.
format: crossroads/1
id: {id}
title: {title}
summary: >-
  A team lead hears a rumour before her team does. One short morning, seen from two desks.
estimated_minutes: 4
tags: [starter]
cast:
  maya: {{name: Maya Okafor, role: team lead}}
  jon: {{name: Jon Park, role: "support engineer, on Maya's team"}}
pov: maya                      # the default point of view; a scene may switch it with `pov:`
meters:
  trust: {{label: Team trust, start: 50, description: How far Maya's team believes what she says.}}
flags: [told_team]             # booleans the story remembers
start: rumour
scenes:
  rumour:
    title: Tuesday, 8:40
    text: |
      The coffee machine is broken again, and the rumour got to work before you did: the
      support desk will move to the night shift in spring. Nobody has told you anything
      official. Jon is already at his desk, not typing.
    reflect:
      id: first-to-hear
      prompt: >-
        Think of a time you heard news about your own work from a rumour before anyone told
        you. What happened next?
    choices:
      - id: tell-now
        say: Tell the team what you know, and what you don't
        to: standup
        set: [told_team]
        effects: {{trust: +15}}
      - id: wait
        say: Wait until you have something official to say
        to: standup
        effects: {{trust: -10}}
  standup:
    title: Tuesday, 9:15
    text: |
      {{if told_team}}You said it plainly at the stand-up: "I've heard it too. I don't know
      yet. I'll tell you on Friday what I've found out, even if it's nothing."{{else}}The
      stand-up is about tickets. Everyone talks about tickets. Nobody mentions spring.{{end}}
    next: jons-desk
  jons-desk:
    title: Tuesday, 9:30
    pov: jon                   # the same morning through Jon's eyes
    text: |
      *You are {{cast.jon.name}}.* Your daughter starts school in April; the night shift would
      mean you never take her there.
      {{if told_team}}{{cast.maya.name}} didn't know much, but she said so. You write down
      your question for Friday.{{else}}{{cast.maya.name}} talked about tickets for fifteen
      minutes. You open a job site in a private window.{{end}}
    reflect:
      id: said-or-unsaid
      prompt: >-
        Remember a time someone above you said "I don't know yet" instead of saying nothing.
        What did you do with that?
    next: friday
  friday:
    title: Friday, 16:00
    text: |
      Back in your shoes, Maya. Team trust stands at {{trust}}. The move is real, but only
      for volunteers until autumn.
    reflect:
      id: passing-news-on
      prompt: >-
        Think of a time you had to pass on news you did not choose. What did you say first?
    choices:
      - say: Ask Jon what the move would cost him, before you announce anything
        to: asked
        if: trust >= 50
      - say: Send the official announcement to the whole team
        to: announced
      - say: Leave it to HR's email on Monday
        to: silent
        if: not told_team
  asked:
    ending: {{kind: good, title: Jon stays on days}}
    text: |
      Jon tells you about April. You put his name at the bottom of the volunteer list, and he
      stops looking at job sites.
  announced:
    ending: {{kind: mixed, title: "The news, on time"}}
    text: |
      The announcement is clear and correct. Jon reads it twice, and still does not know
      whether anyone remembers his daughter.
  silent:
    ending: {{kind: hard, title: The rumour was kinder}}
    text: |
      HR's email arrives on Monday at 7:02. Jon's resignation arrives at 9:30.
"""


MAX_NEW_ID = 100
"""The longest id ``crossroads new`` accepts (file systems allow 255 bytes per file name)."""


def check_story_id(story_id: str) -> str:
    """Return ``story_id`` when it is a valid story id.

    Raises:
        UsageError: the id is empty or has characters other than letters, digits, ``_``,
            ``-`` and ``.`` (or starts with ``-`` or ``.``).
    """
    if len(story_id) > MAX_NEW_ID:
        raise UsageError(f"a story id of {len(story_id)} characters is too long: at most "
                         f"{MAX_NEW_ID} (it names the file; e.g. 'first-week')")
    if not STORY_ID.match(story_id):
        raise UsageError(
            f"{story_id!r} is not a valid story id: use letters, digits, '-', '_' and '.', "
            "starting with a letter or digit (e.g. 'first-week')"
        )
    return story_id


def default_title(story_id: str) -> str:
    """Turn ``the-long-week`` into ``The Long Week``."""
    words = [w for w in re.split(r"[-_.]+", story_id) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or story_id


SCHEMA_FILE = Path("schema") / "story.schema.json"


def schema_reference(directory: Path) -> str:
    """The schema path to put in a story's first line, relative to ``directory``.

    Looks for ``schema/story.schema.json`` in ``directory`` and its parents; falls back to
    ``../schema/story.schema.json`` (right for a ``stories/`` folder in a Crossroads checkout).
    """
    here = directory.resolve()
    for folder in (here, *here.parents):
        candidate = folder / SCHEMA_FILE
        if candidate.is_file():
            return Path(os.path.relpath(candidate, here)).as_posix()
    return "../schema/story.schema.json"


def starter_story(story_id: str, title: str | None = None, path: str = "", schema: str = "") -> str:
    """Return the YAML text of a starter story with this id and title.

    Args:
        story_id: the story's id (checked with :func:`check_story_id`).
        title: the title learners see; derived from the id when omitted.
        path: where the file will live, mentioned in the header comment.
        schema: the schema reference for the editor (default ``../schema/story.schema.json``).

    Raises:
        UsageError: the id is not valid.
    """
    check_story_id(story_id)
    title = title if title is not None else default_title(story_id)
    return _TEMPLATE.format(
        id=story_id,
        title=json.dumps(title, ensure_ascii=False),  # a JSON string is a YAML scalar
        path=path or f"stories/{story_id}.yaml",
        schema=schema or "../schema/story.schema.json",
    )


def write_starter(
    story_id: str, directory: Path, title: str | None = None, force: bool = False
) -> Path:
    """Write ``<directory>/<story_id>.yaml`` and return its path.

    Raises:
        UsageError: the id is not valid, or the file exists and ``force`` is false.
        OutputError: the folder or the file cannot be written.
    """
    check_story_id(story_id)
    target = directory / f"{story_id}.yaml"
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; pass --force to overwrite it")
    make_folder(directory)
    text = starter_story(story_id, title, str(target), schema_reference(directory))
    return write_text(target, text)
