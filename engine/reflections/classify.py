"""Story or opinion: is a reflection mainly an experience, or mainly a view?

A transparent scorer: :mod:`crossroads.engine.reflections.features` finds cue phrases, a logistic
regression (weights in :mod:`crossroads.engine.reflections.weights`, trained on the labelled set in
``tests/data/reflections.jsonl`` by ``python -m devtools.train_classifier``) turns them into a
probability, and the phrases that pushed hardest toward the verdict are its evidence. Offline,
deterministic, and well under a millisecond per reflection.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crossroads.engine.reflections.features import FEATURE_NAMES, Label, extract, features
from crossroads.engine.reflections.weights import WEIGHTS

#: How many phrases :func:`classify` returns as evidence at most.
MAX_EVIDENCE = 5
_PER_CUE = 2
_MAX_PHRASE = 60


@dataclass(frozen=True, slots=True)
class Evidence:
    """A phrase that moved the verdict, and the cue it matched."""

    phrase: str
    """The phrase as written in the reflection (long quotes are shortened with "…")."""
    cue: str
    """What the cue means, in words ("past tense", "a prescription (should, must, need to)")."""
    leans: Label
    """The label this phrase pushed toward."""
    weight: float
    """How hard the cue pushed (its share of the score; larger is stronger)."""


@dataclass(frozen=True, slots=True)
class Classification:
    """The verdict on one reflection."""

    label: Label
    """``story`` (mainly an experience) or ``opinion`` (mainly a view)."""
    confidence: float
    """The probability of ``label``, in [0.5, 1]; 0.5 means the text gave nothing to go on."""
    evidence: tuple[Evidence, ...]
    """The phrases that decided it, strongest first."""

    @property
    def is_opinion(self) -> bool:
        """True when the reflection reads mainly as an opinion."""
        return self.label == "opinion"

    def to_json(self) -> dict[str, Any]:
        """The verdict as JSON-ready data (evidence as a list of phrases)."""
        return {
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "evidence": [e.phrase for e in self.evidence],
        }


def story_probability(values: list[float], weights: Mapping[str, float] = WEIGHTS) -> float:
    """The probability that a feature vector (in ``FEATURE_NAMES`` order) is a story."""
    score = weights["bias"] + sum(
        weights[n] * v for n, v in zip(FEATURE_NAMES, values, strict=True)
    )
    return _sigmoid(score)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _shorten(phrase: str) -> str:
    phrase = " ".join(phrase.split())
    return phrase if len(phrase) <= _MAX_PHRASE else phrase[: _MAX_PHRASE - 1].rstrip() + "…"


def _within(short: str, long: str) -> bool:
    """True when ``short`` is a whole-word part of a longer phrase ``long``."""
    return len(long) > len(short) and f" {short} " in f" {long} "


def classify(text: str, weights: Mapping[str, float] = WEIGHTS) -> Classification:
    """Label ``text`` as a story or an opinion, with a confidence and the deciding phrases.

    Text in which no cue matches at all (empty, "ok", a list of nouns) is undecided: ``story``
    with confidence 0.5 and no evidence, so a nudge toward stories never fires on it.

    Args:
        text: the reflection, any length.
        weights: cue weights and ``bias``; the trained ones by default.

    Returns:
        The label, its probability and up to :data:`MAX_EVIDENCE` phrases.
    """
    matches = extract(text)
    if not any(m.spans for m in matches):
        return Classification("story", 0.5, ())
    p_story = story_probability(features(matches), weights)
    label: Label = "story" if p_story >= 0.5 else "opinion"
    sign = 1.0 if label == "story" else -1.0
    contributions = sorted(
        ((weights[m.cue.name] * m.value * sign, i) for i, m in enumerate(matches) if m.spans),
        reverse=True,
    )
    candidates: list[Evidence] = []
    for contribution, i in contributions:
        if contribution <= 0:
            break
        m = matches[i]
        for start, end in m.spans[:_PER_CUE]:
            phrase = _shorten(text[start:end])
            candidates.append(Evidence(phrase, m.cue.meaning, label, round(contribution, 3)))
    evidence: list[Evidence] = []
    kept: set[str] = set()
    for e in candidates:
        low = e.phrase.lower()
        if low in kept or any(_within(low, other.phrase.lower()) for other in candidates):
            continue  # the same phrase, or a longer one says it ("I went" over "I")
        kept.add(low)
        evidence.append(e)
        if len(evidence) >= MAX_EVIDENCE:
            break
    confidence = p_story if label == "story" else 1.0 - p_story
    return Classification(label, confidence, tuple(evidence))
