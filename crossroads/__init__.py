"""Crossroads: a point-of-view scenario engine for branching narratives that teach empathy.

The distribution installs one top-level package, ``crossroads``, holding ``crossroads.engine`` (the
domain core), ``crossroads.tui`` (the terminal player and the command line) and the shipped
``stories`` and ``schema`` as package data. In a checkout these are the top-level folders
``engine/``, ``tui/``, ``stories/`` and ``schema/``, linked here.
"""

__version__ = "0.2.0"
