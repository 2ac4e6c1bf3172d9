"""Themes: group reflections so that a reader can take in many without anyone disappearing.

With a **codebook** (``{id: description}``, a story's or a facilitator's) each reflection is
coded by plain evidence (:mod:`crossroads.engine.reflections.coding`): the concepts of
:mod:`crossroads.engine.reflections.lexicon` its words touch and the relational phrases it uses
(:mod:`crossroads.engine.reflections.relations`: "kept my mouth shut", "on four thousand more"),
against what each code's description is about; nothing is learnt from the set being coded.
Reflections that fit no code are grouped among themselves: first by the lexicon concept they
say most about (when enough share one), then as below. Without a codebook (and for those),
each reflection becomes a TF-IDF vector over its content words, the concepts they touch and its
relational phrases, and reflections are grouped by community detection over their nearest
neighbours (Louvain, seeded). Groups too small to be a theme join the theme they fit best, or,
fitting none, a last theme, "Other voices".

Every assignment has a confidence (how much better its theme fits than the next best, lowered when
even the best fit is weak); the unsure ones are listed for a person to look at. A facilitator's
**corrections** (move a reflection, rename or merge a theme:
:mod:`crossroads.engine.reflections.corrections`) are applied last.

A theme is a readable name, the number of voices, an overview line that quotes nobody, and
quotes: each one or more whole sentences of one reflection, verbatim, with its author (or
"anonymous"). No text ever joins the words of two people.

Access rules are the caller's: pass only the reflections the reader may see.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import networkx as nx

from crossroads.engine.reflections import coding
from crossroads.engine.reflections.graphs import Edges, top_neighbours
from crossroads.engine.reflections.lexicon import CONCEPTS, concepts_of
from crossroads.engine.reflections.summarise import Summariser
from crossroads.engine.reflections.text import (
    Vector,
    Vocabulary,
    content_words,
    cosine,
    surface_words,
    tfidf,
)

#: ``progress(done, total)``: the same callback shape as ``crossroads.tui.progress``.
Progress = Callable[[int, "int | None"], None]

OTHER_VOICES = "Other voices"
OTHER_ID = "other"
MAX_QUOTES = 3
ANONYMOUS = "anonymous"
#: A concept reached through the seed lexicon counts this many times as much as one word.
CONCEPT_WEIGHT = 2
#: A relational phrase (:mod:`crossroads.engine.reflections.relations`) counts this many times.
PHRASE_WEIGHT = 12
#: Below this similarity a small group's reflection fits no theme ("Other voices").
THEME_FIT = 0.06
#: A fit at least this close is firm evidence; weaker fits lower the confidence.
FIRM_FIT = 0.25
#: An assignment whose confidence is below this is listed as unsure.
UNSURE_BELOW = 0.3
_CONCEPT_PREFIX = "§"
_SENTENCE = re.compile(r"[^.!?…\n]+(?:[.!?…]+[\"'”’)\]]*|$)", re.MULTILINE)


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
    """Whole sentences of one reflection, verbatim."""

    reflection_id: str
    text: str
    author: str | None
    """None when anonymous: shown as "anonymous", never resolved."""

    @property
    def byline(self) -> str:
        """The author's name, or "anonymous"."""
        return self.author if self.author is not None else ANONYMOUS


@dataclass(frozen=True, slots=True)
class Assignment:
    """Which theme a reflection is in, and how sure that is (0 unsure … 1 sure)."""

    reflection_id: str
    theme_id: str
    confidence: float
    corrected: bool = False
    """True when a facilitator put it there."""

    @property
    def unsure(self) -> bool:
        """True when a person should look at it."""
        return not self.corrected and self.confidence < UNSURE_BELOW


@dataclass(frozen=True, slots=True)
class Theme:
    """A group of reflections that say similar things."""

    id: str
    title: str
    keywords: tuple[str, ...]
    summary: str
    """An overview line that quotes nobody."""
    quotes: tuple[Quote, ...]
    members: tuple[str, ...]
    """Ids of the reflections in the theme, surest first."""
    other: bool = False
    """True for "Other voices": reflections that fit no theme."""
    coded: bool = False
    """True for a theme from the codebook."""

    @property
    def size(self) -> int:
        """How many reflections (voices) the theme holds."""
        return len(self.members)

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data (anonymous authors are ``null``)."""
        return {
            "id": self.id,
            "title": self.title,
            "keywords": list(self.keywords),
            "size": self.size,
            "other": self.other,
            "coded": self.coded,
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
    assignments: tuple[Assignment, ...] = ()

    @property
    def represented(self) -> int:
        """How many reflections appear in some theme (always ``total``)."""
        return sum(t.size for t in self.themes)

    @property
    def voices(self) -> str:
        """"N of N voices represented"."""
        return f"{self.represented} of {self.total} voices represented"

    @property
    def unsure(self) -> tuple[Assignment, ...]:
        """The assignments a person should look at, least sure first."""
        return tuple(sorted((a for a in self.assignments if a.unsure),
                            key=lambda a: (a.confidence, a.reflection_id)))

    def labels(self) -> dict[str, str]:
        """Reflection id → theme id."""
        return {m: t.id for t in self.themes for m in t.members}

    def to_json(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "total": self.total,
            "represented": self.represented,
            "voices": self.voices,
            "seed": self.seed,
            "themes": [t.to_json() for t in self.themes],
            "assignments": [
                {"id": a.reflection_id, "theme": a.theme_id,
                 "confidence": round(a.confidence, 3), "unsure": a.unsure,
                 "corrected": a.corrected}
                for a in self.assignments
            ],
        }


@dataclass(slots=True)
class Grouping:
    """A draft grouping: reflection id → (theme id, confidence), and each theme's title."""

    theme_of: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    coded: set[str] = field(default_factory=set)
    corrected: set[str] = field(default_factory=set)
    quotes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Theme id → proposed ``(reflection id, text)`` quotes (a model's), checked before use."""
    summaries: dict[str, str] = field(default_factory=dict)
    """Theme id → a proposed overview line (a model's), checked before use."""


class Corrector(Protocol):
    """Applies a facilitator's corrections to a draft grouping
    (:class:`crossroads.engine.reflections.corrections.Corrections` fits)."""

    def apply(self, grouping: Grouping) -> None:
        """Move, rename and merge in place."""
        ...


class Coder(Protocol):
    """Groups reflections in another way (a model: :mod:`crossroads.engine.reflections.remote`)."""

    def group(
        self, items: Sequence[tuple[str, str]], codebook: Mapping[str, str] | None
    ) -> Grouping:
        """Group ``(id, text)`` items; ids not placed are grouped offline."""
        ...


class _Ticker:
    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total

    def __call__(self, done: int) -> None:
        if self.progress is not None:
            self.progress(min(done, self.total), self.total)


@dataclass(slots=True)
class _Features:
    vocab: Vocabulary
    counts: list[Counter[int]]
    vectors: list[Vector]
    idf: list[float]

    def vector(self, text: str) -> Vector:
        """A vector for a text outside the corpus (a code's description)."""
        counts = Counter(
            t for t in (self.vocab.ids.get(w) for w in _terms(text)) if t is not None
        )
        return tfidf(counts, self.idf)


def _terms(text: str) -> list[str]:
    ev = coding.evidence(text)
    concepts = [_CONCEPT_PREFIX + c for c, w in ev.concepts.items()
                for _ in range(round(w * CONCEPT_WEIGHT))]
    phrases = [_CONCEPT_PREFIX + c for c, k in ev.phrases.items()
               for _ in range(k * PHRASE_WEIGHT)]
    return content_words(text) + concepts + phrases


def _features(texts: Sequence[str], extra: Sequence[str] = ()) -> _Features:
    """TF-IDF vectors of ``texts``; ``extra`` texts (code descriptions) join the vocabulary."""
    vocab = Vocabulary()
    counts = [vocab.add(_terms(t)) for t in texts]
    for t in extra:
        vocab.add(_terms(t))
    idf = vocab.idf()
    return _Features(vocab, counts, [tfidf(c, idf) for c in counts], idf)


def find_themes(
    reflections: Iterable[ReflectionLike],
    *,
    seed: int = 0,
    codebook: Mapping[str, str] | None = None,
    corrections: Corrector | None = None,
    coder: Coder | None = None,
    summariser: Summariser | None = None,
    progress: Progress | None = None,
    neighbours: int = 8,
    min_similarity: float = 0.1,
    min_size: int | None = None,
    max_themes: int = 12,
    resolution: float = 1.0,
) -> ThemeReport:
    """Group ``reflections`` into named themes with quotes, accounting for every one.

    Args:
        reflections: what the reader may see, already filtered by the bank's access rules.
        seed: Louvain's seed; the same input and seed give the same themes.
        codebook: ``{code id: description}``: themes expected by a story's authors or a
            facilitator; reflections are coded against it first.
        corrections: a facilitator's corrections, applied last.
        coder: groups (and names, quotes, summarises) in another way, e.g. a model; what it
            proposes is held to the same rules (quotes verbatim, or dropped).
        summariser: writes each theme's overview line from its reflections' texts; the result
            is dropped if it repeats six or more words of any one reflection.
        progress: called as ``progress(done, total)`` while working.
        neighbours: links kept per reflection in the similarity graph.
        min_similarity: weaker links are ignored.
        min_size: smaller groups are no theme of their own (default: 1% of the reflections,
            at least 2).
        max_themes: at most this many new themes.
        resolution: Louvain resolution; above 1 favours more, smaller themes.

    Returns:
        The themes, largest first and "Other voices" last.
    """
    records = list(reflections)
    n = len(records)
    tick = _Ticker(progress, 3 * n)
    if min_size is None:
        min_size = max(2, math.ceil(0.01 * n))
    codebook = dict(codebook or {})
    code_texts = [f"{cid.replace('_', ' ').replace('-', ' ')} {d}" for cid, d in codebook.items()]
    features = _features([r.text for r in records], code_texts)
    tick(n)

    grouping = Grouping()
    if coder is not None and records:
        proposed = coder.group([(r.id, r.text) for r in records], codebook or None)
        known = {r.id for r in records}
        for rid, theme in proposed.theme_of.items():
            if rid in known:
                grouping.theme_of[rid] = theme
                grouping.confidence[rid] = proposed.confidence.get(rid, 0.5)
        grouping.titles.update(proposed.titles)
        grouping.coded.update(proposed.coded)
        grouping.quotes.update(proposed.quotes)
        grouping.summaries.update(proposed.summaries)
    index = {r.id: i for i, r in enumerate(records)}
    rest = [i for i, r in enumerate(records) if r.id not in grouping.theme_of]
    if codebook:
        uncoded = _code(rest, records, features, codebook, code_texts, grouping)
        uncoded = _by_concept(uncoded, records, grouping, min_size=min_size)
    else:
        uncoded = rest
    tick(2 * n)
    _group_new(uncoded, records, features, grouping, seed=seed, neighbours=neighbours,
               min_similarity=min_similarity, min_size=min_size, max_themes=max_themes,
               resolution=resolution)
    if corrections is not None:
        corrections.apply(grouping)
    report = _report(records, index, features, grouping, seed, summariser)
    tick(3 * n)
    assert report.represented == n, "every reflection belongs to exactly one theme"
    return report


# ---------------------------------------------------------------------------- coding


def _code(
    members: list[int],
    records: Sequence[ReflectionLike],
    features: _Features,
    codebook: Mapping[str, str],
    code_texts: Sequence[str],
    grouping: Grouping,
) -> list[int]:
    """Code ``members`` against the codebook (:mod:`crossroads.engine.reflections.coding`);
    return the ones that fit no code."""
    ids = list(codebook)
    profiles = coding.profiles(code_texts)
    fitted = []
    for i in members:
        best = coding.best_code(coding.evidence(records[i].text), profiles)
        if best is None:
            continue
        k, top, second = best
        rid = records[i].id
        grouping.theme_of[rid] = ids[k]
        grouping.confidence[rid] = coding.confidence(top, second)
        fitted.append(i)
    for cid, description in codebook.items():
        grouping.titles.setdefault(cid, _code_title(cid, description))
        grouping.coded.add(cid)
    done = set(fitted)
    return [i for i in members if i not in done]


def _by_concept(
    members: list[int], records: Sequence[ReflectionLike], grouping: Grouping, *, min_size: int
) -> list[int]:
    """Without a codebook, group ``members`` by the lexicon concept they say most about
    (each concept a code of its own); return the ones in no concept group of ``min_size``."""
    names = list(CONCEPTS)
    profiles = [coding.concept_profile(c) for c in names]
    found: dict[int, list[tuple[int, float, float]]] = {}
    for i in members:
        best = coding.best_code(coding.evidence(records[i].text), profiles)
        if best is not None:
            found.setdefault(best[0], []).append((i, best[1], best[2]))
    placed = set()
    for k, group in sorted(found.items()):
        if len(group) < min_size:
            continue
        theme_id = _slug(names[k], set(grouping.titles))
        grouping.titles[theme_id] = names[k]
        for i, top, second in group:
            grouping.theme_of[records[i].id] = theme_id
            grouping.confidence[records[i].id] = coding.confidence(top, second)
            placed.add(i)
    return [i for i in members if i not in placed]


def _code_title(cid: str, description: str) -> str:
    """A code's name: the first clause of its description, or its id in words."""
    first = re.split(r"\s+[-—–]\s+|[:;(\n]", description.strip(), maxsplit=1)[0].strip(" .,")
    if not first:
        first = cid.replace("_", " ").replace("-", " ")
    if len(first) > 60:
        first = first[:60].rsplit(" ", 1)[0] + "…"
    return first[:1].upper() + first[1:]


def _confidence(top: float, second: float) -> float:
    """How sure an assignment is: how much better the best fit is than the next (0 a tie … 1
    nothing else fits), scaled down when even the best fit is weak (below :data:`FIRM_FIT`),
    so that a reflection sharing one stray word with its theme is listed as unsure."""
    if top <= 0:
        return 0.0
    margin = max(0.0, min(1.0, (top - second) / top))
    return margin * min(1.0, top / FIRM_FIT)


def _mean(vectors: Sequence[Vector]) -> Vector:
    """The normalised sum of ``vectors``."""
    total: dict[int, float] = {}
    for vec in vectors:
        for t, w in vec.items():
            total[t] = total.get(t, 0.0) + w
    norm = math.sqrt(sum(w * w for w in total.values()))
    return {t: w / norm for t, w in total.items()} if norm else {}


# ---------------------------------------------------------------------------- new themes


def _group_new(
    members: list[int],
    records: Sequence[ReflectionLike],
    features: _Features,
    grouping: Grouping,
    *,
    seed: int,
    neighbours: int,
    min_similarity: float,
    min_size: int,
    max_themes: int,
    resolution: float,
) -> None:
    """Group ``members`` among themselves into new themes (or "Other voices")."""
    if not members:
        return
    vectors = [features.vectors[i] for i in members]
    edges = top_neighbours(vectors, k=neighbours, min_similarity=min_similarity)
    groups = _communities(len(members), edges, seed=seed, resolution=resolution)
    big = [g for g in groups if len(g) >= min_size][:max_themes]
    loose = sorted(i for g in groups if g not in big for i in g)
    centres = [_mean([vectors[i] for i in g]) for g in big]
    place: dict[int, tuple[int, float, float]] = {}
    for k, g in enumerate(big):
        for i in g:
            place[i] = (k, *_fit(vectors[i], centres, k))
    for i in loose:
        sims = sorted(((cosine(vectors[i], c), k) for k, c in enumerate(centres)),
                      key=lambda p: (-p[0], p[1]))
        if sims and sims[0][0] >= THEME_FIT:
            second = sims[1][0] if len(sims) > 1 else 0.0
            place[i] = (sims[0][1], sims[0][0], second)
    used = set(grouping.titles.values())
    theme_ids: list[str] = []
    for k, g in enumerate(big):
        inside = [members[i] for i in range(len(members)) if place.get(i, (-1,))[0] == k]
        title = _new_title([members[i] for i in g] or inside, records, features, used)
        used.add(title)
        theme_id = _slug(title, set(grouping.titles))
        grouping.titles[theme_id] = title
        theme_ids.append(theme_id)
    for i, member in enumerate(members):
        rid = records[member].id
        if i in place:
            k, top, second = place[i]
            grouping.theme_of[rid] = theme_ids[k]
            grouping.confidence[rid] = _confidence(top, second)
        else:
            grouping.theme_of[rid] = OTHER_ID
            grouping.confidence[rid] = 0.0
    if OTHER_ID in grouping.theme_of.values():
        grouping.titles[OTHER_ID] = OTHER_VOICES


def _fit(vector: Vector, centres: Sequence[Vector], own: int) -> tuple[float, float]:
    """Similarity to its own centre and to the best other one."""
    top = cosine(vector, centres[own])
    second = max((cosine(vector, c) for k, c in enumerate(centres) if k != own), default=0.0)
    return top, second


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


def _slug(title: str, taken: set[str]) -> str:
    base = "new-" + ("-".join(re.findall(r"[a-z0-9]+", title.lower())[:5]) or "theme")
    slug, k = base, 2
    while slug in taken or slug == OTHER_ID:
        slug, k = f"{base}-{k}", k + 1
    return slug


def _new_title(
    members: Sequence[int], records: Sequence[ReflectionLike], features: _Features,
    used: set[str],
) -> str:
    """A phrase for a new theme: the concept most of its reflections touch, else its words."""
    concepts: Counter[str] = Counter()
    for i in members:
        concepts.update(set(concepts_of(content_words(records[i].text))))
    words = _keywords(members, records, features, limit=3)
    for concept, count in sorted(concepts.items(), key=lambda p: (-p[1], p[0])):
        if count / max(1, len(members)) < 0.3:
            break
        if concept not in used:
            return concept
        if words and f"{concept}: {words[0]}" not in used:
            return f"{concept}: {words[0]}"
    if len(words) >= 2:
        return f"About {words[0]} and {words[1]}"
    return f"About {words[0]}" if words else "Untitled"


def _keywords(
    members: Sequence[int], records: Sequence[ReflectionLike], features: _Features,
    limit: int = 5,
) -> list[str]:
    """The words most distinctive of a group (share here × log lift over the whole), as
    written."""
    vocab = features.vocab
    names = {i: s for s, i in vocab.ids.items()}
    doc_freq: Counter[int] = Counter()
    for i in members:
        doc_freq.update(t for t in features.counts[i] if not names[t].startswith(_CONCEPT_PREFIX))
    floor = 2 if len(members) > 1 else 1
    total = max(1, vocab.docs)
    scored = []
    for t, c in doc_freq.items():
        if c >= floor:
            share = c / len(members)
            lift = share / (vocab.df[t] / total)
            scored.append((share * math.log(lift) if lift > 1 else 0.0, names[t]))
    scored.sort(key=lambda p: (-p[0], p[1]))
    wanted = [s for _, s in scored[:limit]]
    forms: dict[str, Counter[str]] = {s: Counter() for s in wanted}
    for i in list(members)[:200]:
        for s, word in surface_words(records[i].text):
            if s in forms:
                forms[s][word] += 1
    return [min(forms[s], key=lambda w: (-forms[s][w], w)) if forms[s] else s for s in wanted]


# ---------------------------------------------------------------------------- the report


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each whole sentence of ``text`` (trimmed, never empty)."""
    spans = []
    for m in _SENTENCE.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and any(ch.isalnum() for ch in text[start:end]):
            spans.append((start, end))
    return spans


def _report(
    records: Sequence[ReflectionLike],
    index: Mapping[str, int],
    features: _Features,
    grouping: Grouping,
    seed: int,
    summariser: Summariser | None,
) -> ThemeReport:
    by_theme: dict[str, list[int]] = {}
    for r in records:
        by_theme.setdefault(grouping.theme_of[r.id], []).append(index[r.id])
    themes: list[Theme] = []
    for theme_id, members in by_theme.items():
        members.sort(key=lambda i: (-grouping.confidence.get(records[i].id, 0.0), i))
        other = theme_id == OTHER_ID
        keywords = _keywords(members, records, features)
        title = grouping.titles.get(theme_id) or theme_id
        quotes = _checked_quotes(grouping.quotes.get(theme_id, []), members, records)
        if not quotes:
            quotes = _quotes(members, records, features)
        summary = _overview(members, keywords, other)
        proposed = grouping.summaries.get(theme_id)
        if proposed is None and summariser is not None:
            proposed = summariser.summarise([records[i].text for i in members[:12]])
        if proposed and not _repeats_anyone(proposed, [records[i].text for i in members]):
            summary = proposed
        themes.append(Theme(theme_id, title, tuple(keywords), summary, tuple(quotes),
                            tuple(records[i].id for i in members), other,
                            theme_id in grouping.coded))
    themes.sort(key=lambda t: (t.other, -t.size, t.title))
    assignments = tuple(
        Assignment(r.id, grouping.theme_of[r.id], grouping.confidence.get(r.id, 0.0),
                   r.id in grouping.corrected)
        for r in records
    )
    return ThemeReport(tuple(themes), len(records), seed, assignments)


def _overview(members: Sequence[int], keywords: Sequence[str], other: bool) -> str:
    voices = f"{len(members)} voice{'' if len(members) == 1 else 's'}"
    if other:
        return f"{voices} unlike the rest and unlike each other."
    if not keywords:
        return f"{voices}."
    words = list(keywords[:3])
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{voices}; words that come up: {listed}."


def _quotes(
    members: Sequence[int], records: Sequence[ReflectionLike], features: _Features
) -> list[Quote]:
    """The sentence nearest the theme from each of its most typical reflections (up to three):
    those nearest the theme's centre."""
    centre = _mean([features.vectors[i] for i in members[:200]])
    typical = sorted(members, key=lambda i: (-cosine(features.vectors[i], centre), i))
    quotes: list[Quote] = []
    seen: list[set[str]] = []
    for i in typical:
        if len(quotes) >= MAX_QUOTES:
            break
        record = records[i]
        spans = sentence_spans(record.text)
        if not spans:
            continue
        scored = []
        for start, end in spans:
            sentence = record.text[start:end]
            vec = features.vector(sentence)
            scored.append((cosine(vec, centre) if vec else 0.0, -(end - start), start, end))
        _, _, start, end = max(scored)
        text = record.text[start:end]
        words = set(content_words(text))
        if any(words and len(words & s) / len(words | s) >= 0.5 for s in seen):
            continue
        seen.append(words)
        quotes.append(Quote(record.id, text, record.author))
    return quotes


def _checked_quotes(
    proposed: Sequence[tuple[str, str]], members: Sequence[int],
    records: Sequence[ReflectionLike],
) -> list[Quote]:
    """Proposed quotes that are verbatim in the reflection they name (in this theme)."""
    mine = {records[i].id: records[i] for i in members}
    out = []
    for rid, text in proposed:
        record = mine.get(rid)
        text = text.strip()
        if record is None or not text or text not in record.text:
            continue
        out.append(Quote(rid, text, record.author))
        if len(out) >= MAX_QUOTES:
            break
    return out


def shingles(text: str, size: int = 6) -> set[tuple[str, ...]]:
    """The runs of ``size`` words of ``text`` (lowercased)."""
    words = re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))
    return {tuple(words[k:k + size]) for k in range(len(words) - size + 1)}


def _repeats_anyone(summary: str, texts: Sequence[str]) -> bool:
    """True when ``summary`` repeats six words in a row of any reflection."""
    mine = shingles(summary)
    return any(mine & shingles(t) for t in texts)
