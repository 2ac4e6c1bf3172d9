"""Themes per reflection prompt of a cohort, as a report's reader may see them.

The facilitator's report (:mod:`crossroads.engine.export.html`) shows, for each prompt of the
story, the themes of the reflections its reader may see. For a cohort without a named reader, the
reader is the cohort's facilitator, who reads what its members shared with the cohort or with
everyone (:func:`crossroads.engine.bank.access.cohort_shared_sql`); with a reader, the bank's
access rules for that learner apply (:meth:`crossroads.engine.bank.Bank.search`); with neither,
only the reflections shared with the whole bank. Private reflections never enter a report, not
even the reader's own (a report is a file that travels), and anonymous ones come without their
author. A facilitator's corrections to the themes (kept in the bank) apply here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from crossroads.engine.bank.access import cohort_shared_sql
from crossroads.engine.bank.base import norm_time
from crossroads.engine.records import SharedReflection
from crossroads.engine.reflections import corrections as kept_corrections
from crossroads.engine.reflections.source import PAGE, Searchable, visible_reflections
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
    codebooks: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[PromptThemes, ...]:
    """The themes at each prompt (in the order given) over what ``reader`` may see.

    Args:
        bank: where to read.
        story_id: the story.
        prompts: the prompt ids, in the order to report them.
        cohort: only reflections written in this cohort (a join code); None for all.
        reader: the learner reading; None for the reflections shared with the whole bank only.
        seed: the grouping seed (the same bank and seed give the same themes).
        codebooks: prompt id → ``{code id: description}``, the themes expected there.
    """
    out = []
    for prompt in prompts:
        if reader is None and cohort is not None and hasattr(bank, "_read"):
            read: Iterable[SharedReflection] = cohort_shared(bank, story_id, prompt, cohort)
        else:
            read = visible_reflections(bank, story_id, prompt, reader, cohort=cohort)
        shared = [r for r in read if r.visibility != "private"]
        fixes = None
        if hasattr(bank, "_read"):
            scope = kept_corrections.scope_key(story_id, prompt, cohort)
            fixes = kept_corrections.load(bank, scope)  # type: ignore[arg-type]
        book = (codebooks or {}).get(prompt)
        out.append(PromptThemes(prompt, find_themes(shared, seed=seed, codebook=book,
                                                    corrections=fixes)))
    return tuple(out)


def cohort_shared_rows(
    bank: object, story_id: str, prompt_id: str | None, cohort: str, page: int = PAGE
) -> Iterator[tuple[Any, ...]]:
    """The rows of :func:`cohort_shared_sql` for the cohort with join code ``cohort``, a page at
    a time: (id, text, author or None, created, visibility, writer id)."""
    with bank._read() as tx:  # type: ignore[attr-defined]
        rows = tx.rows("SELECT id FROM cohorts WHERE code = ?", [cohort])
        if not rows:
            return
        cohort_id = str(rows[0][0])
        offset = 0
        while True:
            sql, params = cohort_shared_sql(cohort_id, story_id, prompt_id, page, offset)
            batch = tx.rows(sql, params)
            yield from batch
            if len(batch) < page:
                return
            offset += page


def cohort_shared(
    bank: object, story_id: str, prompt_id: str | None, cohort: str, page: int = PAGE
) -> Iterator[SharedReflection]:
    """What the cohort's facilitator reads at a prompt: its ``cohort`` and ``bank`` reflections
    (never private ones; anonymous ones without their author), newest first."""
    for r in cohort_shared_rows(bank, story_id, prompt_id, cohort, page):
        yield SharedReflection(str(r[0]), r[1], r[2], norm_time(r[3]) or "", r[4])
