"""Summarising a theme: the interface, and the built-in extractive summariser.

A :class:`Summariser` turns the most representative reflections of a theme into a short summary.
The built-in :class:`ExtractiveSummariser` works offline with no model: it ranks sentences with
PageRank over a sentence-similarity graph (TextRank) and returns the top few, verbatim. An
organisation may plug in a service it trusts by passing any object with the same ``summarise``
method to :func:`crossroads.engine.reflections.themes.find_themes`; it only ever receives
reflection texts,
never authors or ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from crossroads.engine.reflections.graphs import Edges, pagerank
from crossroads.engine.reflections.text import Vocabulary, content_words, cosine, sentences, tfidf

#: A sentence longer than this is cut (at a word boundary) and ends with "…".
MAX_SENTENCE_CHARS = 220
_MIN_WORDS = 4
_MAX_SENTENCES_IN = 80
_DUPLICATE = 0.5


class Summariser(Protocol):
    """Turns a theme's reflections into a short summary."""

    def summarise(self, texts: Sequence[str], *, max_sentences: int = 2) -> str:
        """Summarise ``texts`` (most representative first) in at most ``max_sentences``."""
        ...


def shorten(sentence: str, limit: int = MAX_SENTENCE_CHARS) -> str:
    """Cut ``sentence`` at a word boundary to at most ``limit`` characters, ending with "…"."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= limit:
        return sentence
    cut = sentence[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-—") + "…"


def rank_sentences(candidates: Sequence[str]) -> list[tuple[float, int]]:
    """PageRank scores of ``candidates`` over their TF-IDF cosine graph, best first.

    Returns ``(score, index)`` pairs; ties keep the original order (deterministic).
    """
    vocab = Vocabulary()
    counts = [vocab.add(content_words(s)) for s in candidates]
    idf = vocab.idf()
    vectors = [tfidf(c, idf) for c in counts]
    edges: Edges = {}
    for i in range(len(vectors)):
        for j in range(i + 1, len(vectors)):
            w = cosine(vectors[i], vectors[j])
            if w > 0.0:
                edges[(i, j)] = w
    scores = pagerank(len(candidates), edges)
    return sorted(((scores[i], i) for i in range(len(candidates))), key=lambda p: (-p[0], p[1]))


class ExtractiveSummariser:
    """Offline TextRank: the most central sentences of the theme, verbatim and deduplicated."""

    def summarise(self, texts: Sequence[str], *, max_sentences: int = 2) -> str:
        """Pick the ``max_sentences`` most central sentences of ``texts``.

        Sentences under four words are skipped when there are longer ones, and so are sentences
        sharing half their content words with one already picked (the same sentence with another
        name in it); the result keeps the ranking order.
        """
        pool = [s for text in texts for s in sentences(text)]
        long_enough = [s for s in pool if len(s.split()) >= _MIN_WORDS]
        candidates = (long_enough or pool)[:_MAX_SENTENCES_IN]
        if not candidates:
            return ""
        ranked = rank_sentences(candidates)
        words = [set(content_words(s)) for s in candidates]
        picked: list[int] = []
        for _, i in ranked:
            if any(overlap(words[i], words[j]) >= _DUPLICATE for j in picked):
                continue
            picked.append(i)
            if len(picked) >= max_sentences:
                break
        return " ".join(shorten(candidates[i]) for i in picked)


def overlap(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of two word sets (1.0 for two empty sets: the same nothing)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)
