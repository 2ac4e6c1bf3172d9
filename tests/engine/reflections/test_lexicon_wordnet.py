"""The concept lexicon, widened with WordNet: generated, current, and weaker than the seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.engine.reflections import themes
from crossroads.engine.reflections.lexicon import CONCEPTS, concepts_of, wider_concepts_of
from crossroads.engine.reflections.lexicon_wordnet import WORDS
from crossroads.engine.reflections.text import content_words

WORDNET = Path("/usr/share/wordnet")


def test_wordnet_reaches_words_the_seed_lacks() -> None:
    stems = content_words("My nephew and my aunt both saw the physician on Tuesday.")
    assert concepts_of(stems) == []
    assert wider_concepts_of(stems).count("Looking after family") == 2
    assert "Health and illness" in wider_concepts_of(stems)


def test_the_seed_wins_and_wordnet_adds_only_known_concepts() -> None:
    assert set(WORDS) <= set(CONCEPTS)
    seed = {s for stems in CONCEPTS.values() for s in stems}
    assert not wider_concepts_of(sorted(seed))  # a seed word is never filed again


def test_a_seed_concept_weighs_more_than_a_wordnet_one() -> None:
    terms = themes._terms("My nephew stayed late.")
    assert terms.count("§Looking after family") == themes.WIDER_WEIGHT
    assert terms.count("§Too much work") == themes.CONCEPT_WEIGHT
    assert themes.CONCEPT_WEIGHT > themes.WIDER_WEIGHT


@pytest.mark.skipif(not (WORDNET / "data.noun").is_file(),
                    reason="WordNet data not installed (apt-get install wordnet-base)")
def test_the_generated_module_is_current() -> None:
    from devtools import wordnet_lexicon

    committed = wordnet_lexicon.OUT.read_text(encoding="utf-8")
    assert committed == wordnet_lexicon.render(wordnet_lexicon.gather(WORDNET)), (
        "stale: run python -m devtools.wordnet_lexicon")


def test_a_weak_fit_is_unsure_even_with_nothing_else_near() -> None:
    assert themes._confidence(0.6, 0.0) == 1.0
    assert themes._confidence(0.6, 0.3) == pytest.approx(0.5)
    weak = themes._confidence(themes.FIRM_FIT / 5, 0.0)  # one stray word in common
    assert weak == pytest.approx(0.2) and weak < themes.UNSURE_BELOW
    assert themes._confidence(0.0, 0.0) == 0.0
