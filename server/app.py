"""The cohort server's HTTP API (Starlette): identity, records and reads under the trust model.

:func:`create_app` opens the bank once; every request authenticates with its bearer token
against the bank and the bank alone, so several server processes on one PostgreSQL bank agree.
Handlers run the bank calls in worker threads. Errors are JSON ``{"error": "..."}`` with the
HTTP status; logs hold the method, path, status and duration, never a body, query or token.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crossroads import __version__
from crossroads.engine.bank import (
    Bank,
    BankUnavailable,
    caller_rules,
    identity,
    identity_stories,
    open_bank,
)
from crossroads.engine.bank.cohort_bundle import cohort_bundle
from crossroads.engine.bank.identity import AuthError, Caller, RateLimited
from crossroads.engine.bank.identity_context import acting_as
from crossroads.engine.bank.identity_secret import seal_anonymous
from crossroads.engine.diagnostics import BankError
from crossroads.server.programme_routes import programme_routes

log = logging.getLogger("crossroads.server")

BODY_LIMIT = 64 * 1024
"""Bytes a request body may hold (a batch of playthrough events may hold more)."""
BATCH_BODY_LIMIT = 1024 * 1024

Handler = Callable[[Request, Bank, Caller], Awaitable[Any]]


class BadRequest(Exception):
    """The request itself is wrong (HTTP 400)."""


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        raise BadRequest("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the request body must be a JSON object")
    return data


def _token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("sign in first: send 'Authorization: Bearer TOKEN'")
    return token.strip()


def _str(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        raise BadRequest(f"'{key}' must be a non-empty string of at most 200 characters")
    return value


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    return None if data.get(key) is None else _str(data, key)


def _int(value: Any, key: str, default: int) -> int:
    if value is None:
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(f"'{key}' must be a whole number") from None


async def _guarded(call: Callable[[], Awaitable[Response]]) -> Response:
    """Run a handler, turning the errors a caller can cause into JSON answers."""
    try:
        return await call()
    except RateLimited as err:
        return _error(429, str(err), {"Retry-After": str(err.retry_after)})
    except AuthError as err:
        return _error(err.status, str(err))
    except BadRequest as err:
        return _error(400, str(err))
    except BankUnavailable:
        log.warning("the story bank is unavailable")
        return _error(503, "the story bank is unavailable; try again shortly")
    except BankError as err:
        return _error(400, str(err))


def create_app(bank_url: str | None, join_limits: tuple[int, int] | None = None) -> Starlette:
    """The cohort server's ASGI app on the bank at ``bank_url`` (a path or postgresql:// URL).

    Args:
        join_limits: failed invitation-code attempts allowed per client address and overall
            in :data:`~crossroads.engine.bank.identity.ATTEMPT_WINDOW_S` (default: the
            module's limits).

    Raises:
        BankError: the bank cannot be opened.
    """
    bank = open_bank(bank_url)
    seal_anonymous(bank)  # what an SQLite bank held before schema version 5
    per_client, overall = join_limits or (identity.PER_CLIENT_ATTEMPTS,
                                          identity.GLOBAL_ATTEMPTS)

    def authed(handler: Handler, ok: int = 200) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            async def call() -> Response:
                token = _token(request)
                with acting_as(token=token):  # PostgreSQL: the policies' caller, per transaction
                    caller = await run_in_threadpool(identity.authenticate, bank, token)
                    result = await handler(request, bank, caller)
                if isinstance(result, Response):
                    return result
                return JSONResponse(result, status_code=ok)
            return await _guarded(call)
        return endpoint

    async def health(request: Request) -> Response:
        return JSONResponse({"ok": True, "version": __version__})

    async def join(request: Request) -> Response:
        async def call() -> Response:
            data = await _body(request)
            code = _str(data, "code")
            name = _opt_str(data, "name")
            client = request.client.host if request.client else "unknown"
            token, caller = await run_in_threadpool(
                identity.redeem_code, bank, code, client, name, per_client, overall)
            cohort = await run_in_threadpool(identity.cohort_summary, bank, caller.cohort_id)
            return JSONResponse({"token": token, "learner": {"id": caller.id,
                                                             "name": caller.name},
                                 "cohort": cohort})
        return await _guarded(call)

    async def me(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        out: dict[str, Any] = {"role": caller.role, "id": caller.id, "name": caller.name}
        if caller.role == "learner":
            out["cohort"] = await run_in_threadpool(identity.cohort_summary, bank,
                                                    caller.cohort_id)
        else:
            out["cohorts"] = await run_in_threadpool(identity.cohorts_of, bank, caller)
        return out

    async def logout(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        await run_in_threadpool(identity.sign_out, bank, caller)
        return {"signed_out": True}

    async def erase_me(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        if caller.role != "learner":
            raise AuthError("only a learner erases their own records this way", 403)
        removed = await run_in_threadpool(identity.erase_learner, bank, caller, caller.id)
        return {"erased": removed}

    async def list_cohorts(request: Request, bank: Bank, caller: Caller) -> Any:
        return await run_in_threadpool(identity.cohorts_of, bank, caller)

    async def create_cohort(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        data = await _body(request)
        name = _str(data, "name")
        stories = data.get("stories", [])
        if not isinstance(stories, list) or not all(isinstance(s, str) and s for s in stories):
            raise BadRequest("'stories' must be a list of story ids")
        days = data.get("expires_days", identity.DEFAULT_EXPIRY_DAYS)
        if not isinstance(days, (int, float)) or isinstance(days, bool):
            raise BadRequest("'expires_days' must be a number")
        made = await run_in_threadpool(
            identity.create_cohort, bank, caller, name, _int(data.get("invitations"),
                                                             "invitations", 0),
            stories, float(days))
        await run_in_threadpool(identity_stories.add_shipped_stories, bank, caller, made.id,
                                made.stories)
        return {"id": made.id, "name": made.name, "stories": made.stories,
                "expires": made.expires, "invitations": made.invitations}

    async def invite(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        data = await _body(request)
        made = await run_in_threadpool(
            identity.add_invitations, bank, caller, request.path_params["cohort"],
            _int(data.get("count"), "count", 1))
        return {"id": made.id, "expires": made.expires, "invitations": made.invitations}

    async def revoke_cohort(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        await run_in_threadpool(identity.revoke_cohort, bank, caller,
                                request.path_params["cohort"])
        return {"revoked": True}

    async def revoke_invitation(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        await run_in_threadpool(identity.revoke_invitation, bank, caller,
                                request.path_params["invitation"])
        return {"revoked": True}

    async def revoke_learner(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        await run_in_threadpool(identity.revoke_learner, bank, caller,
                                request.path_params["learner"])
        return {"revoked": True}

    async def erase_learner(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        removed = await run_in_threadpool(identity.erase_learner, bank, caller,
                                          request.path_params["learner"])
        return {"erased": removed}

    async def record(request: Request) -> Response:
        async def call() -> Response:
            token = _token(request)
            data = await _body(request)
            with acting_as(token=token):  # one transaction: who, whose playthrough, the rows
                _, batch = await run_in_threadpool(caller_rules.record_with_token, bank, token,
                                                   data)
            return JSONResponse({"playthrough": batch.playthrough, "first": batch.first,
                                 "events": len(batch.events)})
        return await _guarded(call)

    async def reflections(request: Request, bank: Bank, caller: Caller) -> Any:
        q = request.query_params
        return await run_in_threadpool(
            caller_rules.visible_reflections, bank, caller, q.get("story"), q.get("prompt"),
            q.get("q"), _int(q.get("limit"), "limit", 20), _int(q.get("offset"), "offset", 0),
            q.get("cohort"))

    async def paths(request: Request, bank: Bank, caller: Caller) -> Any:
        return await run_in_threadpool(caller_rules.cohort_paths, bank, caller,
                                       request.path_params["cohort"],
                                       request.query_params.get("story"))

    async def export_cohort(request: Request, bank: Bank, caller: Caller) -> Response:
        records = await run_in_threadpool(cohort_bundle, bank, caller,
                                          request.path_params["cohort"])
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        return Response(body, media_type="application/x-ndjson; charset=utf-8")

    async def add_story(request: Request, bank: Bank, caller: Caller) -> dict[str, Any]:
        raw = await request.body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise BadRequest("a story must be UTF-8 YAML") from None
        return await run_in_threadpool(identity_stories.add_story, bank, caller,
                                       request.path_params["cohort"], text)

    async def cohort_stories(request: Request, bank: Bank, caller: Caller) -> Any:
        return await run_in_threadpool(identity_stories.cohort_versions, bank, caller,
                                       request.path_params["cohort"])

    async def story(request: Request, bank: Bank, caller: Caller) -> Response:
        text = await run_in_threadpool(identity_stories.story_text, bank, caller,
                                       request.path_params["hash"])
        return Response(text, media_type="application/yaml; charset=utf-8")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        bank.close()

    routes = [
        Route("/api/health", health),
        Route("/api/join", join, methods=["POST"]),
        Route("/api/me", authed(me)),
        Route("/api/me", authed(erase_me), methods=["DELETE"]),
        Route("/api/logout", authed(logout), methods=["POST"]),
        Route("/api/cohorts", authed(list_cohorts)),
        Route("/api/cohorts", authed(create_cohort, 201), methods=["POST"]),
        Route("/api/cohorts/{cohort}/invitations", authed(invite, 201), methods=["POST"]),
        Route("/api/cohorts/{cohort}/revoke", authed(revoke_cohort), methods=["POST"]),
        Route("/api/cohorts/{cohort}/paths", authed(paths)),
        Route("/api/cohorts/{cohort}/export", authed(export_cohort)),
        Route("/api/cohorts/{cohort}/stories", authed(cohort_stories)),
        Route("/api/cohorts/{cohort}/stories", authed(add_story, 201), methods=["POST"],
              max_body_size=identity_stories.MAX_STORY_BYTES),
        Route("/api/stories/{hash}", authed(story)),
        Route("/api/invitations/{invitation}/revoke", authed(revoke_invitation),
              methods=["POST"]),
        Route("/api/learners/{learner}/revoke", authed(revoke_learner), methods=["POST"]),
        Route("/api/learners/{learner}", authed(erase_learner), methods=["DELETE"]),
        Route("/api/batches", record, methods=["POST"], max_body_size=BATCH_BODY_LIMIT),
        Route("/api/reflections", authed(reflections)),
        *programme_routes(authed),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, max_body_size=BODY_LIMIT,
                    middleware=[Middleware(AccessLog)])
    app.state.bank_url = bank.url  # without a password: safe to print
    return app


class AccessLog:
    """One log line per request: method, path (no query string), status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 0

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        outcome = "failed"  # e.g. a body over the limit: the outer middleware answers 413
        try:
            await self.app(scope, receive, sending)
            outcome = str(status)
        finally:
            log.info("%s %s %s %.1f ms", scope["method"], scope["path"], outcome,
                     (time.perf_counter() - start) * 1000)
