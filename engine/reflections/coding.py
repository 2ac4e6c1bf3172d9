"""Coding a reflection against a codebook by plain evidence: what its words and phrases are about.

A code's *profile* is what its id and description are about: the concepts of
:mod:`crossroads.engine.reflections.lexicon` their words touch (the most-touched concept 1, the
others in proportion) and the description's own words. A reflection's evidence for a code is the
sum, over its content words and relational phrases
(:mod:`crossroads.engine.reflections.relations`), of how much each says about the code: a word the
description uses counts :data:`WORD_HIT`, a concept the word touches counts by the code's weight
for that concept (a word touching two concepts shares its vote), a phrase counts
:data:`PHRASE_HIT` times its concept's weight. The code with the most evidence wins; how far
ahead it is, is the confidence. Nothing is learnt from the reflections being coded, so a set codes
the same however small it is and whatever else is in it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crossroads.engine.reflections.lexicon import concepts_of
from crossroads.engine.reflections.relations import relational_concepts
from crossroads.engine.reflections.text import STOPWORDS, content_words, stem

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")  # as in :mod:`crossroads.engine.reflections.text`

#: A reflection's word that the code's description also uses.
WORD_HIT = 1.0
#: A relational phrase, times its concept's weight in the code.
PHRASE_HIT = 2.0
#: Less evidence than this for the best code: the reflection fits no code.
MIN_EVIDENCE = 1.0
#: Evidence this strong is firm; weaker evidence lowers the confidence.
FIRM_EVIDENCE = 3.0


@dataclass(frozen=True, slots=True)
class Profile:
    """What a code is about: concept → weight (0…1), and its description's words."""

    concepts: Mapping[str, float]
    words: frozenset[str]


@dataclass(frozen=True, slots=True)
class Evidence:
    """A reflection's concepts (seed words and phrases), and words."""

    concepts: Mapping[str, float]
    phrases: Mapping[str, int]
    words: frozenset[str]


def profiles(texts: Sequence[str]) -> list[Profile]:
    """The profile of each code from its id and description; a description word counts only
    for the one code that uses it (a word two descriptions share tells neither apart)."""
    stems = [content_words(t) for t in texts]
    used = Counter(s for words in stems for s in set(words))
    out = []
    for text, words in zip(texts, stems, strict=True):
        touched = Counter(concepts_of(words)) + Counter(relational_concepts(text))
        top = max(touched.values(), default=0)
        out.append(Profile({c: n / top for c, n in touched.items()},
                           frozenset(s for s in words if used[s] == 1)))
    return out


def concept_profile(concept: str) -> Profile:
    """The profile of one lexicon concept used as a code (no codebook)."""
    return Profile({concept: 1.0}, frozenset())


#: Words for a relative that are someone's role as often (the ward sister, the firm's partner,
#: a patient's daughter): evidence of looking after family only after "my", "our", "his", …
KIN = frozenset(stem(w) for w in [
    "partner", "sister", "brother", "daughter", "son", "father", "mother", "mum", "mom", "dad",
    "wife", "husband", "nephew", "niece", "aunt", "uncle", "gran", "grandmother", "grandfather",
])
_OWNERS = frozenset(("my", "our", "his", "her", "their", "your", "whose"))


def evidence(text: str) -> Evidence:
    """What ``text`` says, concept by concept."""
    stems: list[str] = []
    kin_of_nobody: set[int] = set()
    previous = ""
    for word in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if len(word) > 2 and word not in STOPWORDS:
            s = stem(word)
            if s in KIN and previous not in _OWNERS:
                kin_of_nobody.add(len(stems))
            stems.append(s)
        previous = word
    concepts: dict[str, float] = {}
    for k, s in enumerate(stems):
        seed = [] if k in kin_of_nobody else concepts_of([s])
        for c in seed:
            concepts[c] = concepts.get(c, 0.0) + 1.0 / len(seed)
    return Evidence(concepts, Counter(relational_concepts(text)), frozenset(stems))


def score(ev: Evidence, code: Profile) -> float:
    """How much evidence ``ev`` holds for ``code``."""
    total = WORD_HIT * len(ev.words & code.words)
    for c, w in code.concepts.items():
        total += w * (ev.concepts.get(c, 0.0) + PHRASE_HIT * ev.phrases.get(c, 0))
    return total


def best_code(ev: Evidence, codes: Sequence[Profile]) -> tuple[int, float, float] | None:
    """``(code index, its evidence, the runner-up's)``, or None when no code has enough."""
    scored = sorted(((score(ev, c), -k) for k, c in enumerate(codes)), reverse=True)
    if not scored or scored[0][0] < MIN_EVIDENCE:
        return None
    second = scored[1][0] if len(scored) > 1 else 0.0
    return -scored[0][1], scored[0][0], second


def confidence(top: float, second: float) -> float:
    """How sure: the winner's lead over the runner-up (0 a tie … 1 nothing else has any),
    scaled down when the winner's evidence is below :data:`FIRM_EVIDENCE`."""
    if top <= 0:
        return 0.0
    return max(0.0, (top - second) / top) * min(1.0, top / FIRM_EVIDENCE)
