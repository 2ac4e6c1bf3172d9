"""While the story bank is unreachable, the player says where the save went."""

from __future__ import annotations

import io

from crossroads.engine.model import Story
from crossroads.engine.runtime import Session
from crossroads.engine.saves import FileSessionStore
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.plain import PlainPlayer
from crossroads.tui.screens.play import PlayScreen
from tests.tui.helpers import first_week


class OfflineStore(FileSessionStore):
    """A store whose bank is unreachable: saves wait in a local journal."""

    offline = True

    def __init__(self) -> None:
        super().__init__()
        self.closed = False

    def close(self) -> None:
        self.closed = True

    def load(self, story: Story, learner: str) -> Session | None:
        return super().load(story, learner)


def test_plain_mode_says_the_save_is_local() -> None:
    out, err = io.StringIO(), io.StringIO()
    PlainPlayer(first_week(), "ann", OfflineStore(), io.StringIO("2\n"), out, err).run(False)
    assert "saved on this computer" in out.getvalue() + err.getvalue()


async def test_the_banner_says_the_bank_is_offline() -> None:
    app = CrossroadsApp(story=first_week(), learner="ann", store=OfflineStore())
    async with app.run_test(size=(120, 24)) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, PlayScreen)
        status = str(app.screen.query_one("#pov-status").render())
        assert "bank offline" in status
