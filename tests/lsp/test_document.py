"""The scene-by-scene check reports exactly what ``crossroads check`` reports, edit after edit."""

from __future__ import annotations

import ast
import random
import sys
from pathlib import Path

import pytest

from crossroads.engine.diagnostics import Diagnostic, StoryError, sort_key
from crossroads.engine.loader import load_text
from crossroads.engine.validate import validate
from crossroads.lsp.document import StoryDocument
from tests.conftest import FIXTURES, ROOT, STORIES

sys.path.insert(0, str(ROOT / "benchmarks"))
from synth import synth_story


def _check(text: str, file: str) -> list[str]:
    """What ``check`` reports for the text (load, then validate), one line each."""
    try:
        story = load_text(text, file)
    except StoryError as err:
        return [d.format() for d in sorted(err.diagnostics, key=sort_key)]
    return [d.format() for d in sorted(validate(story), key=sort_key)]


def _lines(diags: list[Diagnostic]) -> list[str]:
    return [d.format() for d in diags]


def _mutations(text: str, rng: random.Random, count: int) -> list[str]:
    """Edits an author might make mid-typing: a line deleted, doubled, or one character changed."""
    lines = text.split("\n")
    out = []
    for _ in range(count):
        edited = list(lines)
        i = rng.randrange(len(edited))
        op = rng.choice(("delete", "double", "type"))
        if op == "delete":
            del edited[i]
        elif op == "double":
            edited.insert(i, edited[i])
        elif edited[i].strip():
            j = rng.randrange(len(edited[i]))
            edited[i] = edited[i][:j] + rng.choice("xa_ 1:[{") + edited[i][j + 1 :]
        out.append("\n".join(edited))
    return out


STORY_FILES = sorted(STORIES.glob("*.yaml")) + sorted(FIXTURES.glob("check/*.yaml")) + [
    FIXTURES / "explore_broken.yaml",
    FIXTURES / "gaps.yaml",
]


@pytest.mark.parametrize("path", STORY_FILES, ids=lambda p: p.name)
def test_every_edit_reports_what_check_reports(path: Path) -> None:
    text = path.read_text()
    doc = StoryDocument(str(path))
    assert doc.update(text).incremental  # these stories are cut into scenes, not checked whole
    assert _lines(doc.analysis.diagnostics) == _check(text, str(path))
    for edited in _mutations(text, random.Random(path.name), 40):
        assert _lines(doc.update(edited).diagnostics) == _check(edited, str(path))
    assert _lines(doc.update(text).diagnostics) == _check(text, str(path))


def test_renaming_a_scene_reuses_the_other_scenes_and_stays_exact() -> None:
    text = synth_story(200)
    doc = StoryDocument("synth.yaml")
    doc.update(text)
    before = {id(block) for block, _ in doc._layout}
    edited = text.replace("  s57:\n", "  s57b:\n")
    assert _lines(doc.update(edited).diagnostics) == _check(edited, "synth.yaml")
    assert len({id(block) for block, _ in doc._layout} - before) == 1


def test_a_story_with_keys_after_its_scenes_is_checked_whole() -> None:
    text = (STORIES / "first-week.yaml").read_text()
    moved = text.replace("pov: akira\n", "") + "pov: akira\n"
    doc = StoryDocument("moved.yaml")
    analysis = doc.update(moved)
    assert not analysis.incremental
    assert _lines(analysis.diagnostics) == _check(moved, "moved.yaml")


def test_the_server_package_never_imports_the_terminal_ui() -> None:
    for path in sorted((ROOT / "lsp").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            assert not any(n.startswith(("crossroads.tui", "textual", "rich")) for n in names), (
                path.name
            )
