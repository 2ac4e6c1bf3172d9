"""Cohort statistics over the playthroughs of one story, in one streaming pass over the steps.

:func:`analyse` reads the bank's bulk streams (never one query per playthrough) and
:func:`build_report` turns them into a :class:`~crossroads.engine.cohort.model.CohortReport`.
Memory grows with the number of playthroughs (one small path each), not with pairs of them.
"""

from __future__ import annotations

import statistics
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from crossroads.engine.bank.base import Bank, CheckinRow, Playthrough, ReflectionRow, StepRow
from crossroads.engine.cohort.model import (
    MIN_GROUP,
    CheckinChange,
    ChoiceShare,
    CohortReport,
    EndingCount,
    Flow,
    MeterSummary,
    PromptCount,
    SceneSplit,
    SplitPoint,
    StopCount,
)
from crossroads.engine.cohort.paths import similarity_matrix, split_pairs
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.model import Story
from crossroads.engine.playable import PlayStory
from crossroads.engine.runtime import Session

SIMILARITY_LIMIT = 60
"""Largest group for which the report lists the pairwise similarity matrix."""


def scene_order(story: Story | PlayStory) -> list[tuple[str, int]]:
    """Every scene with its distance from the start, in story order: by distance, then in the
    order the author wrote them; scenes not reachable come last."""
    depth = {story.start: 0}
    queue = deque([story.start])
    while queue:
        sid = queue.popleft()
        scene = story.scenes[sid]
        targets = [c.to for c in scene.choices] + ([scene.next] if scene.next else [])
        for to in targets:
            if to in story.scenes and to not in depth:
                depth[to] = depth[sid] + 1
                queue.append(to)
    far = max(depth.values(), default=0) + 1
    position = {sid: i for i, sid in enumerate(story.scenes)}
    return sorted(((sid, depth.get(sid, far)) for sid in story.scenes),
                  key=lambda t: (t[1], position[t[0]]))


@dataclass(frozen=True, slots=True)
class _Choice:
    label: str
    to: str


def choice_labels(story: Story | PlayStory) -> dict[tuple[str, str], _Choice]:
    """(scene, choice key) → the choice's text (rendered for the opening state) and target."""
    renderer = Session.start(story, learner="you")
    out: dict[tuple[str, str], _Choice] = {}
    for sid, scene in renderer.story.scenes.items():
        for i, c in enumerate(scene.choices):
            try:
                label = renderer.render(c.say)
            except Exception:  # a label is a courtesy: fall back to the source text
                label = c.say
            out[(sid, c.id or f"#{i}")] = _Choice(label, c.to)
        if scene.next is not None:
            out[(sid, "next")] = _Choice("Continue", scene.next)
    return out


def _median(values: Sequence[int]) -> float | None:
    return float(statistics.median(values)) if values else None


def _mean(values: Sequence[int]) -> float | None:
    return round(statistics.fmean(values), 3) if values else None


def build_report(
    story: Story | PlayStory,
    playthroughs: Sequence[Playthrough],
    steps: Iterable[StepRow],
    final_meters: Iterable[tuple[str, dict[str, int]]] = (),
    checkins: Iterable[CheckinRow] = (),
    reflections: Iterable[ReflectionRow] = (),
    cohort: str | None = None,
    min_group: int = MIN_GROUP,
) -> CohortReport:
    """The cohort report from the bank's streams (see :class:`CohortReport`).

    ``steps`` must be grouped by playthrough, in order within each (as the bank streams them);
    rows of playthroughs not in ``playthroughs`` are ignored.
    """
    min_group = max(1, min_group)
    learner_of = {p.id: p.learner for p in playthroughs}
    order = scene_order(story)
    titles = {sid: scene.title or sid for sid, scene in story.scenes.items()}
    tally = _tally_steps(steps, learner_of)
    scenes, flows, shown = _scene_splits(story, order, titles, tally, min_group)
    finished = [p for p in playthroughs if p.status == "finished"]
    endings, endings_withheld = _endings(story, order, finished, min_group)
    stops, stops_withheld = _stops(story, order, titles, playthroughs, tally, min_group)
    pairs = split_pairs(Counter(tally.path_of.values()).items(), tally.token_scene)
    splits = tuple(SplitPoint(sid, titles.get(sid, sid), pairs[sid])
                   for sid, _ in order if pairs.get(sid) and sid in shown)
    matrix, matrix_labels = _similarity(tally.path_of, learner_of, min_group)
    return CohortReport(
        story_id=story.id,
        story_title=story.title,
        cohort=cohort,
        min_group=min_group,
        learners=len(set(learner_of.values())),
        started=len(playthroughs),
        finished=len(finished),
        abandoned=sum(1 for p in playthroughs if p.status == "abandoned"),
        playing=sum(1 for p in playthroughs if p.status == "playing"),
        scenes=tuple(scenes),
        flows=tuple(flows),
        endings=endings,
        endings_withheld=endings_withheld,
        stops=stops,
        stops_withheld=stops_withheld,
        splits=splits,
        meters=_meter_summaries(story, finished, final_meters, min_group),
        checkins=_checkins(story, order, learner_of, checkins, min_group),
        reflections=_prompts(story, order, learner_of, reflections),
        similarity=matrix,
        similarity_labels=matrix_labels,
    )


@dataclass(slots=True)
class _StepTally:
    """The steps in one pass: each distinct (scene, choice key) is a *token*, numbered in the
    order first seen; per token its target, count, answer times and the learners who took it."""

    token_of: dict[tuple[str, str], int] = field(default_factory=dict)
    token_scene: list[str] = field(default_factory=list)
    token_to: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    times: list[array[int]] = field(default_factory=list)
    takers: list[set[str]] = field(default_factory=list)
    path_of: dict[str, tuple[int, ...]] = field(default_factory=dict)
    """Playthrough → its tokens in order."""


def _tally_steps(steps: Iterable[StepRow], learner_of: dict[str, str]) -> _StepTally:
    """One pass over the steps: tokens (scene, key), counts, times, learners, paths."""
    tally = _StepTally()
    token_of, token_scene, token_to = tally.token_of, tally.token_scene, tally.token_to
    counts, times, takers, path_of = tally.counts, tally.times, tally.takers, tally.path_of
    current: str | None = None
    learner = ""
    path: list[int] = []
    for row in steps:
        pt = row.playthrough
        if pt != current:
            if current is not None and current in learner_of:
                path_of[current] = tuple(path)
            current, path = pt, []
            learner = learner_of.get(pt, "")
            if not learner:
                continue
        elif not learner:
            continue
        tk = (row.scene, row.key)
        t = token_of.get(tk)
        if t is None:
            t = token_of[tk] = len(token_scene)
            token_scene.append(row.scene)
            token_to.append(row.to)
            counts.append(0)
            times.append(array("q"))
            takers.append(set())
        counts[t] += 1
        takers[t].add(learner)
        if row.ms is not None:
            times[t].append(row.ms)
        path.append(t)
    if current is not None and current in learner_of:
        path_of[current] = tuple(path)
    return tally


def _scene_splits(
    story: Story | PlayStory,
    order: Sequence[tuple[str, int]],
    titles: dict[str, str],
    tally: _StepTally,
    min_group: int,
) -> tuple[list[SceneSplit], list[Flow], set[str]]:
    """Per scene with a way on: how the choices split, what is withheld, and the flows out;
    also the scenes shown (not withheld)."""
    labels = choice_labels(story)
    token_of, token_to, counts = tally.token_of, tally.token_to, tally.counts
    times, takers = tally.times, tally.takers
    tokens_at: dict[str, list[int]] = {}
    for t, sid in enumerate(tally.token_scene):
        tokens_at.setdefault(sid, []).append(t)
    token_key = [key for (_, key) in token_of]  # dicts keep insertion (= token) order
    keys_at: dict[str, list[str]] = {}
    for sid, key in labels:
        keys_at.setdefault(sid, []).append(key)
    scenes: list[SceneSplit] = []
    flows: list[Flow] = []
    shown: set[str] = set()
    for sid, depth in order:
        scene = story.scenes[sid]
        if scene.ending is not None or (not scene.choices and scene.next is None):
            continue
        here = tokens_at.get(sid, [])
        group: set[str] = set().union(*(takers[t] for t in here)) if here else set()
        made = sum(counts[t] for t in here)
        withheld = 0 < len(group) < min_group
        if not withheld:
            shown.add(sid)
        keys = keys_at.get(sid, [])
        keys = keys + [key for t in here if (key := token_key[t]) not in keys]
        choices = []
        for key in keys:
            tok = token_of.get((sid, key))
            info = labels.get((sid, key))
            count = counts[tok] if tok is not None else 0
            took = takers[tok] if tok is not None else set()
            choices.append(ChoiceShare(
                key=key,
                label=info.label if info else key,
                to=info.to if info else (token_to[tok] if tok is not None else ""),
                count=None if withheld else count,
                share=None if withheld or not made else round(count / made, 4),
                median_ms=(_median(times[tok]) if tok is not None and len(took) >= min_group
                           and not withheld else None),
                learners=None if withheld else len(took),
            ))
        all_times: list[int] = []
        if not withheld and len(group) >= min_group:
            for t in here:
                all_times.extend(times[t])
        scenes.append(SceneSplit(sid, titles[sid], depth, len(group), made, withheld,
                                 tuple(choices), _median(all_times)))
        if not withheld:
            by_target: Counter[str] = Counter()
            for t in here:
                by_target[token_to[t]] += counts[t]
            flows.extend(Flow(sid, to, n) for to, n in by_target.items() if n)
    return scenes, flows, shown


def _endings(
    story: Story | PlayStory, order: Sequence[tuple[str, int]], finished: Sequence[Playthrough],
    min_group: int,
) -> tuple[tuple[EndingCount, ...], bool]:
    """How many finished playthroughs reached each ending (in story order), and whether the
    counts are withheld (too few learners finished)."""
    withheld = 0 < len({p.learner for p in finished}) < min_group
    reached = Counter(p.ending for p in finished)
    endings = tuple(
        EndingCount(sid, scene.ending.title, scene.ending.kind,
                    None if withheld else reached.get(sid, 0))
        for sid, _ in order if (scene := story.scenes[sid]).ending is not None
    )
    return endings, withheld


def _stops(
    story: Story | PlayStory,
    order: Sequence[tuple[str, int]],
    titles: dict[str, str],
    playthroughs: Sequence[Playthrough],
    tally: _StepTally,
    min_group: int,
) -> tuple[tuple[StopCount, ...], bool]:
    """Where unfinished playthroughs stand (in story order), and whether that is withheld."""
    position = {sid: i for i, (sid, _) in enumerate(order)}
    unfinished = [p for p in playthroughs if p.status != "finished"]
    withheld = 0 < len({p.learner for p in unfinished}) < min_group
    stopped: Counter[str] = Counter()
    for p in unfinished:
        steps_taken = tally.path_of.get(p.id)
        stopped[tally.token_to[steps_taken[-1]] if steps_taken else story.start] += 1
    stops = () if withheld else tuple(
        StopCount(sid, titles.get(sid, sid), n)
        for sid, n in sorted(stopped.items(), key=lambda kv: (position.get(kv[0], 1 << 30),
                                                               kv[0]))
    )
    return stops, withheld


def _meter_summaries(
    story: Story | PlayStory, finished: Sequence[Playthrough],
    final_meters: Iterable[tuple[str, dict[str, int]]], min_group: int,
) -> tuple[MeterSummary, ...]:
    """Each meter at the end of finished playthroughs (withheld when too few finished)."""
    done = {p.id for p in finished}
    values: dict[str, list[int]] = {m: [] for m in story.meters}
    for pt, meters in final_meters:
        if pt in done:
            for m, v in meters.items():
                if m in values:
                    values[m].append(int(v))
    withheld = 0 < len({p.learner for p in finished}) < min_group
    return tuple(
        MeterSummary(m, story.meters[m].label or m, len(vs), withheld,
                     None if withheld else _mean(vs),
                     None if withheld else _median(vs),
                     None if withheld or not vs else min(vs),
                     None if withheld or not vs else max(vs))
        for m, vs in values.items()
    )


def _checkins(story: Story | PlayStory, order: Sequence[tuple[str, int]],
              learner_of: dict[str, str],
              rows: Iterable[CheckinRow], min_group: int) -> tuple[CheckinChange, ...]:
    """Per item: first and last answers per playthrough, and the mean change between them."""
    asked: dict[str, list[str]] = {}
    statements: dict[str, str] = {}
    for sid, _ in order:
        for ci in story.scenes[sid].checkin or []:
            asked.setdefault(ci.id, []).append(sid)
            statements.setdefault(ci.id, ci.statement)
    # item -> playthrough -> [first value, first seq, last value, last seq]
    seen: dict[str, dict[str, list[int]]] = {item: {} for item in asked}
    for r in rows:
        if r.playthrough not in learner_of or r.item not in seen:
            continue
        entry = seen[r.item].get(r.playthrough)
        if entry is None:
            seen[r.item][r.playthrough] = [r.value, r.seq, r.value, r.seq]
        else:
            entry[2], entry[3] = r.value, r.seq
    out = []
    for item, scenes in asked.items():
        answers = seen[item]
        twice = len(scenes) > 1
        kept = {pt: e for pt, e in answers.items() if e[3] != e[1] or not twice}
        pairs = list(kept.values())
        group = {learner_of[pt] for pt in kept}
        withheld = 0 < len(group) < min_group
        firsts = [e[0] for e in pairs]
        lasts = [e[2] for e in pairs]
        out.append(CheckinChange(
            item=item,
            statement=statements[item],
            first_scene=scenes[0],
            last_scene=scenes[-1],
            n=len(pairs),
            withheld=withheld,
            first_mean=None if withheld else _mean(firsts),
            last_mean=None if withheld or not twice else _mean(lasts),
            change=None if withheld or not twice or not pairs
            else round(statistics.fmean(b - a for a, b in zip(firsts, lasts, strict=True)), 3),
        ))
    return tuple(out)


def _prompts(story: Story | PlayStory, order: Sequence[tuple[str, int]], learner_of: dict[str, str],
             rows: Iterable[ReflectionRow]) -> tuple[PromptCount, ...]:
    """Counts of shared, private and skipped reflections at each prompt (never text)."""
    prompts: dict[str, str] = {}
    for sid, _ in order:
        reflect = story.scenes[sid].reflect
        if reflect is not None:
            prompts.setdefault(reflect.id, sid)
        for choice in story.scenes[sid].choices:  # prompts asked after a choice
            if choice.reflect is not None:
                prompts.setdefault(choice.reflect.id, sid)
    tally: dict[str, Counter[str]] = {p: Counter() for p in prompts}
    for r in rows:
        if r.playthrough not in learner_of:
            continue
        kind = "skipped" if not r.written else "private" if r.visibility == "private" else "shared"
        tally.setdefault(r.prompt, Counter())[kind] += 1
        prompts.setdefault(r.prompt, r.scene)
    return tuple(PromptCount(p, prompts[p], c["shared"], c["private"], c["skipped"])
                 for p, c in tally.items())


def _similarity(path_of: dict[str, tuple[int, ...]], learner_of: dict[str, str],
                min_group: int
                ) -> tuple[tuple[tuple[float, ...], ...] | None, tuple[str, ...]]:
    """The pairwise similarity matrix under pseudonymous labels, for mid-sized groups only."""
    group = {learner_of[pt] for pt in path_of}
    if len(group) < min_group or len(path_of) > SIMILARITY_LIMIT:
        return None, ()
    ids = sorted(path_of)  # random ids: the order says nothing about who is who
    matrix = similarity_matrix([path_of[pt] for pt in ids])
    return (tuple(tuple(row) for row in matrix),
            tuple(f"#{i + 1}" for i in range(len(ids))))


def analyse(bank: Bank, story: Story | PlayStory, cohort: str | None = None,
            min_group: int = MIN_GROUP, lang: str | None = None) -> CohortReport:
    """The report for the story's playthroughs in the bank (one cohort's, or all of them; only
    those played in ``lang`` when given, ``"source"`` for the story as written).

    Raises:
        UsageError: no cohort has that code.
        BankError: the bank cannot be read.
    """
    if cohort is not None and bank.cohort(cohort) is None:
        raise UsageError(f"no cohort with the code {cohort!r} in the story bank {bank.url}")
    playthroughs = bank.playthroughs(story.id, cohort, lang)
    report = build_report(
        story,
        playthroughs,
        bank.steps_for(story.id, cohort),
        bank.final_meters(story.id, cohort),
        bank.checkins_for(story.id, cohort),
        bank.reflections_for(story.id, cohort),
        cohort=cohort,
        min_group=min_group,
    )
    return replace(report, lang=lang)
