"""Property: mutated stories never make checking raise anything but our own error type, and
every diagnostic carries a position."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from crossroads.engine.diagnostics import CODES, StoryError
from crossroads.engine.loader import load_text
from crossroads.engine.validate import validate
from tests.conftest import FIXTURES, STORIES

SOURCES = [
    (STORIES / "first-week.yaml").read_text(encoding="utf-8"),
    (FIXTURES / "check" / "valid.yaml").read_text(encoding="utf-8"),
]
JUNK = ["[", "]", "{", "}", ":", "- ", "&a ", "*a", "!!str ", "|", ">", "\t", "'", '"', "#",
        "{if", "{end}", "%", "@", "\x00", "é", "---\n", "  ", "\n"]


def check_text(text: str) -> None:
    try:
        story = load_text(text, "m.yaml")
    except StoryError as err:
        diags = err.diagnostics
        assert diags, "a StoryError must carry at least one diagnostic"
    else:
        diags = validate(story)
    for d in diags:
        assert d.code in CODES
        assert d.line >= 1 and d.col >= 1
        assert d.file == "m.yaml"
        assert "\n" not in d.format()


@st.composite
def text_mutations(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SOURCES)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "indent", "dedent", "junk", "rename", "dup"]))
        if kind == "delete" and len(lines) > 1:
            del lines[i]
        elif kind == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        elif kind == "dedent":
            lines[i] = lines[i].lstrip()
        elif kind == "junk":
            pos = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:pos] + draw(st.sampled_from(JUNK)) + lines[i][pos:]
        elif kind == "rename":
            words = lines[i].split(":")
            if len(words) > 1:
                words[-1] = " " + draw(st.sampled_from(["nowhere", "inbox", "[]", "{}", "3", "~"]))
                lines[i] = ":".join(words)
        elif kind == "dup":
            lines.insert(i, lines[i])
    return "\n".join(lines) + "\n"


def _walk(node: Any, out: list[tuple[Any, Any]]) -> None:
    if isinstance(node, dict):
        for k in list(node):
            out.append((node, k))
            _walk(node[k], out)
    elif isinstance(node, list):
        for i in range(len(node)):
            out.append((node, i))
            _walk(node[i], out)


@st.composite
def data_mutations(draw: st.DrawFn) -> str:
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load(draw(st.sampled_from(SOURCES)))
    for _ in range(draw(st.integers(1, 3))):
        slots: list[tuple[Any, Any]] = []
        _walk(data, slots)
        parent, key = draw(st.sampled_from(slots))
        kind = draw(st.sampled_from(["delete", "swap", "retarget"]))
        if kind == "delete":
            del parent[key]
        elif kind == "swap":
            parent[key] = draw(
                st.sampled_from([None, 7, -1, True, "text", [], {}, ["a", 1], {"x": {"y": 1}}])
            )
        else:
            parent[key] = draw(st.sampled_from(["nowhere", "inbox", "start", "calendar"]))
    buf = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, buf)
    return buf.getvalue()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_mutations())
def test_text_mutations_only_raise_story_errors(text: str) -> None:
    check_text(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data_mutations())
def test_data_mutations_only_raise_story_errors(text: str) -> None:
    check_text(text)
