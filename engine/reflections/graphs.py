"""Similarity graphs over TF-IDF vectors: top-k neighbours through an inverted index, PageRank.

Comparing every pair of reflections is quadratic; at 10,000 reflections that is 50 million
cosines. Instead each reflection looks up only its strongest terms in an inverted index whose
posting lists keep the documents that weigh each term most (impact-ordered, truncated), and keeps
its ``k`` best matches. Terms in a single document link nothing and terms in most documents say
little, so neither is indexed.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from operator import itemgetter

from crossroads.engine.reflections.text import Vector

Edges = dict[tuple[int, int], float]


def top_neighbours(
    vectors: Sequence[Vector],
    *,
    k: int = 8,
    min_similarity: float = 0.1,
    query_terms: int = 10,
    posting_limit: int = 100,
    max_df: float = 0.5,
    tick: Callable[[int], None] | None = None,
) -> Edges:
    """Undirected edges ``(i, j) -> similarity`` (``i < j``) to each vector's ``k`` nearest.

    Args:
        vectors: L2-normalised sparse vectors.
        k: neighbours kept per vector.
        min_similarity: weaker links are dropped.
        query_terms: each vector looks up only its heaviest terms.
        posting_limit: each term's posting list keeps only its heaviest documents.
        max_df: terms in more than this share of the documents are not indexed (when there are
            more than 20 documents).
        tick: called with the number of vectors done, now and then.

    Returns:
        The edges; a pair found from both sides keeps the larger (approximate) similarity.
    """
    n = len(vectors)
    df: dict[int, int] = {}
    for vec in vectors:
        for t in vec:
            df[t] = df.get(t, 0) + 1
    ceiling = max_df * n if n > 20 else n
    indexed = {t for t, d in df.items() if 2 <= d <= ceiling}
    postings: dict[int, list[tuple[int, float]]] = {t: [] for t in indexed}
    for doc, vec in enumerate(vectors):
        for t, w in vec.items():
            if t in indexed:
                postings[t].append((doc, w))
    for t, plist in postings.items():
        if len(plist) > posting_limit:
            postings[t] = heapq.nlargest(posting_limit, plist, key=itemgetter(1))
    edges: Edges = {}
    step = max(1, n // 100)
    for doc, vec in enumerate(vectors):
        terms = [(t, w) for t, w in vec.items() if t in indexed]
        if len(terms) > query_terms:
            terms = heapq.nlargest(query_terms, terms, key=itemgetter(1))
        scores: dict[int, float] = {}
        get = scores.get
        for t, w in terms:
            for other, w2 in postings[t]:
                scores[other] = get(other, 0.0) + w * w2
        scores.pop(doc, None)
        for other, score in heapq.nlargest(k, scores.items(), key=itemgetter(1)):
            if score < min_similarity:
                break
            key = (doc, other) if doc < other else (other, doc)
            if score > edges.get(key, 0.0):
                edges[key] = score
        if tick and doc % step == 0:
            tick(doc)
    return edges


def pagerank(
    n: int, edges: Edges, *, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100
) -> list[float]:
    """Weighted PageRank on an undirected graph of ``n`` nodes (pure Python power iteration).

    Nodes without edges share the teleport mass like everyone else. Deterministic.
    """
    if n == 0:
        return []
    adjacency: list[list[tuple[int, float]]] = [[] for _ in range(n)]
    strength = [0.0] * n
    for (i, j), w in edges.items():
        adjacency[i].append((j, w))
        adjacency[j].append((i, w))
        strength[i] += w
        strength[j] += w
    rank = [1.0 / n] * n
    for _ in range(max_iter):
        dangling = sum(r for r, s in zip(rank, strength, strict=True) if s == 0.0)
        base = (1.0 - alpha) / n + alpha * dangling / n
        new = [base] * n
        for i in range(n):
            s = strength[i]
            if s:
                share = alpha * rank[i] / s
                for j, w in adjacency[i]:
                    new[j] += share * w
        delta = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if delta < tol:
            break
    return rank
