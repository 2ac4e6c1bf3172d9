"""Export then import: the same scenes, links, conditions and effects; a stable IFID; and the
extwee oracle (passage count and start passage of every fixture; compiling exported Twee)."""

from __future__ import annotations

import html
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from crossroads.engine import expressions as ex
from crossroads.engine.effects import parse_effect
from crossroads.engine.loader import load_path, load_text
from crossroads.engine.model import Story
from crossroads.engine.paths import stories_dir
from crossroads.engine.twee import export_twee, import_twee, parse_twee, story_ifid
from crossroads.engine.twee.to_story import SPECIAL_TAGS
from crossroads.engine.validate import validate
from tests.engine.twee.conftest import FIXTURES, extwee

SHIPPED = sorted(stories_dir().glob("*.yaml"))


def shape(story: Story) -> dict[str, list[tuple[str, str, dict[str, tuple[str, int]], list[str],
                                                 list[str]]]]:
    """Scenes → their ways on: target, condition (canonical), effects, set, clear."""
    out = {}
    for sid, scene in story.scenes.items():
        ways = [(c.to, ex.to_source(ex.parse(c.if_)) if c.if_ else "",
                 {k: parse_effect(v) for k, v in c.effects.items()}, sorted(c.set),
                 sorted(c.clear)) for c in scene.choices]
        if scene.next:
            ways.append((scene.next, "", {}, [], []))
        out[sid] = ways
    return out


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_round_trip_keeps_scenes_links_conditions_and_effects(path: Path) -> None:
    story = load_path(path)
    result = import_twee(export_twee(story), f"{story.id}.twee", story.id)
    assert [d.format() for d in result.diagnostics if d.severity != "info"] == []
    back = load_text(result.yaml, f"{story.id}.yaml")
    assert shape(back) == shape(story)
    assert back.start == story.start
    assert {k: (m.min, m.max, m.initial) for k, m in back.meters.items()} == \
        {k: (m.min, m.max, m.initial) for k, m in story.meters.items()}
    assert sorted(back.flags) == sorted(story.flags)
    assert {s: sc.ending.kind for s, sc in back.scenes.items() if sc.ending} == \
        {s: sc.ending.kind for s, sc in story.scenes.items() if sc.ending}
    assert [d for d in validate(back) if d.severity == "error"] == []


def test_ifid_is_stable_uuid5_upper_case() -> None:
    ifid = story_ifid("first-week")
    assert ifid == story_ifid("first-week") != story_ifid("break-room")
    assert ifid == ifid.upper() and uuid.UUID(ifid).version == 5
    text = export_twee(load_path(stories_dir() / "first-week.yaml"))
    assert f'"ifid": "{ifid}"' in text and '"format": "SugarCube"' in text


FIXTURE_FILES = sorted(FIXTURES.glob("*.twee"))


def _compile(twee: Path, out: Path) -> str:
    run = subprocess.run([*extwee(), "-c", "-i", str(twee), "-o", str(out), "-s",
                          str(FIXTURES / "format.js")], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr + run.stdout
    return out.read_text(encoding="utf-8")


def _passages(page: str) -> tuple[list[str], str]:
    names = {m.group(1): html.unescape(m.group(2)) for m in
             re.finditer(r'<tw-passagedata pid="(\d+)" name="([^"]*)"', page)}
    start = re.search(r'<tw-storydata[^>]*\bstartnode="(\d+)"', page)
    assert start is not None
    return sorted(names.values()), names[start.group(1)]


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[p.stem for p in FIXTURE_FILES])
def test_extwee_agrees_on_passages_and_start(path: Path, tmp_path: Path) -> None:
    names, start = _passages(_compile(path, tmp_path / "story.html"))
    tw = parse_twee(path.read_text(encoding="utf-8"), str(path))
    ours = sorted(p.name for p in tw.passages if p.name not in ("StoryTitle", "StoryData")
                  and not {"script", "stylesheet"} & set(p.tags))
    assert names == ours
    result = import_twee(path.read_text(encoding="utf-8"), str(path))
    story = load_text(result.yaml, "x.yaml")
    start_passage = tw.start_name()
    assert start == start_passage
    assert story.scenes[story.start].title in ("", start, story.start) or start == story.start
    assert SPECIAL_TAGS  # the special passages extwee also keeps are listed by the importer


@pytest.mark.parametrize("path", SHIPPED + FIXTURE_FILES,
                         ids=[p.stem for p in SHIPPED + FIXTURE_FILES])
def test_extwee_compiles_exported_twee(path: Path, tmp_path: Path) -> None:
    if path.suffix == ".twee":
        result = import_twee(path.read_text(encoding="utf-8"), str(path))
        story = load_text(result.yaml, "x.yaml")
        if [d for d in validate(story) if d.severity == "error"]:
            pytest.skip("the fixture keeps its broken links; export needs a valid story")
    else:
        story = load_path(path)
    twee = tmp_path / "out.twee"
    twee.write_text(export_twee(story), encoding="utf-8")
    names, start = _passages(_compile(twee, tmp_path / "out.html"))
    assert start == story.start
    assert set(story.scenes) <= set(names)
