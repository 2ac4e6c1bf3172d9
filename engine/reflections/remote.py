"""Coding and summarising with a model an organisation trusts: an OpenAI-compatible endpoint.

``crossroads themes ... --model-url URL`` sends the reflections the reader may see (their ids and
texts, never their authors) to ``URL`` (a ``.../chat/completions`` endpoint, or a base URL that
``/chat/completions`` is added to), with the key from ``CROSSROADS_MODEL_KEY`` as a bearer token,
and asks for themes as JSON::

    {"themes": [{"id": "...", "name": "...", "summary": "...", "members": ["r1", ...],
                 "quotes": [{"id": "r1", "text": "..."}]}]}

What comes back is held to the offline rules by :func:`crossroads.engine.reflections.themes.
find_themes`: a member id it was not sent is ignored, a reflection it leaves out is grouped
offline, a quote that is not verbatim in the reflection it names is dropped, and a summary that
repeats six words of anyone is replaced by the offline overview line.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from crossroads.engine.diagnostics import CrossroadsError
from crossroads.engine.reflections.themes import Grouping

KEY_VARIABLE = "CROSSROADS_MODEL_KEY"
_INSTRUCTIONS = """You group short reflections written by learners into themes.
Reply with JSON only: {"themes": [{"id": "...", "name": "...", "summary": "...",
"members": ["<reflection id>", ...], "quotes": [{"id": "<reflection id>", "text": "..."}]}]}.
- name: a short phrase a person would write.
- summary: one line that quotes nobody.
- quotes: up to three, each whole sentences copied exactly from ONE reflection, with its id.
- Put every reflection in exactly one theme.
- With a codebook, use its ids as theme ids where a reflection fits; new themes get new ids."""


class ModelError(CrossroadsError):
    """The model endpoint could not be used (unreachable, refused, or it replied nonsense)."""


class ModelCoder:
    """Groups reflections with a chat-completions model (see the module docstring)."""

    def __init__(self, url: str, *, key: str | None = None, model: str = "default",
                 timeout: float = 60.0) -> None:
        url = url.rstrip("/")
        if not re.match(r"https?://", url):
            raise ModelError(f"--model-url {url!r}: give an http:// or https:// URL")
        self.url = url if url.endswith("/chat/completions") else url + "/chat/completions"
        self.key = key if key is not None else os.environ.get(KEY_VARIABLE)
        self.model = model
        self.timeout = timeout

    def _ask(self, payload: dict[str, Any]) -> str:
        headers = {"Content-Type": "application/json"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        try:
            response = httpx.post(self.url, json=payload, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise ModelError(f"model at {self.url}: {exc}") from None
        if response.status_code != 200:
            raise ModelError(f"model at {self.url} answered HTTP {response.status_code}")
        try:
            return str(response.json()["choices"][0]["message"]["content"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise ModelError(f"model at {self.url} did not answer as chat completions do") \
                from None

    def group(
        self, items: Sequence[tuple[str, str]], codebook: Mapping[str, str] | None
    ) -> Grouping:
        """Ask the model; return what it proposes (checked later, see the module docstring)."""
        body = {"reflections": [{"id": rid, "text": text} for rid, text in items]}
        if codebook:
            body["codebook"] = [{"id": k, "description": v} for k, v in codebook.items()]
        payload = {
            "model": self.model,
            "temperature": 0,
            "messages": [
                {"role": "system", "content": _INSTRUCTIONS},
                {"role": "user", "content": json.dumps(body, ensure_ascii=False)},
            ],
        }
        return parse_reply(self._ask(payload), codebook)


def parse_reply(content: str, codebook: Mapping[str, str] | None = None) -> Grouping:
    """A :class:`Grouping` from the model's JSON (in a code fence or not); nonsense is an
    error."""
    fenced = re.search(r"\{.*\}", content, re.DOTALL)
    try:
        data = json.loads(fenced.group() if fenced else content)
        themes = data["themes"]
        if not isinstance(themes, list):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        raise ModelError("the model's reply is not the JSON asked for") from None
    grouping = Grouping()
    for k, theme in enumerate(themes, start=1):
        if not isinstance(theme, dict):
            continue
        theme_id = str(theme.get("id") or f"model-{k}")
        if codebook is not None and theme_id in codebook:
            grouping.coded.add(theme_id)
        elif not theme_id.startswith("model-"):
            theme_id = f"model-{theme_id}"
        name = str(theme.get("name") or theme_id)
        grouping.titles[theme_id] = " ".join(name.split())[:80]
        for rid in theme.get("members") or []:
            if isinstance(rid, str) and rid not in grouping.theme_of:
                grouping.theme_of[rid] = theme_id
                grouping.confidence[rid] = 0.5
        quotes = []
        for q in theme.get("quotes") or []:
            if isinstance(q, dict) and isinstance(q.get("id"), str) and \
                    isinstance(q.get("text"), str):
                quotes.append((q["id"], q["text"]))
        grouping.quotes[theme_id] = quotes
        if isinstance(theme.get("summary"), str):
            grouping.summaries[theme_id] = " ".join(theme["summary"].split())
    return grouping
