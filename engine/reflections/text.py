"""Words and sentences: tokenising reflections into content-word stems and sparse TF-IDF vectors.

Pure Python. A vector is a ``dict[int, float]`` from term id to weight, L2-normalised, so the dot
product of two vectors is their cosine similarity.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

Vector = dict[int, float]

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(
    r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]]))\s+|\n\s*\n|\n(?=\s*[-*•])"
)

_STOPWORDS_TEXT = """
    a about above after again against all almost along already also although always am among an
    and another any anyone anything are aren't around as at away back be became because become
    been before being below between both but by came can can't cannot come could couldn't did
    didn't do does doesn't doing don't done down during each either else enough even ever every
    everyone everything few for from further get gets getting give given go goes going gone got
    had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself him
    himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself just
    know knew let let's like made make makes many may maybe me might mine more most much must my
    myself need needs never no nobody nor not nothing now of off often on once one only or other
    others our ours ourselves out over own put quite rather really said same say says see seem
    seemed she she'd she'll she's should shouldn't since so some someone something sometimes still
    such take than that that's the their theirs them themselves then there there's these they
    they'd they'll they're they've thing things think this those though through thought to too
    took toward two under until up upon us very want wanted was wasn't way we we'd we'll we're
    we've well went were weren't what what's when when's where where's whether which while who
    who's whom whose why why's will with within without won't would wouldn't yes yet you you'd
    you'll you're you've your yours yourself yourselves time times day days lot lots kind sort
    actually probably perhaps even felt feel feels told tell asked ask went go thing
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())

_stems: dict[str, str] = {}


def stem(word: str) -> str:
    """A light, cached suffix stripper: ``managers`` → ``manager``, ``listening`` → ``listen``."""
    cached = _stems.get(word)
    if cached is not None:
        return cached
    s = word
    if s.endswith("'s"):
        s = s[:-2]
    if len(s) > 6 and s.endswith("ing"):  # not "caring" → "car"
        s = s[:-3]
    elif len(s) > 4 and s.endswith("ied"):
        s = s[:-3] + "y"
    elif len(s) > 5 and s.endswith("ed") and not s.endswith("eed"):  # not "cared" → "car"
        s = s[:-2]
    elif len(s) > 4 and s.endswith("ies"):
        s = s[:-3] + "y"
    elif len(s) > 3 and s.endswith("s") and not s.endswith(("ss", "us", "is")):
        s = s[:-1]
    if len(s) > 4 and s.endswith("ly"):
        s = s[:-2]
    _stems[word] = s
    return s


def content_words(text: str) -> list[str]:
    """The stems of the content words of ``text`` (lowercased, stopwords and short words out)."""
    out = []
    for word in _TOKEN.findall(text.lower().replace("\u2019", "'")):
        if len(word) > 2 and word not in STOPWORDS:
            out.append(stem(word))
    return out


def surface_words(text: str) -> list[tuple[str, str]]:
    """``(stem, word)`` for each content word of ``text`` (the word lowercased)."""
    return [
        (stem(w), w)
        for w in _TOKEN.findall(text.lower().replace("\u2019", "'"))
        if len(w) > 2 and w not in STOPWORDS
    ]


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences (on ``.``, ``!``, ``?``, blank lines and list items)."""
    parts = (" ".join(p.split()) for p in _SENTENCE_END.split(text))
    return [p for p in parts if p]


class Vocabulary:
    """Term ids and document frequencies over a corpus, for TF-IDF weighting."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.df: list[int] = []
        self.docs = 0

    def add(self, terms: Iterable[str]) -> Counter[int]:
        """Count one document's terms (ids assigned on first sight) and return its term counts."""
        counts: Counter[int] = Counter()
        ids = self.ids
        for t in terms:
            i = ids.get(t)
            if i is None:
                i = ids[t] = len(self.df)
                self.df.append(0)
            counts[i] += 1
        for i in counts:
            self.df[i] += 1
        self.docs += 1
        return counts

    def idf(self) -> list[float]:
        """Smoothed inverse document frequency per term id."""
        n = self.docs
        return [math.log((1 + n) / (1 + d)) + 1.0 for d in self.df]


def tfidf(counts: Counter[int], idf: Sequence[float]) -> Vector:
    """An L2-normalised TF-IDF vector with sublinear term frequency."""
    vec = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in vec.values()))
    if norm == 0:
        return {}
    return {t: w / norm for t, w in vec.items()}


def cosine(a: Vector, b: Vector) -> float:
    """Dot product of two normalised sparse vectors."""
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())
