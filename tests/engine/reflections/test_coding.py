"""Coding by evidence: relational phrases, kin that is nobody's, codes told apart by their words."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.engine.reflections import coding, themes
from crossroads.engine.reflections.codebook import load_codebook
from crossroads.engine.reflections.lexicon import CONCEPTS
from crossroads.engine.reflections.relations import _RULES, relational_concepts
from crossroads.engine.reflections.text import stem

BOOK = load_codebook(Path(__file__).resolve().parents[2] / "data" / "themes_codebook.yaml")
IDS = list(BOOK)
PROFILES = coding.profiles([f"{cid} {d}" for cid, d in BOOK.items()])


def _code(text: str) -> str | None:
    best = coding.best_code(coding.evidence(text), PROFILES)
    return None if best is None else IDS[best[0]]


def test_every_rule_names_a_concept_of_the_lexicon() -> None:
    assert set(_RULES) <= set(CONCEPTS)


def test_relations_are_read_from_phrases_not_nouns() -> None:
    assert relational_concepts("The foreman was in a hurry and I kept my mouth shut.") == [
        "Speaking up or staying silent"]
    assert relational_concepts("They told us the team would not be touched.") == [
        "Trust and broken promises"]
    assert relational_concepts("He was on four thousand more for the same job.") == [
        "Fair and unfair treatment", "Fair and unfair treatment"]
    assert relational_concepts("A quiet walk by the river.") == []


def test_a_relation_outweighs_the_setting() -> None:
    # "late" is a workload word; what the reflection is about is keeping quiet (one phrase
    # outweighs one setting word, not three: "late night shift" would still win)
    assert _code("Late that day I saw the valve was leaking and kept my mouth shut.") == "voice"
    assert _code("My name was not on a single slide of the deck I built.") == "recognition"
    assert _code("i wrote it out and never sent it. said nothing in the end") == "voice"


def test_kin_counts_only_when_it_is_someone_s_own() -> None:
    own = coding.evidence("My sister is in hospital again.")
    role = coding.evidence("The sister on the ward read out the card.")
    family = "Looking after family"
    assert own.concepts.get(family, 0) > 0
    assert role.concepts.get(family, 0) == 0
    assert stem("caring") != stem("car")  # a car park is not looking after anyone


def test_a_word_two_descriptions_share_tells_neither_apart() -> None:
    words = [p.words for p in PROFILES]
    assert stem("work") not in set().union(*words)  # in caring, workload and recognition
    assert stem("nursery") in words[IDS.index("caring")]


def test_coding_learns_nothing_from_the_other_reflections() -> None:
    alone = coding.evidence("we were told nobody would lose their job. two weeks later, letters")
    assert _code("we were told nobody would lose their job. two weeks later, letters") == "trust"
    assert coding.best_code(alone, PROFILES) == coding.best_code(
        coding.evidence("we were told nobody would lose their job. two weeks later, letters"),
        PROFILES)


def test_no_evidence_is_no_code_and_confidence_is_bounded() -> None:
    assert _code("The weather was grey.") is None
    assert coding.confidence(0.0, 0.0) == 0.0
    assert coding.confidence(6.0, 0.0) == 1.0
    assert 0.0 < coding.confidence(2.0, 1.0) < 0.5


def test_a_weak_fit_is_unsure_even_with_nothing_else_near() -> None:
    assert themes._confidence(0.6, 0.0) == 1.0
    assert themes._confidence(0.6, 0.3) == pytest.approx(0.5)
    weak = themes._confidence(themes.FIRM_FIT / 5, 0.0)  # one stray word in common
    assert weak == pytest.approx(0.2) and weak < themes.UNSURE_BELOW
    assert themes._confidence(0.0, 0.0) == 0.0
