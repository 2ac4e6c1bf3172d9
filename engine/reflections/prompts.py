"""Themes per reflection prompt of a cohort, as a report's reader may see them.

The facilitator's report (:mod:`crossroads.engine.export.html`) shows, for each prompt of the
story, the
themes of the reflections its reader may see. The bank applies the access rules
(:meth:`crossroads.engine.bank.Bank.search` with ``cohort``): without a reader, only the
reflections shared
with the whole bank; with one, what that learner may see. Private reflections never enter a
report, not even the reader's own (a report is a file that travels), and anonymous ones come
without their author.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crossroads.engine.reflections.source import Searchable, visible_reflections
from crossroads.engine.reflections.themes import ThemeReport, find_themes


@dataclass(frozen=True, slots=True)
class PromptThemes:
    """The themes at one reflection prompt."""

    prompt: str
    """The prompt's id."""
    themes: ThemeReport


def prompt_themes(
    bank: Searchable,
    story_id: str,
    prompts: Iterable[str],
    cohort: str | None,
    reader: str | None = None,
    *,
    seed: int = 0,
) -> tuple[PromptThemes, ...]:
    """The themes at each prompt (in the order given) over what ``reader`` may see.

    Args:
        bank: where to read.
        story_id: the story.
        prompts: the prompt ids, in the order to report them.
        cohort: only reflections written in this cohort (a join code); None for all.
        reader: the learner reading; None for the reflections shared with the whole bank only.
        seed: the grouping seed (the same bank and seed give the same themes).
    """
    out = []
    for prompt in prompts:
        shared = [
            r for r in visible_reflections(bank, story_id, prompt, reader, cohort=cohort)
            if r.visibility != "private"
        ]
        out.append(PromptThemes(prompt, find_themes(shared, seed=seed)))
    return tuple(out)
