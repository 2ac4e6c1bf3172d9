"""Twine interop: import Twee 3 (SugarCube, Harlowe, Snowman) as a Crossroads story, and export a
story as Twee 3 with SugarCube state."""

from __future__ import annotations

from crossroads.engine.twee.export import export_twee, story_ifid
from crossroads.engine.twee.parse import Passage, TweeStory, parse_twee
from crossroads.engine.twee.to_story import ImportResult, import_twee

__all__ = ["ImportResult", "Passage", "TweeStory", "export_twee", "import_twee", "parse_twee",
           "story_ifid"]
