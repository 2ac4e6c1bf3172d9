"""The cohort server's programme routes: a cohort's sessions, set by its facilitator.

- ``GET /api/cohorts/{cohort}/programme``: the cohort's members and its facilitator (404 with
  ``{"error": ...}`` when the cohort has no programme yet).
- ``PUT /api/cohorts/{cohort}/programme``: its facilitator; the body is the programme's YAML
  (UTF-8, at most :data:`~crossroads.engine.programme.MAX_PROGRAMME_BYTES` bytes), read by the
  engine's safe YAML builder, never evaluated; its sessions may name only the cohort's stories.
  A refused programme answers 400 with the first problem as ``error`` and every one, each
  ``file:line:col: …``, as ``diagnostics``.
- ``GET /api/cohorts/{cohort}/programme/status[?today=YYYY-MM-DD]``: its facilitator only.

Identity and role come from the bearer token alone (``authed`` in :mod:`crossroads.server.app`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from crossroads.engine import programme_bank
from crossroads.engine.bank import Bank
from crossroads.engine.bank.identity import Caller
from crossroads.engine.diagnostics import BankError
from crossroads.engine.programme import MAX_PROGRAMME_BYTES, ProgrammeError
from crossroads.engine.terminal_text import one_line

Handler = Callable[[Request, Bank, Caller], Awaitable[Any]]
Authed = Callable[..., Callable[[Request], Awaitable[Response]]]


def _refused(err: ProgrammeError) -> JSONResponse:
    lines = [one_line(line) for line in err.lines()]
    return JSONResponse({"error": lines[0], "diagnostics": lines}, status_code=400)


async def get_programme(request: Request, bank: Bank, caller: Caller) -> Response:
    """The cohort's programme (its members and facilitator)."""
    stored = await run_in_threadpool(programme_bank.programme_for, bank, caller,
                                     request.path_params["cohort"])
    if stored is None:
        return JSONResponse({"error": "this cohort has no programme yet"}, status_code=404)
    return JSONResponse(stored.to_json())


async def put_programme(request: Request, bank: Bank, caller: Caller) -> Response:
    """Set the cohort's programme (its facilitator)."""
    raw = await request.body()
    if len(raw) > MAX_PROGRAMME_BYTES:  # (the route's body limit answers 413 first)
        raise BankError(f"a programme may hold {MAX_PROGRAMME_BYTES} bytes of YAML, not more")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BankError("a programme must be UTF-8 YAML") from None
    try:
        stored = await run_in_threadpool(programme_bank.set_programme_for, bank, caller,
                                         request.path_params["cohort"], text)
    except ProgrammeError as err:
        return _refused(err)
    return JSONResponse(stored.to_json())


def _today(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BankError("'today' must be a date, YYYY-MM-DD") from None


async def programme_status(request: Request, bank: Bank, caller: Caller) -> Response:
    """Each member × each session (the cohort's facilitator)."""
    today = _today(request.query_params.get("today"))
    status = await run_in_threadpool(programme_bank.status_for, bank, caller,
                                     request.path_params["cohort"], today)
    if status is None:
        return JSONResponse({"error": "this cohort has no programme yet"}, status_code=404)
    return JSONResponse(status.to_json())


def programme_routes(authed: Authed) -> list[Route]:
    """The routes, each wrapped by the app's ``authed``."""
    return [
        Route("/api/cohorts/{cohort}/programme", authed(get_programme)),
        Route("/api/cohorts/{cohort}/programme", authed(put_programme), methods=["PUT"],
              max_body_size=MAX_PROGRAMME_BYTES),
        Route("/api/cohorts/{cohort}/programme/status", authed(programme_status)),
    ]
