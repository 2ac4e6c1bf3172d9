"""Comparing paths: where two part, how alike they are, and where a whole group parts.

A path is the sequence of steps a playthrough took, each step a ``(scene, choice key)`` pair;
since a choice always leads to the same scene, the steps determine the scenes visited.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from itertools import combinations
from typing import Any

from crossroads.engine.cohort.model import Divergence

Step = tuple[str, str]
"""(scene, choice key)."""


def first_divergence(a: Sequence[Step], b: Sequence[Step]) -> tuple[int, str | None]:
    """How many steps two paths share before parting, and the scene where they part.

    The scene is None when one path is a prefix of the other (one stopped, or both are equal).
    """
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            return n, x[0]
        n += 1
    return n, None


def divergences(paths: dict[str, Sequence[Step]]) -> list[Divergence]:
    """Where each pair of the named paths first parts (pairs in the mapping's order)."""
    out = []
    for (a, pa), (b, pb) in combinations(paths.items(), 2):
        step, scene = first_divergence(pa, pb)
        out.append(Divergence(a, b, scene, step))
    return out


def similarity(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """How alike two paths are: shared steps ÷ all steps (as multisets), 1.0 for equal paths."""
    if not a and not b:
        return 1.0
    ca, cb = Counter(a), Counter(b)
    union = sum((ca | cb).values())
    return sum((ca & cb).values()) / union


def similarity_matrix(paths: Sequence[Sequence[Hashable]]) -> list[list[float]]:
    """The symmetric matrix of :func:`similarity` between every two paths."""
    counters = [Counter(p) for p in paths]
    n = len(paths)
    out = [[1.0] * n for _ in range(n)]
    for i, j in combinations(range(n), 2):
        union = sum((counters[i] | counters[j]).values())
        value = sum((counters[i] & counters[j]).values()) / union if union else 1.0
        out[i][j] = out[j][i] = round(value, 4)
    return out


def split_pairs(paths: Iterable[tuple[tuple[Any, ...], int]], scene_of: Sequence[str]
                ) -> Counter[str]:
    """For weighted paths of step tokens, how many pairs of paths part at each scene.

    ``paths`` gives (tokens, number of playthroughs that took exactly that path); ``scene_of``
    maps a token to its scene. Built as a prefix tree over distinct paths, so the cost is the
    total length of the distinct paths, whatever the number of pairs. Pairs where one path merely
    stops are not counted: only different choices at the same point.
    """
    root: dict[Any, Any] = {}
    weights: dict[int, int] = {}  # id(node) -> playthroughs passing through it
    for tokens, weight in paths:
        node = root
        for token in tokens:
            child = node.get(token)
            if child is None:
                child = node[token] = {}
            weights[id(child)] = weights.get(id(child), 0) + weight
            node = child
    out: Counter[str] = Counter()
    stack = [root]
    while stack:
        node = stack.pop()
        if len(node) > 1:
            counts = [weights[id(child)] for child in node.values()]
            total = sum(counts)
            pairs = (total * total - sum(c * c for c in counts)) // 2
            out[scene_of[next(iter(node))]] += pairs
        stack.extend(node.values())
    return out
