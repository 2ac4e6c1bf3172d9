"""An HTTP client for the cohort server's API (``docs/server.md``), with one-line errors.

:class:`ServerClient` wraps ``httpx`` with timeouts and turns every failure into a
:class:`~crossroads.engine.diagnostics.CrossroadsError`: the server cannot be reached or answers
5xx (:class:`ServerUnreachable`, a ``BankUnavailable``, so the player's journal keeps records
meanwhile), or it refuses the request (:class:`ServerRefused` and its subclasses by status).
"""

from __future__ import annotations

from typing import Any

import httpx

from crossroads.engine.bank.base import BankUnavailable
from crossroads.engine.diagnostics import BankError

TIMEOUT = httpx.Timeout(10.0, connect=3.0)
"""Seconds to wait: connecting fails fast (the player journals meanwhile); answers get longer."""


class ServerUnreachable(BankUnavailable):
    """The cohort server cannot be reached, or it answered 5xx; try again later."""


class ServerRefused(BankError):
    """The cohort server refused the request (HTTP 4xx)."""

    status = 400


class NotSignedIn(ServerRefused):
    """HTTP 401: no valid token (signed out, revoked, or a token from another server)."""

    status = 401


class NotAllowed(ServerRefused):
    """HTTP 403: the caller may not do this."""

    status = 403


class NotFound(ServerRefused):
    """HTTP 404: not one of the caller's cohorts, learners, invitations or stories."""

    status = 404


class TooManyAttempts(ServerRefused):
    """HTTP 429: too many wrong invitation codes; try again later."""

    status = 429


_BY_STATUS: dict[int, type[ServerRefused]] = {
    401: NotSignedIn, 403: NotAllowed, 404: NotFound, 429: TooManyAttempts,
}

_HINTS: dict[int, str] = {
    401: "sign in again ('crossroads join URL CODE' or 'crossroads login URL')",
    429: "wait a few minutes, then try again",
}


def normalise_url(url: str) -> str:
    """The server's base URL without a trailing slash (``http://`` added when no scheme)."""
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    return url


class ServerClient:
    """The cohort server at ``url``, called as the holder of ``token`` (None: nobody yet)."""

    def __init__(self, url: str, token: str | None = None,
                 timeout: httpx.Timeout | float = TIMEOUT) -> None:
        self.url = normalise_url(url)
        self.token = token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ServerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(self, method: str, path: str, *, json: Any = None, content: bytes | None = None,
                params: dict[str, Any] | None = None) -> httpx.Response:
        """Send a request; return the 2xx response.

        Raises:
            ServerUnreachable: no answer, or a 5xx one.
            ServerRefused: a 4xx answer (a subclass for 401, 403, 404 and 429).
        """
        try:
            response = self._http.request(method, path, json=json, content=content,
                                          params={k: v for k, v in (params or {}).items()
                                                  if v is not None})
        except httpx.HTTPError as err:
            raise ServerUnreachable(
                f"the cohort server at {self.url} cannot be reached ({_reason(err)}); "
                "check the address and that it is running, then try again") from err
        if response.status_code < 400:
            return response
        message = _message(response)
        status = response.status_code
        if status >= 500:
            raise ServerUnreachable(f"the cohort server at {self.url} failed ({status}: "
                                    f"{message}); try again shortly")
        hint = _HINTS.get(status)
        cls = _BY_STATUS.get(status, ServerRefused)
        raise cls(f"the cohort server at {self.url} refused: {message}"
                  + (f"; {hint}" if hint else ""))

    def get(self, path: str, **params: Any) -> Any:
        """GET ``path`` and return its JSON."""
        return self.request("GET", path, params=params).json()

    def post(self, path: str, body: Any = None) -> Any:
        """POST JSON to ``path`` and return its JSON."""
        return self.request("POST", path, json=body if body is not None else {}).json()

    def delete(self, path: str) -> Any:
        """DELETE ``path`` and return its JSON."""
        return self.request("DELETE", path).json()

    def me(self) -> dict[str, Any]:
        """``GET /api/me``: who the token belongs to."""
        return dict(self.get("/api/me"))


def _reason(err: httpx.HTTPError) -> str:
    if isinstance(err, httpx.TimeoutException):
        return "no answer in time"
    if isinstance(err, httpx.ConnectError):
        return "connection refused or no route"
    return type(err).__name__


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        text = data["error"]
    else:
        text = response.reason_phrase or f"HTTP {response.status_code}"
    return " ".join(text.split())[:300]
