"""Generate the format reference in ``docs/authoring.md`` from the story's JSON Schema.

The tables come from :func:`crossroads.engine.schema.story_schema`, which is generated from the
very pydantic
models the loader validates with, so the guide cannot drift from the format: a test fails when the
committed reference is stale. Refresh it with::

    python -m devtools.docs_gen            # rewrite the reference section of docs/authoring.md
    python -m devtools.docs_gen --check    # exit 1 when it is stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from crossroads.engine.schema import story_schema

BEGIN = "<!-- BEGIN GENERATED REFERENCE: python -m devtools.docs_gen -->"
END = "<!-- END GENERATED REFERENCE -->"
DEFAULT_DOC = Path(__file__).resolve().parent.parent / "docs" / "authoring.md"

#: Sections in reading order: the JSON Schema definition name and what it is called in the guide.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("Story", "the top level of a story file"),
    ("Scene", "each entry under `scenes:`"),
    ("Choice", "each entry under a scene's `choices:`"),
    ("Reflect", "a scene's `reflect:`"),
    ("Ending", "a scene's `ending:`"),
    ("CheckinItem", "each entry under a scene's `checkin:`"),
    ("CastMember", "each entry under `cast:`"),
    ("Meter", "each entry under `meters:`"),
)

_SCALARS = {"string": "text", "integer": "integer", "boolean": "true/false", "null": "null"}


def type_name(prop: dict[str, Any]) -> str:
    """Describe a JSON Schema property's type in a few words (``list of text``, ``Choice``…)."""
    if "$ref" in prop:
        name = str(prop["$ref"]).rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "const" in prop:
        return f"`{json.dumps(prop['const'])}`"
    if "enum" in prop:
        return " or ".join(f"`{v}`" for v in prop["enum"])
    if "anyOf" in prop:
        parts = [type_name(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(dict.fromkeys(parts))
    kind = prop.get("type")
    if kind == "array":
        return f"list of {type_name(prop.get('items', {}))}"
    if kind == "object":
        values = prop.get("additionalProperties")
        if isinstance(values, dict):
            return f"map of name → {type_name(values)}"
        patterns = prop.get("patternProperties")
        if isinstance(patterns, dict) and patterns:
            return f"map of id → {type_name(next(iter(patterns.values())))}"
        return "map"
    if isinstance(kind, str):
        return _SCALARS.get(kind, kind)
    return "any"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _default(prop: dict[str, Any], required: bool) -> str:
    if required:
        return "**required**"
    if "default" in prop:
        value = prop["default"]
        return "—" if value is None else f"`{json.dumps(value, ensure_ascii=False)}`"
    return "empty"


def render_table(definition: dict[str, Any]) -> str:
    """Render one model's properties as a Markdown table (key, type, default, meaning)."""
    required = set(definition.get("required", []))
    rows = ["| Key | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
    for key, prop in definition.get("properties", {}).items():
        rows.append(
            f"| `{key}` | {_cell(type_name(prop))} | {_default(prop, key in required)} "
            f"| {_cell(prop.get('description', ''))} |"
        )
    return "\n".join(rows)


def render_reference(schema: dict[str, Any] | None = None) -> str:
    """Render the whole format reference (one section per model), without the markers."""
    schema = schema if schema is not None else story_schema()
    defs: dict[str, Any] = dict(schema.get("$defs", {}))
    defs["Story"] = schema
    out: list[str] = []
    for name, where in SECTIONS:
        definition = defs[name]
        out.append(f"### {name}")
        out.append("")
        summary = _cell(definition.get("description", ""))
        out.append(f"{summary} Used for {where}.".strip())
        out.append("")
        out.append(render_table(definition))
        out.append("")
    missing = sorted(set(defs) - {name for name, _ in SECTIONS})
    if missing:  # a new model: still documented, at the end
        for name in missing:
            out.extend([f"### {name}", "", render_table(defs[name]), ""])
    return "\n".join(out).rstrip() + "\n"


def replace_reference(document: str, reference: str | None = None) -> str:
    """Return ``document`` with the text between the markers replaced by the reference.

    Raises:
        ValueError: the markers are missing or out of order.
    """
    start = document.find(BEGIN)
    end = document.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the document has no {BEGIN!r} … {END!r} section")
    body = reference if reference is not None else render_reference()
    return document[: start + len(BEGIN)] + "\n\n" + body + "\n" + document[end:]


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite (or with ``--check``, verify) the reference section of the authoring guide."""
    parser = argparse.ArgumentParser(prog="python -m devtools.docs_gen", description=__doc__)
    parser.add_argument("doc", nargs="?", type=Path, default=DEFAULT_DOC)
    parser.add_argument("--check", action="store_true", help="exit 1 when the doc is stale")
    args = parser.parse_args(argv)
    text = args.doc.read_text(encoding="utf-8")
    fresh = replace_reference(text)
    if args.check:
        if fresh != text:
            print(f"{args.doc}: the format reference is stale; run python -m devtools.docs_gen")
            return 1
        return 0
    if fresh != text:
        args.doc.write_text(fresh, encoding="utf-8")
        print(f"updated {args.doc}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
