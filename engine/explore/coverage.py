"""Reflection coverage on a graph of play states (or of scenes).

Two numbers answer "does every learner get to reflect?":

* the fewest reflection prompts any path from the start to an ending passes (0-1 BFS, where
  entering a reflection node costs 1), with the path that achieves it;
* the longest run of steps (choices; a Continue counts as one) between two prompts, or between
  the start or an ending and the nearest prompt. A loop without a prompt that can still reach an
  ending makes it unbounded (``None``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ReflectionCoverage:
    """Reflection prompts along the paths to an ending."""

    min_prompts: int | None
    """Fewest prompts on a path to an ending (``None`` when no ending is reachable)."""
    min_path: tuple[int, ...]
    """The nodes of a path achieving ``min_prompts``."""
    longest_run: int | None
    """Longest run of steps with no prompt between; ``None`` when a prompt-free loop makes it
    unbounded."""
    basis: str
    """``"states"`` (exhaustive exploration) or ``"scenes"`` (the scene graph)."""


def reflection_coverage(
    n: int,
    succ: Callable[[int], Sequence[int]],
    reflect: Callable[[int], bool],
    ending: Callable[[int], bool],
    basis: str,
    start: int = 0,
) -> ReflectionCoverage:
    """Compute :class:`ReflectionCoverage` on a graph of ``n`` nodes reachable from ``start``."""
    # fewest prompts: 0-1 BFS
    inf = n * 2 + 2
    dist = [inf] * n
    parent = [-1] * n
    dist[start] = 1 if reflect(start) else 0
    dq: deque[int] = deque([start])
    while dq:
        u = dq.popleft()
        du = dist[u]
        for v in succ(u):
            w = 1 if reflect(v) else 0
            if du + w < dist[v]:
                dist[v] = du + w
                parent[v] = u
                if w:
                    dq.append(v)
                else:
                    dq.appendleft(v)
    best = min((v for v in range(n) if ending(v) and dist[v] < inf), key=lambda v: dist[v],
               default=-1)
    if best < 0:
        return ReflectionCoverage(None, (), None, basis)
    path = [best]
    while parent[path[-1]] >= 0:
        path.append(parent[path[-1]])
    path.reverse()

    # nodes from which an ending can be reached
    preds: list[list[int]] = [[] for _ in range(n)]
    for u in range(n):
        for v in succ(u):
            preds[v].append(u)
    alive = [False] * n
    stack = [v for v in range(n) if ending(v)]
    for v in stack:
        alive[v] = True
    while stack:
        v = stack.pop()
        for u in preds[v]:
            if not alive[u]:
                alive[u] = True
                stack.append(u)

    # longest run: a reflection node is split into a sink (in) and a source (out)
    indeg = [0] * (2 * n)
    out_edges: list[list[int]] = [[] for _ in range(2 * n)]
    for u in range(n):
        if not alive[u]:
            continue
        for v in succ(u):
            if alive[v]:
                target = n + v if reflect(v) else v
                out_edges[u].append(target)
                indeg[target] += 1
    nodes = [u for u in range(n) if alive[u]] + [n + u for u in range(n) if alive[u] and reflect(u)]
    longest = [0] * (2 * n)
    ready = [u for u in nodes if indeg[u] == 0]
    done = 0
    while ready:
        u = ready.pop()
        done += 1
        for t in out_edges[u]:
            if longest[u] + 1 > longest[t]:
                longest[t] = longest[u] + 1
            indeg[t] -= 1
            if indeg[t] == 0:
                ready.append(t)
    run = None if done < len(nodes) else max((longest[u] for u in nodes), default=0)
    return ReflectionCoverage(dist[best], tuple(path), run, basis)
