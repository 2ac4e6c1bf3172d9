"""One learner's view of their cohort: the group's splits, their own path, and the paths their
cohort-mates shared with them.

The sharing rule (kept here, in the engine, not in the UI):

* Playing a story *in a cohort* (``crossroads play --cohort CODE``) shares that playthrough's
  path — its choices and ending, never its reflections — with the cohort's other members.
* It is reciprocal: a learner sees cohort-mates' paths of a story only once they have played
  that story in that cohort themselves. Anyone else (a facilitator who did not play, another
  cohort) sees only the withheld-below-the-minimum aggregates of :func:`analyse`.
* Of several playthroughs by one learner, the latest finished one is shown (else the latest).
* Filtered by language (``lang``), the report and the cohort-mates' paths keep only the
  playthroughs played in it; the learner's own path is theirs whatever its language.
"""

from __future__ import annotations

from dataclasses import dataclass

from crossroads.engine.bank.base import Bank, Playthrough
from crossroads.engine.cohort.analysis import analyse
from crossroads.engine.cohort.model import MIN_GROUP, CohortReport
from crossroads.engine.cohort.paths import Step, first_divergence
from crossroads.engine.model import Story
from crossroads.engine.playable import PlayStory


@dataclass(frozen=True, slots=True)
class LearnerPath:
    """A learner's path through the story."""

    learner: str
    playthrough: str
    status: str
    ending: str | None
    steps: tuple[Step, ...]
    """(scene, choice key) per choice, in order."""
    scenes: tuple[str, ...]
    """The scenes visited, from the start scene."""

    def diverges_from(self, other: LearnerPath) -> tuple[int, str | None]:
        """Choices made alike before parting, and the scene where they part (None: they did
        not part, or one stopped)."""
        return first_divergence(self.steps, other.steps)


@dataclass(frozen=True, slots=True)
class CohortView:
    """What one learner may see of their cohort for one story."""

    report: CohortReport
    learner: str
    me: LearnerPath | None
    """The learner's own path (None when they have not played the story in this cohort)."""
    mates: tuple[LearnerPath, ...]
    """Cohort-mates' paths shared with the learner, by name."""


def _pick(playthroughs: list[Playthrough]) -> dict[str, Playthrough]:
    """Each learner's latest finished playthrough, else their latest."""
    best: dict[str, Playthrough] = {}
    for p in playthroughs:  # oldest first
        held = best.get(p.learner)
        if held is None or p.status == "finished" or held.status != "finished":
            best[p.learner] = p
    return best


def shared_paths(bank: Bank, story: Story | PlayStory, cohort: str, reader: str,
                 lang: str | None = None
                 ) -> tuple[LearnerPath | None, tuple[LearnerPath, ...]]:
    """The reader's own path in the cohort and the paths cohort-mates shared with them (only
    those played in ``lang`` when given; ``"source"``: as written).

    Empty mates when the reader has not played the story in the cohort (the rule is
    reciprocal). One bulk read of the cohort's steps, whatever its size.
    """
    everyone = bank.playthroughs(story.id, cohort)
    mine = _pick([p for p in everyone if p.learner == reader]).get(reader)
    if mine is None:
        return None, ()
    kept = everyone if lang is None else bank.playthroughs(story.id, cohort, lang)
    chosen = _pick([p for p in kept if p.learner != reader]) | {reader: mine}
    wanted = {p.id: p for p in chosen.values()}
    steps: dict[str, list[Step]] = {pid: [] for pid in wanted}
    scenes: dict[str, list[str]] = {pid: [story.start] for pid in wanted}
    for row in bank.steps_for(story.id, cohort):
        if row.playthrough in wanted:
            steps[row.playthrough].append((row.scene, row.key))
            scenes[row.playthrough].append(row.to)
    paths = {
        p.learner: LearnerPath(p.learner, p.id, p.status, p.ending, tuple(steps[p.id]),
                               tuple(scenes[p.id]))
        for p in wanted.values()
    }
    me = paths.pop(reader)
    return me, tuple(sorted(paths.values(), key=lambda lp: lp.learner.casefold()))


def cohort_view(bank: Bank, story: Story | PlayStory, cohort: str, learner: str,
                min_group: int = MIN_GROUP, lang: str | None = None) -> CohortView:
    """The cohort's report plus what ``learner`` may see of individual paths (of the
    playthroughs played in ``lang`` when given; ``"source"``: as written).

    Raises:
        UsageError: no cohort has that code.
        BankError: the bank cannot be read.
    """
    report = analyse(bank, story, cohort, min_group, lang)
    me, mates = shared_paths(bank, story, cohort, learner, lang)
    return CohortView(report, learner, me, mates)


def _prompt_text(story: Story | PlayStory, scene_id: str, prompt: str) -> str:
    scene = story.scenes.get(scene_id)
    reflect = getattr(scene, "reflect", None) if scene is not None else None
    return reflect.prompt if reflect is not None and reflect.id == prompt else prompt


def cohort_facts(report: CohortReport, story: Story | PlayStory) -> list[str]:
    """What the cohort view says beyond the splits, one line a fact: completion and drop-off,
    how check-in answers changed, and how many stories were shared at each prompt (counts only;
    groups below the minimum are withheld as in the report)."""
    lines = [] if report.language is None else [f"Playthroughs: only those {report.language}"]
    done = f"{report.finished} of {report.started} finished"
    if report.completion is not None:
        done += f" ({report.completion * 100:.0f}%)"
    if report.unfinished:
        done += f"; {report.unfinished} did not"
        if report.stops_withheld:
            done += " (where they stopped is withheld: small group)"
        elif report.stops:
            done += ": stopped at " + ", ".join(f"{s.title} ({s.count})" for s in report.stops)
    lines.append(f"Completion: {done}")
    for c in report.checkins:
        if c.withheld:
            lines.append(f"Check-in “{c.statement}”: withheld (fewer than {report.min_group})")
        elif c.first_mean is not None and c.last_mean is not None:
            change = "" if c.change is None else f", change {c.change:+.2f} a learner"
            lines.append(f"Check-in “{c.statement}”: {c.first_mean:.1f} → {c.last_mean:.1f}"
                         f"{change} ({c.n} learner{'s' if c.n != 1 else ''})")
    for p in report.reflections:
        lines.append(f"Shared at “{_prompt_text(story, p.scene, p.prompt)}”: "
                     f"{p.shared} stor{'ies' if p.shared != 1 else 'y'} shared, "
                     f"{p.private} kept private, {p.skipped} skipped")
    return lines
