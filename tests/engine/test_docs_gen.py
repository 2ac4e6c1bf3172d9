"""The authoring guide's format reference is generated from the schema and must not go stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.engine.diagnostics import CODES
from crossroads.engine.schema import story_schema
from devtools.docs_gen import (
    BEGIN,
    DEFAULT_DOC,
    END,
    main,
    render_reference,
    render_table,
    replace_reference,
    type_name,
)
from tests.conftest import ROOT

DOC = ROOT / "docs" / "authoring.md"


def test_default_doc_is_the_guide() -> None:
    assert DEFAULT_DOC == DOC


def test_committed_reference_is_fresh() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert replace_reference(text) == text, (
        "docs/authoring.md's format reference is stale: run python -m devtools.docs_gen"
    )


def test_reference_documents_every_key_of_every_model() -> None:
    schema = story_schema()
    reference = render_reference(schema)
    models = {"Story": schema, **schema["$defs"]}
    for name, definition in models.items():
        assert f"### {name}\n" in reference
        for key in definition["properties"]:
            assert f"| `{key}` |" in reference, (name, key)


def test_guide_lists_every_diagnostic_code() -> None:
    text = DOC.read_text(encoding="utf-8")
    for code, name in CODES.items():
        assert f"| {code} | {name} |" in text, code


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ({"type": "string"}, "text"),
        ({"anyOf": [{"type": "integer"}, {"type": "null"}]}, "integer"),
        ({"$ref": "#/$defs/Choice"}, "[Choice](#choice)"),
        ({"type": "array", "items": {"$ref": "#/$defs/Scene"}}, "list of [Scene](#scene)"),
        ({"enum": ["good", "hard"]}, "`good` or `hard`"),
        ({"const": "crossroads/1"}, '`"crossroads/1"`'),
        (
            {"type": "object", "patternProperties": {"^x$": {"$ref": "#/$defs/Meter"}}},
            "map of id → [Meter](#meter)",
        ),
        ({"type": "object", "additionalProperties": {"type": "integer"}}, "map of name → integer"),
    ],
)
def test_type_names(prop: dict[str, object], expected: str) -> None:
    assert type_name(prop) == expected


def test_table_marks_required_and_escapes_pipes() -> None:
    table = render_table(
        {
            "properties": {
                "a": {"type": "string", "description": "one | two"},
                "b": {"type": "boolean", "default": False, "description": "flag"},
            },
            "required": ["a"],
        }
    )
    lines = table.splitlines()
    assert lines[2] == "| `a` | text | **required** | one \\| two |"
    assert lines[3] == "| `b` | true/false | `false` | flag |"


def test_replace_reference_needs_markers() -> None:
    with pytest.raises(ValueError):
        replace_reference("no markers here")
    doc = f"intro\n{BEGIN}\nold\n{END}\noutro\n"
    fresh = replace_reference(doc, "NEW\n")
    assert fresh == f"intro\n{BEGIN}\n\nNEW\n\n{END}\noutro\n"


def test_main_checks_and_rewrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "guide.md"
    doc.write_text(f"# Guide\n{BEGIN}\nstale\n{END}\n", encoding="utf-8")
    assert main([str(doc), "--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert main([str(doc)]) == 0
    assert "| `scenes` |" in doc.read_text(encoding="utf-8")
    assert main([str(doc), "--check"]) == 0
