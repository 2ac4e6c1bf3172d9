"""Reflection coverage on a graph of play states (or of scenes), and which nodes can still end.

Two numbers answer "does every learner get to reflect?":

* the fewest reflection prompts any path from the start to an ending passes (a shortest path
  where entering a reflection node costs 1, and so does taking an edge that asks a prompt of its
  own: a choice's ``reflect:``), with the path that achieves it;
* the longest run of steps (choices; a Continue counts as one) between two prompts, or between
  the start or an ending and the nearest prompt. A choice's prompt is asked right after the
  choice, so the run ends with that step and the next one starts at the scene it leads to. A
  loop without a prompt that can still reach an ending makes it unbounded (``None``).

Graphs are given in compressed form: the successors of node ``u`` are
``edges[offsets[u]:offsets[u + 1]]``; successors numbered ``n`` or more are ignored. The prompts
on edges, when there are any, are ``edge_reflect[j]`` (1 or 0) for ``edges[j]``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
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


def alive(n: int, edges: Sequence[int], offsets: Sequence[int], ending: Sequence[int]) -> bytearray:
    """Which of the ``n`` nodes can reach an ending node (``ending[u]`` true)."""
    count = [0] * n
    for j in range(offsets[n]):
        v = edges[j]
        if v < n:
            count[v] += 1
    start = [0] * (n + 1)
    for v in range(n):
        start[v + 1] = start[v] + count[v]
    fill = start[:n]
    preds = [0] * start[n]
    for u in range(n):
        for j in range(offsets[u], offsets[u + 1]):
            v = edges[j]
            if v < n:
                preds[fill[v]] = u
                fill[v] += 1
    ok = bytearray(n)
    stack = [u for u in range(n) if ending[u]]
    for u in stack:
        ok[u] = 1
    while stack:
        v = stack.pop()
        for j in range(start[v], start[v + 1]):
            u = preds[j]
            if not ok[u]:
                ok[u] = 1
                stack.append(u)
    return ok


def reflection_coverage(
    n: int,
    edges: Sequence[int],
    offsets: Sequence[int],
    reflect: Sequence[int],
    ending: Sequence[int],
    live: Sequence[int],
    basis: str,
    start: int = 0,
    edge_reflect: Sequence[int] | None = None,
) -> ReflectionCoverage:
    """Compute :class:`ReflectionCoverage`; ``live`` is :func:`alive`'s answer."""
    inf = 2 * n + 2
    dist = [inf] * n
    parent = [-1] * n
    dist[start] = reflect[start]
    if edge_reflect is None:  # 0-1 BFS: only nodes ask
        dq: deque[int] = deque([start])
        while dq:
            u = dq.popleft()
            du = dist[u]
            for j in range(offsets[u], offsets[u + 1]):
                v = edges[j]
                if v >= n:
                    continue
                w = reflect[v]
                if du + w < dist[v]:
                    dist[v] = du + w
                    parent[v] = u
                    if w:
                        dq.append(v)
                    else:
                        dq.appendleft(v)
    else:  # a step costs 0, 1 or 2: one bucket per distance (Dial's algorithm)
        buckets: list[list[int]] = [[] for _ in range(dist[start] + 1)]
        buckets[dist[start]].append(start)
        d = 0
        while d < len(buckets):
            bucket = buckets[d]
            i = 0
            while i < len(bucket):  # weight-0 steps append to the bucket being read
                u = bucket[i]
                i += 1
                if dist[u] != d:
                    continue  # met again later at a greater distance
                for j in range(offsets[u], offsets[u + 1]):
                    v = edges[j]
                    if v >= n:
                        continue
                    dv = d + reflect[v] + edge_reflect[j]
                    if dv < dist[v]:
                        dist[v] = dv
                        parent[v] = u
                        while len(buckets) <= dv:
                            buckets.append([])
                        buckets[dv].append(v)
            d += 1
    best, best_d = -1, inf
    for v in range(n):
        if ending[v] and dist[v] < best_d:
            best, best_d = v, dist[v]
    if best < 0:
        return ReflectionCoverage(None, (), None, basis)
    path = [best]
    while parent[path[-1]] >= 0:
        path.append(parent[path[-1]])
    path.reverse()

    # Longest run: a live reflection node v is split into a sink v + n (where a run ends) and a
    # source v (where the next begins); Kahn's algorithm gives longest paths, or finds a cycle.
    # An edge that asks a prompt of its own ends a run and starts none: it is left out.
    indeg = [0] * (2 * n)
    for u in range(n):
        if live[u]:
            for j in range(offsets[u], offsets[u + 1]):
                v = edges[j]
                if v < n and live[v] and not (edge_reflect is not None and edge_reflect[j]):
                    indeg[v + n if reflect[v] else v] += 1
    longest = [0] * (2 * n)
    ready = [u for u in range(n) if live[u] and not indeg[u]]
    ready += [u + n for u in range(n) if live[u] and reflect[u] and not indeg[u + n]]
    total = sum(1 for u in range(n) if live[u]) + sum(1 for u in range(n) if live[u] and reflect[u])
    done = 0
    run = 0
    while ready:
        u = ready.pop()
        done += 1
        lu = longest[u] + 1
        if u >= n:
            continue
        for j in range(offsets[u], offsets[u + 1]):
            v = edges[j]
            if v >= n or not live[v]:
                continue
            if edge_reflect is not None and edge_reflect[j]:
                if lu > run:
                    run = lu  # the run ends with this step, at the choice's prompt
                continue
            t = v + n if reflect[v] else v
            if lu > longest[t]:
                longest[t] = lu
                if lu > run:
                    run = lu
            indeg[t] -= 1
            if not indeg[t]:
                ready.append(t)
    return ReflectionCoverage(dist[best], tuple(path), None if done < total else run, basis)


def dag_coverage(
    n: int,
    edges: Sequence[int],
    offsets: Sequence[int],
    order: Sequence[int],
    reflect: Sequence[int],
    ending: Sequence[int],
    basis: str,
    edge_reflect: Sequence[int] | None = None,
) -> tuple[ReflectionCoverage, bytearray]:
    """:func:`reflection_coverage` and :func:`alive` for an acyclic graph in one backward and one
    forward pass over ``order`` (a topological order of the nodes reachable from node 0)."""
    live = bytearray(n)
    for u in reversed(order):
        if ending[u]:
            live[u] = 1
            continue
        for j in range(offsets[u], offsets[u + 1]):
            v = edges[j]
            if v < n and live[v]:
                live[u] = 1
                break
    inf = 2 * n + 2
    dist = [inf] * n
    parent = [-1] * n
    run_in = [0] * n
    dist[0] = reflect[0]
    run = 0
    for u in order:
        if not live[u]:
            continue
        du = dist[u]
        ru = 1 if reflect[u] else run_in[u] + 1
        for j in range(offsets[u], offsets[u + 1]):
            v = edges[j]
            if v >= n or not live[v]:
                continue
            asks = edge_reflect[j] if edge_reflect is not None else 0
            d = du + reflect[v] + asks
            if d < dist[v]:
                dist[v] = d
                parent[v] = u
            if asks:
                if ru > run:
                    run = ru  # the run ends with this step, at the choice's prompt
                continue
            if ru > run_in[v]:
                run_in[v] = ru
                if ru > run:
                    run = ru
    best, best_d = -1, inf
    for v in range(n):
        if ending[v] and dist[v] < best_d:
            best, best_d = v, dist[v]
    if best < 0:
        return ReflectionCoverage(None, (), None, basis), live
    path = [best]
    while parent[path[-1]] >= 0:
        path.append(parent[path[-1]])
    path.reverse()
    return ReflectionCoverage(best_d, tuple(path), run, basis), live
