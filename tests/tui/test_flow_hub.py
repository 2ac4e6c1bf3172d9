"""A hub scene asks its check-in and reflection once per playthrough, not on every return."""

from __future__ import annotations

from crossroads.engine.loader import load_text
from crossroads.engine.runtime import CONTINUE, Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui import flow
from tests.engine.test_runtime import HUB


def test_revisiting_a_hub_does_not_ask_again() -> None:
    player = flow.Player(Session.start(load_text(HUB, "hub.yaml")), FileSessionStore())
    assert player.pending() == "checkin"
    player.checkin(None)  # skipped: not recorded, and not asked again
    assert player.pending() == "reflect"
    player.reflect("When I joined, Bo asked my name.")
    assert player.pending() == "choose"
    player.choose(0)
    player.choose(CONTINUE)
    assert player.session.scene == "hub"
    assert player.pending() == "choose"
