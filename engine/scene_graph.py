"""The scene graph of a story as a networkx directed graph.

networkx is imported when a graph is built, not when this module is imported, so that
``crossroads play`` of a known-valid story starts without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crossroads.engine.model import Story

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["scene_graph"]


def scene_graph(story: Story) -> nx.DiGraph:
    """The scene graph: one node per scene, an edge per choice target and per ``next``.

    Targets that name no scene are left out (the validator reports them).

    Args:
        story: a loaded story, validated or not.

    Returns:
        A directed graph whose nodes are scene ids.
    """
    import networkx as nx

    g = nx.DiGraph()
    g.add_nodes_from(story.scenes)
    scenes = story.scenes
    for sid, scene in scenes.items():
        for choice in scene.choices:
            if choice.to in scenes:
                g.add_edge(sid, choice.to)
        if scene.next is not None and scene.next in scenes:
            g.add_edge(sid, scene.next)
    return g
