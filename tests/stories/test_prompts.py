"""The library's reflection prompts, held to issue 16.

A long story (20 scenes or more) asks four to six prompts in all, at least two of them after a
choice (a choice's own ``reflect:``, asked once the learner has taken it), and has debrief
questions for each. Across the library, openings vary: no three opening words begin more than a
third of the prompts ("Think of a time…" once opened about half of them).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from crossroads.engine.loader import load_path, load_text
from crossroads.engine.model import Story
from tests.conftest import STORIES

STORY_FILES = sorted(STORIES.glob("*.yaml"))
#: A story of at least this many scenes is a long story.
LONG = 20
#: Prompts in all for a long story, and the fewest of them asked after a choice.
FEWEST, MOST, AFTER_A_CHOICE = 4, 6, 2
#: The largest share of the library's prompts that may open with the same three words.
SAME_OPENING_SHARE = 1 / 3


def scene_prompts(story: Story) -> list[str]:
    """The ids of the prompts asked on entering a scene."""
    return [s.reflect.id for s in story.scenes.values() if s.reflect is not None]


def choice_prompts(story: Story) -> list[str]:
    """The ids of the prompts asked after a choice (a choice's own ``reflect:``)."""
    return [
        c.reflect.id for s in story.scenes.values() for c in s.choices if c.reflect is not None
    ]


def opening(prompt: str, words: int = 3) -> str:
    """The first ``words`` words of a prompt, lower case, punctuation dropped."""
    return " ".join(re.findall(r"[\w']+", prompt.lower())[:words])


def openings(stories: list[Story]) -> Counter[str]:
    """How many prompts, across ``stories``, open with each three words."""
    count: Counter[str] = Counter()
    for story in stories:
        for scene in story.scenes.values():
            asked = [scene.reflect] + [c.reflect for c in scene.choices]
            count.update(opening(r.prompt) for r in asked if r is not None)
    return count


def _long_stories() -> list[pytest.ParameterSet]:
    params = []
    for path in STORY_FILES:
        story = load_path(path)
        if len(story.scenes) >= LONG:
            params.append(pytest.param(story, id=path.stem))
    return params


LONG_STORIES = _long_stories()


def test_the_library_has_long_stories() -> None:
    assert len(LONG_STORIES) >= 4


@pytest.mark.parametrize("story", LONG_STORIES)
def test_a_long_story_asks_four_to_six_prompts(story: Story) -> None:
    ids = scene_prompts(story) + choice_prompts(story)
    assert FEWEST <= len(ids) <= MOST, f"{story.id}: {len(ids)} prompts: {ids}"
    assert len(set(ids)) == len(ids), f"{story.id}: a prompt id is used twice: {ids}"


@pytest.mark.parametrize("story", LONG_STORIES)
def test_a_long_story_asks_some_prompts_after_a_choice(story: Story) -> None:
    after = choice_prompts(story)
    assert len(after) >= AFTER_A_CHOICE, (
        f"{story.id}: only {after} asked after a choice; move a scene's prompt onto the choice "
        "that leads to it, where it reads as a reaction to what the learner just did"
    )


@pytest.mark.parametrize("story", LONG_STORIES)
def test_every_prompt_of_a_long_story_has_debrief_questions(story: Story) -> None:
    assert story.facilitator is not None, f"{story.id}: no facilitator block"
    ids = set(scene_prompts(story) + choice_prompts(story))
    missing = sorted(i for i in ids if not story.facilitator.debrief.get(i))
    assert missing == [], f"{story.id}: no debrief questions for {missing}"


def test_openings_vary_across_the_library() -> None:
    stories = [load_path(p) for p in STORY_FILES]
    count = openings(stories)
    total = sum(count.values())
    words, most = count.most_common(1)[0]
    assert most <= total * SAME_OPENING_SHARE, (
        f"{most} of {total} prompts open {words!r}; vary the openings (Remember…, When did you "
        "last…, Who…, What happened the time…, Tell the story of…)"
    )


def test_openings_count_choice_prompts_and_ignore_case() -> None:
    """The opening count reads prompts on scenes and on choices alike, by their first words."""
    story = load_text(
        """
format: crossroads/1
id: t
title: T
start: a
scenes:
  a:
    reflect: {id: r1, prompt: "Think of a time it rained. What happened?"}
    choices:
      - say: go
        to: end
        reflect: {id: r2, prompt: "THINK OF A day. What happened?"}
  end:
    ending: {kind: good, title: Done}
"""
    )
    assert openings([story]) == Counter({"think of a": 2})
    assert choice_prompts(story) == ["r2"]
    assert scene_prompts(story) == ["r1"]
