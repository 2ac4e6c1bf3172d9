"""Story or opinion: the labelled set, held-out accuracy, evidence and speed."""

from __future__ import annotations

import time

import pytest

from crossroads.engine.reflections import classify
from crossroads.engine.reflections.weights import WEIGHTS
from devtools.train_classifier import evaluate, fit, load_examples

EXAMPLES = load_examples()
TRAIN = [e for e in EXAMPLES if e.split == "train"]
TEST = [e for e in EXAMPLES if e.split == "test"]


def test_labelled_set_is_large_balanced_and_split() -> None:
    assert len(EXAMPLES) >= 300
    assert len(TEST) >= 0.25 * len(EXAMPLES)
    assert {e.label for e in EXAMPLES} == {"story", "opinion"}
    assert {e.split for e in EXAMPLES} == {"train", "test"}
    for part in (TRAIN, TEST):
        stories = sum(e.label == "story" for e in part)
        assert 0.4 <= stories / len(part) <= 0.6


def test_train_and_test_are_disjoint() -> None:
    def key(text: str) -> str:
        return " ".join(text.lower().split())

    assert not {key(e.text) for e in TRAIN} & {key(e.text) for e in TEST}
    assert len({key(e.text) for e in EXAMPLES}) == len(EXAMPLES)


def test_held_out_accuracy_precision_and_recall() -> None:
    metrics = evaluate(TEST)
    assert metrics.accuracy >= 0.85, metrics.format()
    for label in ("story", "opinion"):
        assert metrics.precision[label] >= 0.8, metrics.format()
        assert metrics.recall[label] >= 0.8, metrics.format()


@pytest.mark.slow
def test_committed_weights_are_what_training_produces() -> None:
    assert fit(TRAIN) == WEIGHTS


@pytest.mark.parametrize(
    "text",
    [
        "Managers should hold one-on-ones every week.",
        "I think leaders need to listen more than they talk.",
        "you have to earn trust, it's not given",
        "Never give feedback in public.",
    ],
)
def test_opinions(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == "opinion"
    assert verdict.is_opinion
    assert verdict.evidence
    assert all(e.leans == "opinion" for e in verdict.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "Last week my manager cancelled our one-on-one again, and I stopped preparing.",
        "i got moved to nights without anyone asking me",
        "When I joined, Priya sat with me for an hour and showed me every system.",
    ],
)
def test_stories(text: str) -> None:
    verdict = classify(text)
    assert verdict.label == "story"
    assert verdict.evidence


def test_evidence_names_the_deciding_phrases() -> None:
    verdict = classify("Managers should always explain their decisions.")
    phrases = [e.phrase.lower() for e in verdict.evidence]
    assert "should" in phrases
    story = classify("Yesterday my boss told me I was moving team.")
    assert any("told" in e.phrase for e in story.evidence)
    assert any(e.phrase.startswith("my boss") or e.phrase == "Yesterday" for e in story.evidence)


def test_advice_inside_quoted_speech_is_part_of_the_story() -> None:
    text = 'My boss said, "You should always double check." I did, and found the error.'
    verdict = classify(text)
    assert verdict.label == "story"
    assert "should" not in [e.phrase.lower() for e in verdict.evidence]


def test_story_ending_in_a_brief_opinion_is_still_a_story() -> None:
    text = (
        "My team lead shouted at me in front of a customer on my second day. That night I "
        "wrote my resignation letter, but I didn't send it. Managers should handle stress better."
    )
    assert classify(text).label == "story"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "ok", "coffee, tea"])
def test_text_without_cues_is_undecided(text: str) -> None:
    verdict = classify(text)
    assert (verdict.label, verdict.confidence, verdict.evidence) == ("story", 0.5, ())


def test_confidence_is_a_probability_and_deterministic() -> None:
    for e in EXAMPLES[:50]:
        a, b = classify(e.text), classify(e.text)
        assert a == b
        assert 0.5 <= a.confidence <= 1.0


def test_curly_apostrophes_match_like_straight_ones() -> None:
    assert classify("Don’t promise what you can’t deliver.").label == "opinion"
    verdict = classify("Don’t promise what you can’t deliver.")
    assert any("’" in e.phrase for e in verdict.evidence)  # phrases quote the original text


def test_long_quotes_are_shortened_in_evidence() -> None:
    quote = "word " * 40
    verdict = classify(f'She told me, "{quote.strip()}" and I left that afternoon.')
    assert all(len(e.phrase) <= 60 for e in verdict.evidence)


def test_fast_enough_for_a_nudge() -> None:
    texts = [e.text for e in EXAMPLES]
    start = time.perf_counter()
    for text in texts:
        classify(text)
    per_item = (time.perf_counter() - start) / len(texts)
    assert per_item < 0.005
