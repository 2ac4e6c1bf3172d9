"""``crossroads debrief STORY``: the facilitator's notes of a story, ready to run a session."""

from __future__ import annotations

import argparse
from typing import Any

from crossroads.engine.model import Story
from crossroads.engine.terminal_text import terminal_safe as printable
from crossroads.tui.commands._common import STORY_HELP, load_valid

HELP = "print a story's notes for the facilitator: objectives, session plan, debrief questions"


def register(sub: Any) -> None:
    """Add the ``debrief`` subcommand."""
    p = sub.add_parser(
        "debrief",
        help=HELP,
        description="Print what a story's 'facilitator:' block holds — learning objectives, a "
        "session plan, and debrief questions for each reflection prompt, beside the prompt "
        "itself — together with its content notes.",
    )
    p.add_argument("story", metavar="STORY", help=STORY_HELP)
    p.set_defaults(func=run)


def debrief_text(story: Story) -> str:
    """The facilitator's notes of ``story`` as plain text."""
    lines = [f"{story.title} ({story.id})"]
    if story.content_notes:
        lines += ["", "Content notes:", *(f"  - {note}" for note in story.content_notes)]
    notes = story.facilitator
    if notes is None:
        lines += ["", "This story has no 'facilitator:' notes."]
        return "\n".join(printable(line) for line in lines)
    if notes.objectives:
        lines += ["", "Learning objectives:", *(f"  - {o}" for o in notes.objectives)]
    if notes.session_plan:
        lines += ["", "Session plan:", *(f"  {k}. {step}" for k, step in
                                         enumerate(notes.session_plan, 1))]
    if notes.debrief:
        prompts = _prompts(story)
        lines += ["", "Debrief questions, by reflection prompt:"]
        for pid, questions in notes.debrief.items():
            lines.append(f"  {pid}: {' '.join(prompts.get(pid, '').split())}")
            lines += [f"    - {q}" for q in questions]
    return "\n".join(printable(line) for line in lines)


def _prompts(story: Story) -> dict[str, str]:
    out: dict[str, str] = {}
    for scene in story.scenes.values():
        if scene.reflect is not None:
            out[scene.reflect.id] = scene.reflect.prompt
        for choice in scene.choices:
            if choice.reflect is not None:
                out[choice.reflect.id] = choice.reflect.prompt
    return out


def run(args: argparse.Namespace) -> int:
    """Print the notes."""
    print(debrief_text(load_valid(args.story)))
    return 0
