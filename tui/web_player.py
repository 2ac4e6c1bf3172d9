"""The player a browser session runs: ``python -m crossroads.tui.web_player``.

Started by the web player of ``crossroads serve --web`` (:mod:`crossroads.server.web`) with the
Textual web driver and, in its environment, its own ``CROSSROADS_HOME`` and
``CROSSROADS_CONFIG``, the sign-in endpoint (``CROSSROADS_WEB_SIGN_IN``) and the session's key
(``CROSSROADS_WEB_KEY``). The first screen asks for the invitation code; the server redeems it
and answers with the login, which is saved in the session's config folder as ``crossroads
join`` saves it; from then on this is ``crossroads play`` recording through the server.
"""

from __future__ import annotations

import os
import sys

import httpx
from textual import events

from crossroads.engine.remote.login import Login, save_login
from crossroads.tui.app import CrossroadsApp
from crossroads.tui.i18n import _
from crossroads.tui.screens.sign_in import SignInAnswer, SignInScreen
from crossroads.tui.startup import resume_gc

SIGN_IN_ENV = "CROSSROADS_WEB_SIGN_IN"
KEY_ENV = "CROSSROADS_WEB_KEY"
SERVER_ENV = "CROSSROADS_WEB_SERVER"
KEY_HEADER = "X-Crossroads-Session"


class WebPlayerApp(CrossroadsApp):
    """The full-screen player, signing in first with an invitation code."""

    def __init__(self, sign_in_url: str, key: str, server: str) -> None:
        super().__init__()
        self.sign_in_url = sign_in_url
        self.key = key
        self.server = server

    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        """Ask for the code (instead of the player's first screen)."""
        event.prevent_default()
        self.set_timer(1.0, resume_gc)
        self.theme = self.start_theme
        self.push_screen(SignInScreen(self.attempt, self.server), self._signed_in)

    async def attempt(self, code: str, name: str) -> SignInAnswer:
        """Send the code to the server (which counts the tries) and read its answer."""
        body: dict[str, str] = {"code": code}
        if name:
            body["name"] = name
        try:
            async with httpx.AsyncClient(timeout=30) as client:
                answer = await client.post(self.sign_in_url, json=body,
                                           headers={KEY_HEADER: self.key})
            data = answer.json()
        except (httpx.HTTPError, ValueError):
            return SignInAnswer(problem=_("The server did not answer; try again in a moment."),
                                tries_left=1)
        if answer.status_code != 200:
            problem = str(data.get("error") or "that code was not accepted")
            problem = problem.split("; ", 1)[0].rstrip(".")
            problem = problem[:1].upper() + problem[1:] + "."
            return SignInAnswer(problem=problem, tries_left=int(data.get("tries_left", 0)))
        cohort = data.get("cohort") or {}
        learner = data["learner"]
        os.environ["CROSSROADS_HOME"] = str(data["home"])  # this learner's own copy, kept
        login = Login(str(data.get("url") or self.server), str(data["token"]), "learner",
                      str(learner["id"]), str(learner["name"]), cohort.get("id"),
                      cohort.get("name"))
        save_login(login)  # in this session's CROSSROADS_CONFIG, as 'crossroads join' does
        return SignInAnswer(login=login)

    def _signed_in(self, login: Login | None) -> None:
        """Open the learner's record on the server, then the story picker."""
        if login is None:
            return
        from crossroads.engine.remote.server_bank import open_server_store
        from crossroads.tui.catalog import discover
        from crossroads.tui.screens.picker import PickerScreen

        store = open_server_store(login)
        self.store = self.reader = store
        self.learner = login.id
        self.cohort = login.cohort
        self.notify(_("Signed in as {name}").format(name=login.name), timeout=3, markup=False)
        self._show(PickerScreen(discover(self.folders), self.store, self.learner))


def main() -> int:
    """Run one browser session's player."""
    url, key = os.environ.get(SIGN_IN_ENV), os.environ.get(KEY_ENV)
    if not url or not key:
        print("crossroads.tui.web_player: started by 'crossroads serve --web' only",
              file=sys.stderr)
        return 2
    app = WebPlayerApp(url, key, os.environ.get(SERVER_ENV, ""))
    try:
        return int(app.run() or 0)
    finally:
        close = getattr(app.store, "close", None)
        if close is not None:
            close()  # sends anything still waiting in the offline journal


if __name__ == "__main__":
    sys.exit(main())
