"""The story format's JSON Schema, generated from the very models the loader validates with."""

from __future__ import annotations

from typing import Any

from crossroads.engine.model import FORMAT, Story


def story_schema() -> dict[str, Any]:
    """Return the JSON Schema of a crossroads/1 story (for editors' completion and hover)."""
    schema = Story.model_json_schema(by_alias=True, mode="validation")
    # yaml-language-server documents support for draft-07 and below; the $defs pointers that
    # pydantic writes resolve as plain JSON pointers there too.
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["$id"] = "https://crossroads.invalid/schema/story.schema.json"
    schema["title"] = f"Crossroads story ({FORMAT})"
    return schema
