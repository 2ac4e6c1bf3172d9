"""A facilitator's guide to a 60-minute debrief of one story played by one cohort: the data.

The guide (rendered by :mod:`crossroads.engine.export.debrief`) holds, in this order: the story's
content notes; a 60-minute plan in time boxes; per decision, in story order, how many learners
took each option (each learner counted once, by the **latest** choice they made there: a learner
who came back to a scene, or played again, counts by their last choice) and how many pairs of
paths parted there; per reflection prompt, the story's own debrief questions, questions that ask
for the experience behind a choice, and two or three quotes.

Quotes come **only** from reflections written in the cohort and shared with the cohort or with
everyone, exactly what the cohort's facilitator reads
(:func:`crossroads.engine.bank.access.cohort_shared_sql`): never a private one, never another
cohort's. A quote is whole sentences of one reflection
(:func:`crossroads.engine.reflections.themes.sentence_spans`), never two people's words joined,
attributed by name only when the writer shared with their name, else "anonymous". Quotes are
chosen deterministically: one per theme first (:func:`find_themes`, seeded), each from a
different writer, complete mid-length reflections before long or very short ones.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from crossroads.engine.bank.base import Bank, norm_time
from crossroads.engine.cohort import analyse
from crossroads.engine.cohort.model import MIN_GROUP, CohortReport
from crossroads.engine.cohort.paths import split_pairs
from crossroads.engine.model import Story
from crossroads.engine.playable import prompt_text
from crossroads.engine.records import SharedReflection
from crossroads.engine.reflections.prompts import cohort_shared_rows
from crossroads.engine.reflections.themes import ANONYMOUS, find_themes, sentence_spans
from crossroads.engine.terminal_text import terminal_safe

SESSION_MINUTES = 60
"""The length of the session the guide plans."""
MAX_QUOTES = 3
"""Quotes per prompt, at most."""
QUOTE_CHARS = 320
"""A reflection up to this long is quoted whole; a longer one by its first whole sentences."""
IDEAL_CHARS = 160
"""The length of quote preferred (mid-length: long enough to tell something, short to read)."""
CHOICE_RULE = "latest"
"""Which of a learner's choices at a scene counts in the split: their last one."""

DEFAULT_PLAN = (
    (5, "Open: the story's content notes; agree that nobody has to share, and nobody argues a "
        "view today"),
    (10, "The decisions: show the splits below; ask what people noticed, not who was right"),
    (30, "The reflections: read the quotes aloud, then the questions, in pairs first, then "
         "with the whole group"),
    (10, "Pairs: each tells the experience behind one choice they made; the listener only asks"),
    (5, "Close: one thing each person will take from someone else's story"),
)
"""The plan when the story's ``facilitator.session_plan`` gives none that can be timed."""

EXPERIENCE_QUESTIONS = (
    "What in your own life made that feel like the right call?",
    "When have you been on the other side of a moment like this? What happened?",
    "Who do you picture when you read this? What did they do?",
)
"""Questions that ask for the experience behind a choice rather than a verdict on it."""

_MINUTES = re.compile(r"^\s*(\d{1,3})\s*(?:min(?:ute)?s?)\b\.?\s*[:\-–—]?\s*(.*)$", re.I | re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069"
                      r"\ufeff]")


def clean(text: str) -> str:
    """``text`` without escape sequences, control characters or bidirectional overrides
    (:func:`terminal_safe`, and zero-width marks), whitespace runs made one space: learner text
    shown literally, on paper."""
    return " ".join(_CONTROL.sub("", terminal_safe(text)).split())


@dataclass(frozen=True, slots=True)
class TimeBox:
    """One step of the session plan."""

    minutes: int
    what: str


@dataclass(frozen=True, slots=True)
class OptionCount:
    """How many learners' latest choice at a decision was this option."""

    label: str
    learners: int | None
    """None when withheld (the group at the decision is below the minimum size)."""


@dataclass(frozen=True, slots=True)
class Decision:
    """One scene that offers a choice."""

    scene: str
    title: str
    prompt: str
    """The last paragraph of the scene's passage, where the choice is put (author text, rendered
    for the story's opening state)."""
    learners: int
    withheld: bool
    options: tuple[OptionCount, ...]
    parted: int
    """Pairs of learners whose latest paths first parted here."""


@dataclass(frozen=True, slots=True)
class GuideQuote:
    """Whole sentences of one shared reflection."""

    text: str
    byline: str
    """The writer's name when they shared with it, else "anonymous"."""
    whole: bool
    """The whole reflection (not its first sentences)."""


@dataclass(frozen=True, slots=True)
class PromptGuide:
    """One reflection prompt: the questions to ask and what was shared."""

    prompt: str
    text: str
    story_questions: tuple[str, ...]
    experience_questions: tuple[str, ...]
    shared: int
    """Reflections shared with the cohort or everyone at this prompt."""
    quotes: tuple[GuideQuote, ...]


@dataclass(frozen=True, slots=True)
class Guide:
    """Everything the debrief guide shows."""

    story: Story
    title: str
    """The story's title, cleaned."""
    cohort: str
    cohort_name: str
    date: str
    learners: int
    content_notes: tuple[str, ...]
    objectives: tuple[str, ...]
    plan: tuple[TimeBox, ...]
    plan_source: str
    """Where the plan comes from, in a sentence."""
    decisions: tuple[Decision, ...]
    prompts: tuple[PromptGuide, ...]
    min_group: int
    choice_rule: str = CHOICE_RULE


def session_plan(story: Story) -> tuple[tuple[TimeBox, ...], str]:
    """The 60-minute plan in time boxes, and a sentence saying where it comes from.

    The story's ``facilitator.session_plan`` is used when every step starts with its minutes
    (``"10 min: play alone"``): as it is when they add up to 60, with a last box for the rest of
    the hour when they add up to less, scaled to 60 (whole minutes, largest remainders) when to
    more. Otherwise the default plan.
    """
    steps = list(story.facilitator.session_plan) if story.facilitator else []
    parsed = [_MINUTES.match(step) for step in steps]
    if not steps or not all(parsed):
        why = ("a default plan (the story's plan does not give minutes for every step)"
               if steps else "a default plan (the story has no session plan)")
        return tuple(TimeBox(m, w) for m, w in DEFAULT_PLAN), why
    boxes = [TimeBox(int(m.group(1)), clean(m.group(2)) or "…") for m in parsed if m]
    total = sum(b.minutes for b in boxes)
    if total == SESSION_MINUTES:
        return tuple(boxes), "the story's own session plan"
    if 0 < total < SESSION_MINUTES:
        rest = TimeBox(SESSION_MINUTES - total, "The decisions and reflections in this guide: "
                       "the splits, the quotes and the questions")
        return (*boxes, rest), (f"the story's own session plan ({total} minutes), with the "
                                "rest of the hour for this guide")
    if total == 0:
        return tuple(TimeBox(m, w) for m, w in DEFAULT_PLAN), "a default plan"
    shares = [b.minutes * SESSION_MINUTES / total for b in boxes]
    whole = [int(s) for s in shares]
    order = sorted(range(len(boxes)), key=lambda i: (-(shares[i] - whole[i]), i))
    for i in order[: SESSION_MINUTES - sum(whole)]:
        whole[i] += 1
    scaled = tuple(TimeBox(w, b.what) for w, b in zip(whole, boxes, strict=True))
    return scaled, f"the story's own session plan ({total} minutes), scaled to the hour"


def latest_choices(bank: Bank, story_id: str, cohort: str
                   ) -> tuple[dict[str, dict[str, str]], Counter[str]]:
    """Per learner, per scene: the key of the last choice they made there (in their latest
    playthrough that reached it: playthroughs ordered by when they started, then by when their
    last choice was made); and per scene, the pairs of learners whose latest paths first parted
    there (:func:`learner_partings`)."""
    playthroughs = bank.playthroughs(story_id, cohort)
    learner_of = {p.id: p.learner for p in playthroughs}
    steps: dict[str, list[tuple[int, str, str]]] = {}
    last_at: dict[str, str] = {}
    for row in bank.steps_for(story_id, cohort, times=True):
        if row.playthrough in learner_of:
            steps.setdefault(row.playthrough, []).append((row.seq, row.scene, row.key))
            if row.at is not None:
                last_at[row.playthrough] = max(last_at.get(row.playthrough, ""), row.at)
    latest: dict[str, dict[str, str]] = {}
    last_path: dict[str, tuple[tuple[str, str], ...]] = {}
    for p in sorted(playthroughs, key=lambda p: (p.started, last_at.get(p.id, ""), p.id)):
        path = tuple((scene, key) for _, scene, key in sorted(steps.get(p.id, [])))
        for scene, key in path:  # a later one overwrites
            latest.setdefault(p.learner, {})[scene] = key
        last_path[p.learner] = path
    return latest, learner_partings(last_path.values())


def learner_partings(paths: Iterable[tuple[tuple[str, str], ...]]) -> Counter[str]:
    """Per scene, how many pairs of learners first chose differently there, each learner by
    the path of their latest playthrough (so a replay adds no pairs)."""
    ids: dict[tuple[str, str], int] = {}
    token_scene: list[str] = []
    walked: Counter[tuple[int, ...]] = Counter()
    for path in paths:
        tokens = []
        for step in path:
            if step not in ids:
                ids[step] = len(token_scene)
                token_scene.append(step[0])
            tokens.append(ids[step])
        walked[tuple(tokens)] += 1
    return split_pairs(walked.items(), token_scene)


def _decisions(story: Story, report: CohortReport, latest: dict[str, dict[str, str]],
               parted: Counter[str]) -> tuple[Decision, ...]:
    from crossroads.engine.runtime import Session

    renderer = Session.start(story, learner="you")  # scene text as at the story's opening state
    out = []
    for split in report.scenes:
        scene = story.scenes[split.scene]
        if len(scene.choices) < 2:
            continue  # a Continue is no decision
        took: dict[str, int] = {}
        for choices in latest.values():
            key = choices.get(split.scene)
            if key is not None:
                took[key] = took.get(key, 0) + 1
        group = sum(took.values())
        withheld = 0 < group < report.min_group
        options = tuple(OptionCount(clean(c.label), None if withheld else took.get(c.key, 0))
                        for c in split.choices)
        paragraphs = [p for p in renderer.render(scene.text).split("\n\n") if p.strip()]
        passage = clean(paragraphs[-1]) if paragraphs else ""
        out.append(Decision(split.scene, clean(split.title), passage, group, withheld, options,
                            parted.get(split.scene, 0)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _Shared:
    """A reflection the cohort's facilitator may read, with who wrote it (for spreading the
    quotes over writers; never shown) and the name to show."""

    id: str
    text: str
    author: str | None
    writer: str
    created: str


def cohort_shared_reflections(bank: Bank, story_id: str, prompt_id: str,
                              cohort: str) -> list[_Shared]:
    """The reflections at a prompt written in the cohort and shared with it or with everyone
    (never private ones; anonymous ones without their author's name), oldest first."""
    out: list[_Shared] = []
    for r in cohort_shared_rows(bank, story_id, prompt_id, cohort, page=1000):
        if r[4] not in ("cohort", "bank") or r[1] is None:
            continue  # the query already says so; a guide that travels checks twice
        writer = str(r[5]) if r[5] is not None else f"reflection:{r[0]}"
        out.append(_Shared(str(r[0]), r[1], r[2], writer, norm_time(r[3]) or ""))
    out.sort(key=lambda s: (s.created, s.id))
    return out


def quote_of(text: str) -> tuple[str, bool] | None:
    """The quote a reflection gives: all of it when short enough, else its first whole
    sentences up to :data:`QUOTE_CHARS` (at least one); whether it is the whole reflection."""
    spans = sentence_spans(text)
    if not spans:
        return None
    whole = clean(text[spans[0][0]:spans[-1][1]])
    if len(whole) <= QUOTE_CHARS:
        return whole, True
    end = spans[0][1]
    for _, stop in spans[1:]:
        if len(clean(text[spans[0][0]:stop])) > QUOTE_CHARS:
            break
        end = stop
    return clean(text[spans[0][0]:end]), False


def choose_quotes(shared: Sequence[_Shared], seed: int = 0) -> tuple[GuideQuote, ...]:
    """Up to :data:`MAX_QUOTES` quotes: one per theme first (largest theme first), each from a
    different writer, complete mid-length ones first; the same reflections give the same
    quotes."""
    candidates: list[tuple[_Shared, str, bool]] = []
    for s in shared:
        q = quote_of(s.text)
        if q is not None and q[0]:
            candidates.append((s, *q))
    if not candidates:
        return ()
    records = [SharedReflection(s.id, s.text, s.author, s.created, "cohort")
               for s, _, _ in candidates]
    report = find_themes(records, seed=seed)
    theme_rank = {rid: k for k, theme in enumerate(report.themes) for rid in theme.members}

    def preference(item: tuple[_Shared, str, bool]) -> tuple[Any, ...]:
        s, text, whole = item
        short = len(text) < 40
        return (not whole, short, abs(len(text) - IDEAL_CHARS), s.created, s.id)

    ranked = sorted(candidates, key=preference)
    picked: list[tuple[_Shared, str, bool]] = []
    writers: set[str] = set()
    themes_used: set[int] = set()
    for pass_themes in (True, False):
        for item in ranked:
            s = item[0]
            if len(picked) >= MAX_QUOTES:
                break
            if s.writer in writers:
                continue
            theme = theme_rank.get(s.id, -1)
            if pass_themes and theme in themes_used:
                continue
            picked.append(item)
            writers.add(s.writer)
            themes_used.add(theme)
    return tuple(GuideQuote(text, s.author if s.author else ANONYMOUS, whole)
                 for s, text, whole in picked)


def _prompts(bank: Bank, story: Story, report: CohortReport,
             cohort: str) -> Iterator[PromptGuide]:
    own = story.facilitator.debrief if story.facilitator else {}
    for count in report.reflections:
        shared = cohort_shared_reflections(bank, story.id, count.prompt, cohort)
        yield PromptGuide(
            count.prompt,
            clean(prompt_text(story, count.prompt, count.scene)),
            tuple(clean(q) for q in own.get(count.prompt, [])),
            EXPERIENCE_QUESTIONS,
            len(shared),
            choose_quotes(shared),
        )


def build_guide(bank: Bank, story: Story, cohort: str, date: str, *,
                min_group: int = MIN_GROUP, cohort_name: str | None = None) -> Guide:
    """The debrief guide of ``story`` as ``cohort`` (a join code) played it, read from ``bank``
    as the cohort's facilitator.

    Raises:
        UsageError: no cohort has that code.
        BankError: the bank cannot be read.
    """
    report = analyse(bank, story, cohort, min_group)
    latest, partings = latest_choices(bank, story.id, cohort)
    plan, source = session_plan(story)
    notes = story.facilitator
    return Guide(
        story=story,
        title=clean(story.title),
        cohort=cohort,
        cohort_name=clean(cohort_name or cohort),
        date=date,
        learners=report.learners,
        content_notes=tuple(clean(n) for n in story.content_notes),
        objectives=tuple(clean(o) for o in notes.objectives) if notes else (),
        plan=plan,
        plan_source=source,
        decisions=_decisions(story, report, latest, partings),
        prompts=tuple(_prompts(bank, story, report, cohort)),
        min_group=report.min_group,
    )
