"""``Bank.search(..., cohort=CODE)``: only a cohort's reflections, never more than the reader may
see (SQLite and PostgreSQL)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from crossroads.engine.bank import Bank, open_bank
from tests.engine.bank.helpers import STORY, play, reflection, texts
from tests.engine.bank.test_access_property import World, fill, fresh, may_see, worlds


@pytest.fixture
def two_cohorts(bank: Bank) -> Bank:
    """ana and bo play in c1, cy in c2 (and later joins c1), dee in no cohort."""
    minute = 0
    for who, cohort in (("ana", "c1"), ("bo", "c1"), ("cy", "c2"), ("dee", None)):
        events = []
        for vis in ("private", "cohort", "bank"):
            for anonymous in (False, True):
                minute += 1
                events.append(reflection(f"{who} {vis}{' anon' if anonymous else ''}", vis,
                                         anonymous, f"2024-03-01T10:{minute:02d}:00.000+00:00"))
        play(bank, who, cohort, events)
    bank.join("cy", "c1")
    return bank


def test_without_a_reader_a_cohort_shows_only_its_bank_reflections(two_cohorts: Bank) -> None:
    assert texts(two_cohorts.search(None, cohort="c1")) == [
        "bo bank anon", "bo bank", "ana bank anon", "ana bank"]
    assert texts(two_cohorts.search(None, cohort="c2")) == ["cy bank anon", "cy bank"]
    authors = {r.text: r.author for r in two_cohorts.search(None, cohort="c1")}
    assert authors == {"bo bank anon": None, "bo bank": "bo", "ana bank anon": None,
                       "ana bank": "ana"}


def test_a_member_sees_the_cohorts_shared_ones_and_their_own(two_cohorts: Bank) -> None:
    seen = texts(two_cohorts.search(None, reader="bo", cohort="c1", limit=100))
    assert sorted(seen) == sorted(
        [f"ana {v}{a}" for v in ("cohort", "bank") for a in ("", " anon")]
        + [f"bo {v}{a}" for v in ("private", "cohort", "bank") for a in ("", " anon")])
    # cy joined c1 later: sees c1's cohort reflections, but its own were written in c2
    cy = texts(two_cohorts.search(None, reader="cy", cohort="c1", limit=100))
    assert "ana cohort" in cy and not any(t.startswith("cy") for t in cy)
    assert "cy private" in texts(two_cohorts.search(None, reader="cy", cohort="c2"))


def test_an_outsider_reading_a_cohort_sees_only_bank_ones(two_cohorts: Bank) -> None:
    assert texts(two_cohorts.search(None, reader="dee", cohort="c1")) == texts(
        two_cohorts.search(None, cohort="c1"))


def test_the_filter_combines_with_story_prompt_words_and_pages(two_cohorts: Bank) -> None:
    play(two_cohorts, "ana", "c1", [reflection("ana elsewhere", "bank", prompt="p2")])
    play(two_cohorts, "ana", "c1", [reflection("ana other story", "bank")], story="s2")
    assert texts(two_cohorts.search(None, cohort="c1", story_id=STORY, prompt_id="p2")) == [
        "ana elsewhere"]
    assert texts(two_cohorts.search(None, cohort="c1", story_id="s2")) == ["ana other story"]
    assert texts(two_cohorts.search("anon", reader="bo", cohort="c1", story_id=STORY,
                                    prompt_id="p1", limit=100)) == texts(
        [r for r in two_cohorts.search(None, reader="bo", cohort="c1", story_id=STORY,
                                       prompt_id="p1", limit=100) if "anon" in r.text])
    whole = texts(two_cohorts.search(None, reader="bo", cohort="c1", limit=100))
    pages = [texts(two_cohorts.search(None, reader="bo", cohort="c1", limit=4, offset=o))
             for o in range(0, len(whole) + 4, 4)]
    assert [t for page in pages for t in page] == whole


def test_an_unknown_cohort_shows_nothing_and_creates_nothing(two_cohorts: Bank) -> None:
    assert two_cohorts.search(None, reader="ana", cohort="nope") == []
    assert two_cohorts.cohort("nope") is None


@pytest.mark.parametrize(
    ("kind", "examples"),
    [("sqlite", 25), pytest.param("postgresql", 8, marks=pytest.mark.postgres)],
)
def test_a_cohort_filter_shows_exactly_the_visible_reflections_written_in_it(
    kind: str, examples: int
) -> None:
    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(world=worlds())
    def run(world: World) -> None:
        with (tempfile.TemporaryDirectory() as tmp, fresh(kind, Path(tmp)) as url,
              open_bank(url) as bank):
            fill(bank, world)
            for cohort in world.members:
                for reader in [*world.learners, "stranger", None]:
                    expected = {r.token for r in world.reflections
                                if r.cohort == cohort and may_see(world, reader, r)}
                    seen = bank.search(None, reader=reader, cohort=cohort, limit=100)
                    assert {x.text.split()[0] for x in seen} == expected

    run()
