"""``play`` pauses the cyclic garbage collector while it starts, and always turns it back on."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator

import pytest

from crossroads.tui import startup
from crossroads.tui.cli import main


@pytest.fixture(autouse=True)
def _gc_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    startup.resume_gc()
    if was:
        gc.enable()


def test_pause_and_resume() -> None:
    gc.enable()
    startup.pause_gc()
    assert not gc.isenabled()
    startup.resume_gc()
    assert gc.isenabled()
    startup.resume_gc()  # repeated: still on
    assert gc.isenabled()


def test_resume_leaves_a_collector_someone_else_turned_off_alone() -> None:
    gc.disable()
    startup.pause_gc()
    startup.resume_gc()
    assert not gc.isenabled()


def test_play_turns_the_collector_back_on(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["play", "first-week", "--plain", "--as", "bo"]) == 3  # input ended at once
    assert gc.isenabled()
    assert main(["play", "no-such-story", "--plain"]) == 2  # an error on the way out too
    assert gc.isenabled()


async def test_the_app_turns_the_collector_back_on_after_its_first_frame() -> None:
    from crossroads.engine.saves import FileSessionStore
    from crossroads.tui.app import CrossroadsApp
    from tests.tui.helpers import first_week

    gc.enable()
    startup.pause_gc()
    app = CrossroadsApp(story=first_week(), learner="ann", store=FileSessionStore())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
