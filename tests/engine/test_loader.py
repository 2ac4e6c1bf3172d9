"""Loading: every problem is one positioned diagnostic, never a traceback; nothing executes."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.engine.diagnostics import StoryError
from crossroads.engine.loader import find_story_files, load_path, load_text
from tests.conftest import FIXTURES, STORIES


def codes_at(text: str) -> list[tuple[str, int, int]]:
    with pytest.raises(StoryError) as err:
        load_text(text, "s.yaml")
    return [(d.code, d.line, d.col) for d in err.value.diagnostics]


MINIMAL = """\
format: crossroads/1
id: tiny
title: Tiny
start: a
scenes:
  a:
    text: Hi
    next: b
  b:
    ending: {kind: good, title: End}
"""


def test_loads_with_positions() -> None:
    story = load_text(MINIMAL, "tiny.yaml")
    assert story.id == "tiny"
    assert story.source.key(("scenes", "b")) == (9, 3)
    assert story.source.value(("scenes", "a", "next")) == (8, 11)
    assert story.source.value(("scenes", "b", "ending", "kind")) == (10, 20)


def test_shipped_example_loads() -> None:
    story = load_path(STORIES / "first-week.yaml")
    assert len(story.scenes) >= 8
    assert story.source.file.endswith("first-week.yaml")


@pytest.mark.parametrize(
    "payload",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/new:subprocess.check_output [["touch", "{marker}"]]',
        "!!python/name:os.system",
        '!!python/object/apply:builtins.exec ["open(\'{marker}\', \'w\')"]',
        '!custom "{marker}"',
    ],
)
def test_yaml_tags_are_refused_and_nothing_runs(payload: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"format: crossroads/1\nid: {payload.format(marker=marker)}\n"
    assert [c for c, _, _ in codes_at(text)] == ["CR106"]
    assert codes_at(text)[0][1:] == (2, 5)
    assert not marker.exists()


def test_billion_laughs_is_refused_quickly() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    assert [c for c, _, _ in codes_at("\n".join(lines) + "\n")] == ["CR107"]


@pytest.mark.parametrize(
    "text",
    ["[" * 20_000 + "]" * 20_000, "a: " + "{a: " * 20_000 + "1" + "}" * 20_000,
     "".join("  " * i + "- x:\n" for i in range(300))],
)
def test_deep_nesting_is_refused(text: str) -> None:
    found = codes_at(text)
    assert [c for c, _, _ in found] == ["CR108"]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("format: crossroads/1\ntitle: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(StoryError) as err:
        load_path(path)
    (diag,) = err.value.diagnostics
    assert (diag.code, diag.line, diag.col) == ("CR102", 2, 11)
    assert "UTF-8" in diag.message


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n"])
def test_empty(text: str) -> None:
    assert [c for c, _, _ in codes_at(text)] == ["CR103"]


@pytest.mark.parametrize(("text", "code"), [("- a\n- b\n", "CR104"), ("just text\n", "CR104")])
def test_top_level_must_be_a_mapping(text: str, code: str) -> None:
    assert codes_at(text) == [(code, 1, 1)]


def test_duplicate_keys() -> None:
    assert codes_at(MINIMAL.replace("    next: b\n", "    next: b\n    next: a\n")) == [
        ("CR105", 9, 5)
    ]


def test_syntax_error_position() -> None:
    text = MINIMAL.replace("title: Tiny", "title: [Tiny")
    (code, line, _col) = codes_at(text)[0]
    assert code == "CR101" and line in (3, 4)


def test_unknown_key_wrong_type_missing_field() -> None:
    text = (
        MINIMAL.replace("    text: Hi\n", "    txt: Hi\n")
        .replace("kind: good", "kind: great")
        .replace("title: Tiny\n", "")
    )
    found = codes_at(text)
    assert ("CR110", 6, 5) in found
    assert ("CR112", 9, 20) in found
    assert ("CR111", 1, 1) in found


def test_effects_must_be_signed_numbers() -> None:
    text = MINIMAL.replace("    next: b\n", "    choices:\n      - say: x\n        to: b\n"
                           "        effects: {trust: lots}\n")
    assert codes_at(text) == [("CR112", 11, 26)]


def test_wrong_format_version() -> None:
    assert codes_at(MINIMAL.replace("crossroads/1", "crossroads/9")) == [("CR113", 1, 9)]


def test_several_documents() -> None:
    assert [c for c, _, _ in codes_at(MINIMAL + "---\na: 1\n")] == ["CR101"]


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(StoryError) as err:
        find_story_files([tmp_path / "nope.yaml", tmp_path])
    assert sorted(d.code for d in err.value.diagnostics) == ["CR100", "CR109"]
    with pytest.raises(StoryError) as err2:
        load_path(tmp_path / "nope.yaml")
    assert err2.value.diagnostics[0].code == "CR100"


def test_folder_expansion_is_sorted_and_recursive(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.yaml", "a.yml", "sub/c.yaml", "notes.txt"):
        (tmp_path / name).write_text(MINIMAL)
    found = [p.relative_to(tmp_path).as_posix() for p in find_story_files([tmp_path])]
    assert found == ["a.yml", "b.yaml", "sub/c.yaml"]


def test_fixture_valid_story_loads() -> None:
    story = load_path(FIXTURES / "check" / "valid.yaml")
    assert set(story.scenes) == {"one", "two", "good-end", "bad-end"}


def test_a_bad_scene_id_is_reported_at_the_key() -> None:
    text = MINIMAL.replace("  b:\n", "  the end:\n").replace("next: b", "next: the end")
    found = codes_at(text)
    assert ("CR112", 9, 3) in found
