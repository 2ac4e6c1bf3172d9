"""Sending xAPI statements to a Learning Record Store (the statements resource), with the
standard library only.

Statements go in batches (``POST <LRS>/xAPI/statements``, HTTP basic auth,
``X-Experience-API-Version: 1.0.3``). A network failure, a timeout, ``429`` or a ``5xx`` answer is
retried with exponential backoff; any other refusal stops with an :class:`LrsError`. Statement
ids are deterministic, so a batch sent twice stores nothing the second time: an LRS answers the
ids it stored (``200``) or nothing new (``204``), and the count of stored statements says which.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any
from urllib.parse import urlsplit

from crossroads.engine.diagnostics import CrossroadsError

BATCH = 200
RETRIES = 4
BACKOFF_S = 0.5
TIMEOUT_S = 30.0


class LrsError(CrossroadsError):
    """The Learning Record Store refused the statements or could not be reached."""


@dataclass
class SendResult:
    """What a send achieved."""

    sent: int = 0
    """Statements sent (in every batch)."""
    stored: int = 0
    """Statements the LRS stored now (the rest it already had)."""
    batches: int = 0
    retries: int = 0

    @property
    def already(self) -> int:
        """Statements the LRS already held."""
        return self.sent - self.stored


def statements_url(lrs: str) -> str:
    """The statements resource of an LRS given by its base URL (or the resource itself).

    Raises:
        LrsError: not an http(s) URL.
    """
    parts = urlsplit(lrs)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LrsError(f"the LRS address {lrs!r} is not an http:// or https:// URL")
    url = lrs.rstrip("/")
    if url.endswith("/statements"):
        return url
    if url.lower().endswith("/xapi"):
        return url + "/statements"
    return url + "/xAPI/statements"


def parse_auth(auth: str) -> tuple[str, str]:
    """``USER:PASSWORD`` as a pair.

    Raises:
        LrsError: no colon.
    """
    user, sep, password = auth.partition(":")
    if not sep or not user:
        raise LrsError("--auth takes USER:PASSWORD")
    return user, password


def _batches(items: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


class LrsClient:
    """A small xAPI statements client."""

    def __init__(self, lrs: str, auth: tuple[str, str] | None = None, *,
                 batch: int = BATCH, retries: int = RETRIES, backoff: float = BACKOFF_S,
                 timeout: float = TIMEOUT_S,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        """Talk to the LRS at ``lrs`` (its base URL) with optional basic-auth credentials."""
        self.url = statements_url(lrs)
        self.batch = max(1, batch)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.headers = {"X-Experience-API-Version": "1.0.3",
                        "Content-Type": "application/json", "Accept": "application/json"}
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            self.headers["Authorization"] = f"Basic {token}"

    def _request(self, method: str, url: str, body: bytes | None) -> tuple[int, bytes, int]:
        """(status, body, retries used); retries transient failures with backoff."""
        attempt = 0
        while True:
            req = urllib.request.Request(url, data=body, method=method, headers=self.headers)
            wait: float | None = None
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.status, resp.read(), attempt
            except urllib.error.HTTPError as err:
                detail = err.read()[:300].decode("utf-8", "replace")
                if err.code != 429 and err.code < 500:
                    what = "refused the credentials" if err.code in (401, 403) else "refused"
                    raise LrsError(f"the LRS at {self.url} {what} ({err.code}): "
                                   f"{detail.strip() or err.reason}") from err
                retry_after = err.headers.get("Retry-After") if err.headers else None
                if retry_after and retry_after.isdigit():
                    wait = float(retry_after)
                problem = f"{err.code} {detail.strip() or err.reason}"
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as err:
                reason = getattr(err, "reason", err)
                problem = str(reason)
            if attempt >= self.retries:
                raise LrsError(f"the LRS at {self.url} did not take the statements after "
                               f"{attempt + 1} attempts: {problem}")
            self.sleep(wait if wait is not None else self.backoff * (2 ** attempt))
            attempt += 1

    def send(self, statements: Iterable[dict[str, Any]]) -> SendResult:
        """POST the statements in batches; return how many the LRS stored.

        Raises:
            LrsError: the LRS refused a batch or stayed unreachable after the retries.
        """
        result = SendResult()
        for chunk in _batches(statements, self.batch):
            body = json.dumps(chunk, ensure_ascii=False).encode("utf-8")
            status, answer, retried = self._request("POST", self.url, body)
            result.batches += 1
            result.retries += retried
            result.sent += len(chunk)
            if status == 200:
                try:
                    ids = json.loads(answer or b"[]")
                except ValueError as err:
                    raise LrsError(f"the LRS at {self.url} answered with something other "
                                   "than a list of statement ids") from err
                result.stored += len(ids) if isinstance(ids, list) else 0
        return result

    def get(self, statement_id: str) -> dict[str, Any]:
        """One stored statement, by id.

        Raises:
            LrsError: the LRS does not have it or cannot be reached.
        """
        _, answer, _ = self._request("GET", f"{self.url}?statementId={statement_id}", None)
        data: dict[str, Any] = json.loads(answer)
        if isinstance(data.get("statements"), list):  # some LRSs answer a StatementResult
            found = [st for st in data["statements"] if st.get("id") == statement_id]
            if not found:
                raise LrsError(f"the LRS at {self.url} has no statement {statement_id}")
            return dict(found[0])
        return data
