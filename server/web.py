"""The web player: the Textual player in a browser, served beside the cohort server's API.

``crossroads serve --web`` wraps the API app (:func:`crossroads.server.create_app`) in
:func:`create_web_app`, which adds ``/play``: a page with xterm.js (textual-serve's scripts and
fonts, served from this server: the page needs nothing from the internet) whose websocket
starts one player process per browser session, ``python -m crossroads.tui.web_player``, with the
Textual web driver. This module never imports the player (``crossroads.tui``): it runs in the
child.

Each session has its own temporary ``CROSSROADS_HOME`` and ``CROSSROADS_CONFIG`` and a secret
key, both given to the child in its environment (never on its command line). The child's
first screen asks for the invitation code; it sends the code to ``POST /play/sign-in`` with its
key, and this module redeems it through the API's ``/api/join`` *as the browser's address*, so
the per-address limit on wrong codes counts browsers, not the loopback the children share. A
session has :data:`SIGN_IN_TRIES` tries. Once signed in, the child records through the API
exactly as ``crossroads join`` + ``crossroads play`` do; its copy of the learner's own records
(for resuming) lives in a folder per learner that lasts as long as this server process, so a
reload or another device continues where the learner stopped.

Sessions end when the browser goes away, after :attr:`WebPlayer.idle_s` seconds without a key,
or when the player quits; the child is asked to quit, then killed if it has not, and reaped.
At most :attr:`WebPlayer.max_sessions` run at once; past that the page says the room is full.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp
from starlette.websockets import WebSocket, WebSocketDisconnect

from crossroads.engine.diagnostics import UsageError

try:  # the ``web`` extra
    from textual_serve.app_service import AppService
except ImportError:  # pragma: no cover - create_web_app says what to install
    AppService = object  # type: ignore[misc,assignment]

log = logging.getLogger("crossroads.server.web")

SIGN_IN_TRIES = 5
"""Wrong codes one browser session may try before it ends (the API's per-address limit also
holds)."""
KEY_HEADER = "x-crossroads-session"
CHILD_MODULE = "crossroads.tui.web_player"
STOP_GRACE_S = 8.0
"""Seconds a child has to quit (flushing its journal) before it is killed."""

ROOM_FULL = ("The room is full: {n} people are playing, as many as this server allows. "
             "Try again in a few minutes, or ask your facilitator.")

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Crossroads</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{base}/static/css/xterm.css">
<link rel="stylesheet" href="{base}/page.css">
<script src="{base}/textual.js"></script>
<script src="{base}/page.js"></script>
</head>
<body>
<main>
<div class="dialog intro-dialog" role="status"><p>Crossroads is starting…</p></div>
<div class="dialog closed-dialog" role="alert">
  <p>This session has ended. Your progress is saved.</p>
  <button type="button" id="restart">Start again</button>
</div>
<div id="terminal" class="textual-terminal" aria-label="Crossroads player"
     data-session-websocket-url="{ws_url}" data-font-size="{font_size}"></div>
</main>
</body>
</html>
"""

_CSS = """@font-face {
  font-family: "Roboto Mono";
  src: url("static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype");
  font-style: normal;
}
@font-face {
  font-family: "Roboto Mono";
  src: url("static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype");
  font-style: italic;
}
html, body { margin: 0; height: 100%; background: #0c181f; color: #f2f2f2;
  font-family: "Roboto Mono", monospace; }
.textual-terminal { width: 100vw; height: 100vh; opacity: 0; }
body.-first-byte .textual-terminal { opacity: 1; }
.dialog { position: absolute; inset: 0; display: flex; flex-direction: column;
  align-items: center; justify-content: center; z-index: 10; font-size: 1rem; }
body.-first-byte .intro-dialog { display: none; }
.closed-dialog { display: none; background: #0c181f; }
body.-closed .closed-dialog { display: flex; }
button { font: inherit; padding: 0.8em 2em; background: #5e0ba7; color: #fff; border: none; }
button:focus { outline: 3px solid #ffd54a; outline-offset: 2px; }
"""

_JS = """document.addEventListener("DOMContentLoaded", function () {
  var restart = document.getElementById("restart");
  restart.addEventListener("click", function () { window.location.reload(); });
  var focused = false;
  new MutationObserver(function () {
    var classes = document.body.classList;
    if (classes.contains("-closed")) { restart.focus(); return; }
    if (classes.contains("-first-byte") && !focused) {
      var input = document.querySelector(".xterm-helper-textarea");
      if (input) { input.focus(); focused = true; }  // the keyboard goes to the player
    }
  }).observe(document.body, {attributes: true, attributeFilter: ["class"]});
});
"""


def _static_dir() -> Path:
    """textual-serve's scripts, styles and fonts (the ``web`` extra)."""
    try:
        import textual_serve
    except ImportError:
        raise UsageError("the web player needs textual-serve: pip install 'crossroads[web]'") \
            from None
    return Path(textual_serve.__file__).parent / "static"


def _textual_js(static: Path) -> bytes:
    """textual-serve's script, with its terminal reachable as ``window.crossroadsTerminal``
    (the browser tests read the screen from it; xterm draws on a canvas)."""
    text = (static / "js" / "textual.js").read_text(encoding="utf-8")
    anchor = "this.terminal=new v.Terminal("
    if anchor in text:
        text = text.replace(anchor, "this.terminal=window.crossroadsTerminal=new v.Terminal(", 1)
    else:  # another textual-serve: the page still works, the tests will say what is missing
        log.warning("textual.js: could not expose the terminal (unknown textual-serve version)")
    return text.encode("utf-8")


def _csp(ws_origin: str) -> str:
    return ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "font-src 'self'; img-src 'self' data:; "
            f"connect-src 'self' {ws_origin}; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'")


@dataclass
class Session:
    """One browser session and its player process."""

    key: str
    client: str
    folder: Path
    started: float = field(default_factory=time.monotonic)
    last_key: float = field(default_factory=time.monotonic)
    tries_left: int = SIGN_IN_TRIES
    learner: str | None = None
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    reason: str = ""
    process: asyncio.subprocess.Process | None = None


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})?")


def browser_languages(accept_language: str, limit: int = 8) -> list[str]:
    """The languages a browser's ``Accept-Language`` header asks for, most wanted first, as
    gettext names (``es-MX`` → ``es_MX``); anything that is not a plain language tag is
    dropped, so the header can never carry more than names into the player's environment."""
    ranked: list[tuple[float, int, str]] = []
    for k, part in enumerate(accept_language[:1000].split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        if not _LANGUAGE_TAG.fullmatch(tag):
            continue
        q = 1.0
        name, _, value = params.strip().partition("=")
        if name.strip() == "q":
            try:
                q = float(value)
            except ValueError:
                continue
        if q > 0:
            ranked.append((-q, k, tag.replace("-", "_")))
    return [tag for _, _, tag in sorted(ranked)][:limit]


def _child_env(session: Session, sign_in_url: str, api_url: str,
               width: int, height: int, languages: list[str] | None = None) -> dict[str, str]:
    """The child's environment: this one without any Crossroads settings or secrets, plus its
    own folders, the sign-in endpoint and its key, and the web driver. The player's own words
    follow the browser's languages (``languages``), else the server's ``CROSSROADS_LANG``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CROSSROADS_", "PG")) and k not in ("DATABASE_URL",)}
    if languages:
        env["LANGUAGE"] = ":".join(languages)
    elif os.environ.get("CROSSROADS_LANG"):
        env["CROSSROADS_LANG"] = os.environ["CROSSROADS_LANG"]
    import crossroads

    root = str(Path(crossroads.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.update({
        "CROSSROADS_HOME": str(session.folder / "home"),
        "CROSSROADS_CONFIG": str(session.folder / "config"),
        "CROSSROADS_WEB_SIGN_IN": sign_in_url,
        "CROSSROADS_WEB_KEY": session.key,
        "CROSSROADS_WEB_SERVER": api_url,
        "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
        "TEXTUAL_FPS": "60",
        "TEXTUAL_COLOR_SYSTEM": "truecolor",
        "TERM_PROGRAM": "textual",
        "COLUMNS": str(width),
        "ROWS": str(height),
    })
    return env


class WebPlayer:
    """The browser sessions of one server process (see the module's description)."""

    def __init__(self, api: ASGIApp, api_url: str, *, max_sessions: int = 30,
                 idle_s: float = 20 * 60, base: str = "/play") -> None:
        self.api = api
        self.api_url = api_url.rstrip("/")
        self.max_sessions = max_sessions
        self.idle_s = idle_s
        self.base = base
        self.static = _static_dir()
        self.script = _textual_js(self.static)
        self.sessions: dict[str, Session] = {}  # by the SHA-256 of the session's key
        self.state = Path(tempfile.mkdtemp(prefix="crossroads-web-"))
        self.children: set[int] = set()

    # ------------------------------------------------------------------ pages
    def _origin(self, request: Request | WebSocket) -> str:
        host = request.headers.get("host", "")
        secure = request.url.scheme in ("https", "wss")
        return f"{'wss' if secure else 'ws'}://{host}"

    async def page(self, request: Request) -> Response:
        """The player's page; "the room is full" while every seat is taken."""
        origin = self._origin(request)
        headers = {"Content-Security-Policy": _csp(origin), "Cache-Control": "no-store",
                   "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
        if len(self.sessions) >= self.max_sessions:
            text = ROOM_FULL.format(n=len(self.sessions))
            return HTMLResponse(f"<!DOCTYPE html><html lang='en'><meta charset='utf-8'>"
                                f"<title>Crossroads: the room is full</title><p>{text}</p>",
                                status_code=503, headers={**headers, "Retry-After": "60"})
        try:
            size = max(8, min(48, int(request.query_params.get("fontsize", "16"))))
        except ValueError:
            size = 16
        body = _PAGE.format(base=self.base, ws_url=f"{origin}{self.base}/ws", font_size=size)
        return HTMLResponse(body, headers=headers)

    async def textual_js(self, request: Request) -> Response:
        return Response(self.script, media_type="text/javascript",
                        headers={"X-Content-Type-Options": "nosniff"})

    async def page_js(self, request: Request) -> Response:
        return Response(_JS, media_type="text/javascript")

    async def page_css(self, request: Request) -> Response:
        return Response(_CSS, media_type="text/css")

    # ------------------------------------------------------------------ sign-in (children only)
    async def sign_in(self, request: Request) -> Response:
        """Redeem a code for the session whose key the child sent, as the browser's address."""
        key = request.headers.get(KEY_HEADER, "")
        session = self.sessions.get(hashlib.sha256(key.encode()).hexdigest()) if key else None
        client = request.client.host if request.client else ""
        if session is None or client not in ("127.0.0.1", "::1"):
            return JSONResponse({"error": "not a browser session of this server"},
                                status_code=403)
        if session.tries_left <= 0:
            return JSONResponse({"error": "no tries left in this session", "tries_left": 0},
                                status_code=429)
        body = await request.body()
        transport = httpx.ASGITransport(app=self.api, client=(session.client, 0))
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as api:
            answer = await api.post("/api/join", content=body,
                                    headers={"content-type": "application/json"})
        data: dict[str, Any] = answer.json()
        if answer.status_code == 200:
            learner = str(data["learner"]["id"])
            session.learner = learner
            home = self.state / "learners" / hashlib.sha256(learner.encode()).hexdigest()[:24]
            home.mkdir(parents=True, exist_ok=True, mode=0o700)
            data["home"] = str(home)
            data["url"] = self.api_url
            return JSONResponse(data)
        if answer.status_code in (400, 401, 403, 404):
            session.tries_left -= 1
        data["tries_left"] = session.tries_left
        return JSONResponse(data, status_code=answer.status_code)

    # ------------------------------------------------------------------ sessions
    async def websocket(self, websocket: WebSocket) -> None:
        """One browser session: start its player, pass keys and screen updates, end it."""
        await websocket.accept()
        if len(self.sessions) >= self.max_sessions:
            text = ROOM_FULL.format(n=len(self.sessions))
            await websocket.send_bytes(f"\x1b[2J\x1b[H{text}\r\n".encode())
            await websocket.close(code=1013, reason="the room is full")
            return
        width = _int(websocket.query_params.get("width"), 80)
        height = _int(websocket.query_params.get("height"), 24)
        key = secrets.token_urlsafe(32)
        folder = Path(tempfile.mkdtemp(prefix="session-", dir=self.state))
        (folder / "home").mkdir(mode=0o700)
        (folder / "config").mkdir(mode=0o700)
        client = websocket.client.host if websocket.client else "unknown"
        session = Session(key, client, folder)
        digest = hashlib.sha256(key.encode()).hexdigest()
        self.sessions[digest] = session
        from textual_serve.download_manager import DownloadManager

        service = _ChildService(
            env=_child_env(session, f"{self.api_url}{self.base}/sign-in", self.api_url,
                           width, height,
                           browser_languages(websocket.headers.get("accept-language", ""))),
            write_bytes=websocket.send_bytes, write_str=websocket.send_text,
            close=_closer(session), download_manager=DownloadManager())
        receiving: asyncio.Task[None] | None = None
        try:
            await service.start(width, height)
            session.process = service.process
            if service.process is not None:
                self.children.add(service.process.pid)
            receiving = asyncio.create_task(self._receive(websocket, service, session))
            waiting = asyncio.create_task(session.ended.wait())
            running = service.task
            await asyncio.wait([t for t in (receiving, waiting, running) if t is not None],
                               return_when=asyncio.FIRST_COMPLETED)
            waiting.cancel()
            if session.reason:
                with contextlib.suppress(Exception):
                    await websocket.send_bytes(f"\r\n\x1b[0m{session.reason}\r\n".encode())
        finally:
            if receiving is not None:
                receiving.cancel()
            await service.shut(STOP_GRACE_S)
            if service.process is not None:
                self.children.discard(service.process.pid)
            self.sessions.pop(digest, None)
            shutil.rmtree(folder, ignore_errors=True)
            with contextlib.suppress(Exception):
                await websocket.close()

    async def _receive(self, websocket: WebSocket, service: _ChildService,
                       session: Session) -> None:
        try:
            while True:
                message = await websocket.receive_text()
                try:
                    envelope = json.loads(message)
                    kind, data = envelope[0], envelope[1]
                except (ValueError, IndexError, KeyError, TypeError):
                    continue
                if kind == "stdin" and isinstance(data, str):
                    session.last_key = time.monotonic()
                    await service.send_bytes(data.encode("utf-8"))
                elif kind == "resize" and isinstance(data, dict):
                    await service.set_terminal_size(_int(data.get("width"), 80),
                                                    _int(data.get("height"), 24))
                elif kind == "ping":
                    await websocket.send_text(json.dumps(["pong", data]))
                elif kind == "blur":
                    await service.blur()
                elif kind == "focus":
                    await service.focus()
        except (WebSocketDisconnect, RuntimeError):
            return

    async def _watch_idle(self) -> None:
        """End the sessions idle longer than :attr:`idle_s`."""
        while True:
            await asyncio.sleep(max(0.5, min(30.0, self.idle_s / 4)))
            now = time.monotonic()
            for session in list(self.sessions.values()):
                if now - session.last_key > self.idle_s and not session.ended.is_set():
                    minutes = max(1, round(self.idle_s / 60))
                    session.reason = (f"Closed after {minutes} minute{'s' * (minutes != 1)} "
                                      "without a key. Your progress is saved.")
                    session.ended.set()

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """While the server runs: watch idle sessions; afterwards end every child."""
        watcher = asyncio.create_task(self._watch_idle())
        try:
            yield
        finally:
            watcher.cancel()
            for session in list(self.sessions.values()):
                session.ended.set()
            for pid in list(self.children):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            shutil.rmtree(self.state, ignore_errors=True)

    def live(self) -> dict[str, Any]:
        """How many sessions run, and their player processes (for benchmarks and tests)."""
        return {"sessions": len(self.sessions), "max": self.max_sessions,
                "children": sorted(self.children)}


def _closer(session: Session) -> Any:
    async def close() -> None:  # the player quit
        session.ended.set()
    return close


def _int(value: Any, default: int) -> int:
    try:
        return max(2, min(1000, int(value)))
    except (TypeError, ValueError):
        return default


class _ChildService(AppService):
    """textual-serve's AppService, starting ``python -m crossroads.tui.web_player`` without a
    shell and with the session's environment, and stopping it within a grace period."""

    def __init__(self, *, env: dict[str, str], **kwargs: Any) -> None:
        super().__init__(f"{sys.executable} -m {CHILD_MODULE}", **kwargs)
        self.env = env

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        self._process = process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", CHILD_MODULE,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self.env, start_new_session=True)
        self._stdin = process.stdin
        return process

    @property
    def process(self) -> asyncio.subprocess.Process | None:
        return self._process

    @property
    def task(self) -> asyncio.Task[None] | None:
        return self._task

    async def shut(self, grace: float) -> None:
        """Ask the player to quit; kill it after ``grace`` seconds; reap it."""
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(Exception):
                await self.send_meta({"type": "quit"})
            try:
                await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if self._task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._task, 2)
            self._task = None


def create_web_app(api: Starlette, api_url: str, *, max_sessions: int = 30,
                   idle_s: float = 20 * 60) -> Starlette:
    """The cohort server's API with the web player at ``/play``.

    Raises:
        UsageError: textual-serve is not installed.
    """
    player = WebPlayer(api, api_url, max_sessions=max_sessions, idle_s=idle_s)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with api.router.lifespan_context(api), player.running():
            yield

    async def to_page(request: Request) -> Response:
        return Response(status_code=307, headers={"Location": player.base})

    routes = [
        Route(player.base, player.page),
        Route(f"{player.base}/", to_page),
        Route(f"{player.base}/textual.js", player.textual_js),
        Route(f"{player.base}/page.js", player.page_js),
        Route(f"{player.base}/page.css", player.page_css),
        Mount(f"{player.base}/static", StaticFiles(directory=player.static), name="static"),
        WebSocketRoute(f"{player.base}/ws", player.websocket),
        Route(f"{player.base}/sign-in", player.sign_in, methods=["POST"]),
        Mount("/", app=api),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.bank_url = api.state.bank_url
    app.state.web_player = player
    return app
