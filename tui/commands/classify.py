"""``crossroads classify``: label reflections read on standard input as stories or opinions.

Each input line is either plain text (one reflection) or, when it starts with ``{``, a JSON
object with a ``text`` field (JSON Lines); the two may be mixed. Empty lines are skipped. Each
reflection becomes one JSON line on standard output::

    {"text": "...", "label": "story" | "opinion", "confidence": 0.93, "evidence": ["..."]}

An ``id`` field on a JSON input line is copied to the output. A JSON line that is malformed or
has no string ``text`` stops the run with a one-line error naming the line number and exit code 1
(the lines before it have already been written): silently dropping a reflection would make the
output look complete when it is not.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import IO, Any

from crossroads.engine.diagnostics import CrossroadsError
from crossroads.engine.reflections import classify
from crossroads.engine.terminal_text import json_safe


def register(sub: Any) -> None:
    """Add the ``classify`` subcommand."""
    p = sub.add_parser(
        "classify",
        help="label reflections (standard input) as stories or opinions, as JSON Lines",
        description="Read reflections on standard input, one per line or as JSON Lines with a "
        "'text' field, and write one JSON line each: the text, 'story' or 'opinion', a "
        "confidence and the phrases that decided it. Exit 1 on a JSON line without 'text'.",
    )
    p.set_defaults(func=run)


def read_reflections(lines: Iterable[bytes]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(text, extra)`` for each non-empty line; ``extra`` holds an input ``id``.

    Raises:
        CrossroadsError: a line is not UTF-8, or a JSON line is malformed or has no ``text``.
    """
    for number, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as err:
            raise CrossroadsError(f"line {number}: not valid UTF-8") from err
        if not line:
            continue
        if not line.startswith("{"):
            yield line, {}
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise CrossroadsError(
                f"line {number}: starts with '{{' but is not valid JSON ({err.msg})"
            ) from err
        text = obj.get("text") if isinstance(obj, dict) else None
        if not isinstance(text, str):
            raise CrossroadsError(f"line {number}: JSON line has no \"text\" string field")
        yield text, ({"id": obj["id"]} if "id" in obj else {})


def classify_stream(lines: Iterable[bytes], out: IO[str]) -> int:
    """Classify each reflection in ``lines`` and write JSON Lines to ``out``; return the count."""
    count = 0
    for text, extra in read_reflections(lines):
        verdict = classify(text)
        row = {**extra, "text": text, **verdict.to_json()}
        out.write(json_safe(json.dumps(row, ensure_ascii=False)) + "\n")
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    """Classify standard input to standard output."""
    classify_stream(sys.stdin.buffer, sys.stdout)
    sys.stdout.flush()
    return 0
