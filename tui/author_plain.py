"""An author's test in plain text: the plain player from ``--from``/``--set``, saving nothing.

Apart from :mod:`crossroads.tui.author_play` so that the full-screen player never imports the
plain one (and its Markdown reader) to start.
"""

from __future__ import annotations

from crossroads.engine.runtime import Session
from crossroads.engine.saves import SessionStore
from crossroads.tui import flow
from crossroads.tui.plain import INPUT_ENDED, PlainPlayer, _EndOfInput


class AuthorPlainPlayer(PlainPlayer):
    """The plain player, starting from the author's session and saving nothing."""

    def __init__(self, session: Session, store: SessionStore, banner: str) -> None:
        """Play ``session`` with ``store`` (one that keeps nothing), after ``banner``."""
        super().__init__(session.story, session.learner, store)
        self.session, self.store, self.banner = session, store, banner

    def run(self, resume: bool = False) -> int:
        """Play from the author's state to an ending; 3 when input ends first."""
        try:
            self.say(self.banner)
            self._play(flow.Player(self.session, self.store))
        except _EndOfInput:
            self.note("Input ended; nothing was saved (an author's test).")
            return INPUT_ENDED
        return 0

    def _saved(self) -> None:
        """Nothing is saved in an author's test."""
