"""Themes: group reflections so that a reader can take in many without anyone disappearing.

Reflections become TF-IDF vectors over content words; each links to its nearest neighbours
(:func:`crossroads.engine.reflections.graphs.top_neighbours`); Louvain community detection
(networkx, with
a seed) groups the graph. Every group of at least ``min_size`` is a theme, with keywords, a short
extractive summary and 1–3 representative quotes; the reflections of smaller groups (including
ones like no other) form a last theme, "Other voices". So every reflection belongs to exactly one
theme, every theme is in the report, and the report says "N of N voices represented".

Access rules are the caller's: pass only the reflections the reader may see (the bank's
:class:`~crossroads.engine.records.ReflectionReader` applies them). An anonymous reflection has
``author=None``; nothing here can reveal who wrote it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import networkx as nx

from crossroads.engine.reflections.graphs import Edges, top_neighbours
from crossroads.engine.reflections.summarise import (
    ExtractiveSummariser,
    Summariser,
    overlap,
    shorten,
)
from crossroads.engine.reflections.text import (
    Vector,
    Vocabulary,
    content_words,
    cosine,
    sentences,
    surface_words,
    tfidf,
)

#: ``progress(done, total)``: the same callback shape as ``crossroads.tui.progress``.
Progress = Callable[[int, "int | None"], None]

OTHER_VOICES = "Other voices"
#: How many of a theme's most central reflections the summariser reads.
SUMMARY_INPUTS = 12
MAX_QUOTES = 3
QUOTE_CHARS = 220
ANONYMOUS = "anonymous"
_QUOTE_CANDIDATES = 60


class ReflectionLike(Protocol):
    """What themes need of a reflection (``crossroads.engine.records.SharedReflection`` fits)."""

    @property
    def id(self) -> str:
        """A stable id."""
        ...

    @property
    def text(self) -> str:
        """What the learner wrote."""
        ...

    @property
    def author(self) -> str | None:
        """The author's display name, or None when the reflection is anonymous."""
        ...


@dataclass(frozen=True, slots=True)
class Quote:
    """A representative passage of one reflection."""

    reflection_id: str
    text: str
    author: str | None
    """None when anonymous: shown as "anonymous", never resolved."""

    @property
    def byline(self) -> str:
        """The author's name, or "anonymous"."""
        return self.author if self.author is not None else ANONYMOUS


@dataclass(frozen=True, slots=True)
class Theme:
    """A group of reflections that say similar things."""

    id: str
    title: str
    keywords: tuple[str, ...]
    summary: str
    quotes: tuple[Quote, ...]
    members: tuple[str, ...]
    """Ids of the reflections in the theme, most central first."""
    other: bool = False
    """True for "Other voices": reflections like few or no others."""

    @property
    def size(self) -> int:
        """How many reflections the theme holds."""
        return len(self.members)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data (anonymous authors are ``null``)."""
        return {
            "id": self.id,
            "title": self.title,
            "keywords": list(self.keywords),
            "size": self.size,
            "other": self.other,
            "summary": self.summary,
            "quotes": [
                {"id": q.reflection_id, "text": q.text, "author": q.author} for q in self.quotes
            ],
            "members": list(self.members),
        }


@dataclass(frozen=True, slots=True)
class ThemeReport:
    """All the themes of a set of reflections, accounting for every one."""

    themes: tuple[Theme, ...]
    total: int
    seed: int

    @property
    def represented(self) -> int:
        """How many reflections appear in some theme (always ``total``)."""
        return sum(t.size for t in self.themes)

    @property
    def voices(self) -> str:
        """"N of N voices represented"."""
        return f"{self.represented} of {self.total} voices represented"

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "total": self.total,
            "represented": self.represented,
            "voices": self.voices,
            "seed": self.seed,
            "themes": [t.to_json() for t in self.themes],
        }


class _Ticker:
    """Turns stage-local counts into one ``progress(done, total)`` over ``3 n`` units."""

    def __init__(self, progress: Progress | None, n: int) -> None:
        self.progress = progress
        self.total = 3 * n

    def __call__(self, done: int) -> None:
        if self.progress is not None:
            self.progress(min(done, self.total), self.total)


def find_themes(
    reflections: Iterable[ReflectionLike],
    *,
    seed: int = 0,
    summariser: Summariser | None = None,
    progress: Progress | None = None,
    neighbours: int = 8,
    min_similarity: float = 0.1,
    min_size: int | None = None,
    max_themes: int = 12,
    resolution: float = 1.0,
) -> ThemeReport:
    """Group ``reflections`` into themes, each with keywords, a summary and quotes.

    Args:
        reflections: what the reader may see, already filtered by the bank's access rules.
        seed: Louvain's seed; the same input and seed give the same themes.
        summariser: summarises each theme; the offline :class:`ExtractiveSummariser` by default.
        progress: called as ``progress(done, total)`` while working.
        neighbours: links kept per reflection in the similarity graph.
        min_similarity: weaker links are ignored.
        min_size: smaller groups go to "Other voices" (default: 1% of the reflections, at least 2).
        max_themes: groups beyond this many (smallest first) join the theme they are most
            linked to, or "Other voices" when they link to none.
        resolution: Louvain resolution; above 1 favours more, smaller themes.

    Returns:
        The themes, largest first and "Other voices" last, accounting for every reflection.
    """
    records = list(reflections)
    n = len(records)
    tick = _Ticker(progress, n)
    summariser = summariser or ExtractiveSummariser()
    if min_size is None:
        min_size = max(2, math.ceil(0.01 * n))

    vocab = Vocabulary()
    counts: list[Counter[int]] = []
    step = max(1, n // 100)
    for i, record in enumerate(records):
        counts.append(vocab.add(content_words(record.text)))
        if i % step == 0:
            tick(i)
    idf = vocab.idf()
    vectors = [tfidf(c, idf) for c in counts]
    tick(n)

    edges = top_neighbours(
        vectors, k=neighbours, min_similarity=min_similarity, tick=lambda d: tick(n + d)
    )
    groups = _communities(n, edges, seed=seed, resolution=resolution)
    tick(2 * n)

    kept, small = _select(groups, edges, min_size=min_size, max_themes=max_themes)
    themes: list[Theme] = []
    plan: list[tuple[list[int], bool]] = [(g, False) for g in kept]
    if small:
        plan.append((small, True))
    owner = {i: k for k, (members, _) in enumerate(plan) for i in members}
    local: list[Edges] = [{} for _ in plan]
    for (i, j), w in edges.items():
        if owner[i] == owner[j]:
            local[owner[i]][(i, j)] = w
    for number, (members, other) in enumerate(plan, start=1):
        themes.append(
            _theme(
                f"theme-{number}", members, other, records, vectors, counts, idf,
                local[number - 1], vocab, summariser,
            )
        )
        tick(2 * n + (n * number) // len(plan))
    report = ThemeReport(tuple(themes), n, seed)
    assert report.represented == n, "every reflection belongs to exactly one theme"
    return report


def _communities(n: int, edges: Edges, *, seed: int, resolution: float) -> list[list[int]]:
    """Louvain communities as sorted member lists, largest first, ties by first member."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_weighted_edges_from((i, j, w) for (i, j), w in sorted(edges.items()))
    found = nx.community.louvain_communities(
        graph, weight="weight", resolution=resolution, seed=seed
    )
    groups = [sorted(c) for c in found]
    groups.sort(key=lambda g: (-len(g), g[0]))
    return groups


def _select(
    groups: list[list[int]], edges: Edges, *, min_size: int, max_themes: int
) -> tuple[list[list[int]], list[int]]:
    """Split groups into themes (merging the excess into their best-linked theme) and the rest."""
    big = [g for g in groups if len(g) >= min_size]
    small = sorted(i for g in groups if len(g) < min_size for i in g)
    kept = [list(g) for g in big[:max_themes]]
    if len(big) > max_themes:
        owner = {i: t for t, g in enumerate(kept) for i in g}
        for group in big[max_themes:]:
            links: Counter[int] = Counter()
            members = set(group)
            for (i, j), w in edges.items():
                if i in members and j in owner:
                    links[owner[j]] += w  # type: ignore[assignment]
                elif j in members and i in owner:
                    links[owner[i]] += w  # type: ignore[assignment]
            if links:
                best = min(links, key=lambda t: (-links[t], t))
                kept[best].extend(group)
            else:
                small.extend(group)
        kept = sorted((sorted(g) for g in kept), key=lambda g: (-len(g), g[0]))
        small.sort()
    return kept, small


def _theme(
    theme_id: str,
    members: list[int],
    other: bool,
    records: Sequence[ReflectionLike],
    vectors: Sequence[Vector],
    counts: Sequence[Counter[int]],
    idf: Sequence[float],
    edges: Edges,
    vocab: Vocabulary,
    summariser: Summariser,
) -> Theme:
    """Build one theme: order members by centrality, then keywords, summary and quotes."""
    order = _by_centrality(members, edges)
    keywords = _keywords(order, records, counts, idf, vocab)
    inputs = [records[i].text for i in order[:SUMMARY_INPUTS]]
    summary = summariser.summarise(inputs, max_sentences=2)
    centroid: dict[int, float] = {}
    for i in order[:50]:
        for t, w in vectors[i].items():
            centroid[t] = centroid.get(t, 0.0) + w
    quotes = _quotes(order, other, records, vocab, idf, centroid, summary, edges)
    title = OTHER_VOICES if other else (", ".join(keywords[:3]) or "Untitled")
    return Theme(
        theme_id,
        title,
        tuple(keywords),
        summary,
        tuple(quotes),
        tuple(records[i].id for i in order),
        other,
    )


def _by_centrality(members: list[int], edges: Edges) -> list[int]:
    """Members ordered by their link strength within the theme, ties by input order.

    The sum of a member's similarities to the rest of its theme: how typical it is.
    """
    strength = dict.fromkeys(members, 0.0)
    for (i, j), w in edges.items():
        strength[i] += w
        strength[j] += w
    return sorted(members, key=lambda m: (-strength[m], m))


def _keywords(
    order: list[int],
    records: Sequence[ReflectionLike],
    counts: Sequence[Counter[int]],
    idf: Sequence[float],
    vocab: Vocabulary,
    limit: int = 5,
) -> list[str]:
    """The terms most distinctive of the theme, as written.

    A term scores its share of the theme's reflections times the log of how much more common it
    is in the theme than overall: frequent here and rare elsewhere.
    """
    doc_freq: Counter[int] = Counter()
    for i in order:
        doc_freq.update(counts[i].keys())
    floor = 2 if len(order) > 1 else 1
    total = max(1, vocab.docs)
    scored = []
    for t, c in doc_freq.items():
        if c >= floor:
            share = c / len(order)
            lift = share / (vocab.df[t] / total)
            scored.append((share * math.log(lift) if lift > 1 else 0.0, t))
    scored.sort(key=lambda p: (-p[0], p[1]))
    top = [t for _, t in scored[:limit]]
    if not top:
        return []
    names = {i: s for s, i in vocab.ids.items()}
    wanted = {names[t] for t in top}
    surfaces: dict[str, Counter[str]] = {s: Counter() for s in wanted}
    for i in order[:200]:
        for s, word in surface_words(records[i].text):
            if s in surfaces:
                surfaces[s][word] += 1
    out = []
    for t in top:
        forms = surfaces[names[t]]
        out.append(min(forms, key=lambda w: (-forms[w], w)) if forms else names[t])
    return out


def _quotes(
    order: list[int],
    other: bool,
    records: Sequence[ReflectionLike],
    vocab: Vocabulary,
    idf: Sequence[float],
    centroid: dict[int, float],
    summary: str,
    edges: Edges,
) -> list[Quote]:
    """1–3 quotes from the most central reflections, each its sentence nearest the theme.

    In "Other voices" the quotes come from reflections not linked to one another, so they show
    the range rather than one corner of it. Sentences already in the summary are avoided.
    """
    quotes: list[Quote] = []
    seen: list[set[str]] = []
    linked: list[int] = []
    for i in order[:_QUOTE_CANDIDATES]:
        if len(quotes) >= MAX_QUOTES:
            break
        record = records[i]
        if not record.text.strip():
            continue
        if other and any((min(i, j), max(i, j)) in edges for j in linked):
            continue
        passage = _best_passage(record.text, vocab.ids, idf, centroid, summary)
        words = set(content_words(passage))
        if any(overlap(words, s) >= 0.5 for s in seen):
            continue  # the same thing in other words (or another name) is already quoted
        seen.append(words)
        linked.append(i)
        quotes.append(Quote(record.id, passage, record.author))
    if not quotes and order:
        first = records[order[0]]
        quotes.append(Quote(first.id, shorten(first.text, QUOTE_CHARS), first.author))
    return quotes


def _best_passage(
    text: str,
    ids: dict[str, int],
    idf: Sequence[float],
    centroid: dict[int, float],
    summary: str,
) -> str:
    """The whole text when short, else its sentence closest to the theme (not in the summary)."""
    flat = " ".join(text.split())
    if len(flat) <= QUOTE_CHARS and flat not in summary:
        return flat
    parts = sentences(text)
    if len(parts) <= 1:
        return shorten(flat, QUOTE_CHARS)
    best: tuple[float, int] | None = None
    for k, sentence in enumerate(parts):
        if sentence in summary and len(parts) > 1:
            continue
        terms = Counter(
            t for t in (ids.get(w) for w in content_words(sentence)) if t is not None
        )
        score = cosine(tfidf(terms, idf), centroid) if terms else 0.0
        if best is None or score > best[0]:
            best = (score, k)
    k = best[1] if best else 0
    return shorten(parts[k], QUOTE_CHARS)
