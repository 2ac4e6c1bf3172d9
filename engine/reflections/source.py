"""Reading the reflections a reader may see from the story bank, every one of them.

The bank applies its access rules (:meth:`crossroads.engine.bank.Bank.search`): a named reader sees
their
own reflections, their cohort-mates' ``cohort`` and ``bank`` ones and everyone's ``bank`` ones;
no reader sees only ``bank`` ones; an anonymous reflection comes without its author. This module
only pages through the result.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from crossroads.engine.records import SharedReflection

#: Reflections fetched per query.
PAGE = 1000


class Searchable(Protocol):
    """The part of the bank that lists visible reflections (``crossroads.engine.bank.Bank``
    fits)."""

    def search(
        self,
        text: str | None,
        reader: str | None = None,
        story_id: str | None = None,
        prompt_id: str | None = None,
        limit: int = 20,
        offset: int = 0,
        cohort: str | None = None,
    ) -> list[SharedReflection]:
        """Reflections ``reader`` may see (only a cohort's when ``cohort``), newest first."""
        ...


def visible_reflections(
    bank: Searchable,
    story_id: str,
    prompt_id: str | None = None,
    reader: str | None = None,
    *,
    cohort: str | None = None,
    page: int = PAGE,
) -> Iterator[SharedReflection]:
    """Every reflection of a story (optionally one prompt) that ``reader`` may see.

    Args:
        bank: where to read.
        story_id: the story.
        prompt_id: only this reflection prompt.
        reader: the learner reading; None for the reflections shared with the whole bank only.
        cohort: only reflections written in this cohort's playthroughs (a join code).
        page: how many to fetch per query.

    Yields:
        Each visible reflection once, newest first.
    """
    seen: set[str] = set()
    offset = 0
    while True:
        batch = bank.search(
            None, reader, story_id, prompt_id, limit=page, offset=offset, cohort=cohort
        )
        for reflection in batch:
            if reflection.id not in seen:
                seen.add(reflection.id)
                yield reflection
        if len(batch) < page:
            return
        offset += page
