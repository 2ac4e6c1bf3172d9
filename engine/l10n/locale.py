"""Where a story's translations live, and reading one for play (fast, without Babel).

A story ``DIR/STORY.yaml`` is translated in ``DIR/locale/LANG/STORY.po`` (the shipped stories':
``stories/locale/es/first-week.po``, package data). Playing a translation reads the PO once,
keeps its translated, non-fuzzy entries as JSON in the data folder's cache (named after the PO's
bytes), and from then on reads that JSON: no PO parsing, no Babel.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from crossroads.engine.diagnostics import Diagnostic, StoryError, UsageError
from crossroads.engine.l10n.apply import message_id
from crossroads.engine.paths import data_dir

if TYPE_CHECKING:  # the PO reader is imported only when a PO file is read (not from the cache)
    from crossroads.engine.l10n.po import POEntry

LOCALE = "locale"
"""The folder beside a story file that holds its translations."""
LANG_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
"""A language code: ``es``, ``pt_BR``, ``sr-Latn``."""
_CACHE_VERSION = b"l10n-1"


def check_lang(lang: str) -> str:
    """``lang`` when it looks like a language code (``es``, ``pt_BR``, ``sr-Latn``).

    Raises:
        UsageError: it does not (a path, say).
    """
    if not LANG_CODE.fullmatch(lang):
        raise UsageError(f"{lang!r} is not a language code: write one like 'es', 'de' or 'pt_BR'")
    return lang


def po_path(story_file: Path, lang: str) -> Path:
    """The PO file of ``story_file``'s translation into ``lang``."""
    return story_file.parent / LOCALE / check_lang(lang) / f"{story_file.stem}.po"


def languages(story_file: Path) -> list[str]:
    """The languages ``story_file`` has a translation for, sorted."""
    folder = story_file.parent / LOCALE
    try:
        return sorted(d.name for d in folder.iterdir()
                      if LANG_CODE.fullmatch(d.name) and (d / f"{story_file.stem}.po").is_file())
    except OSError:
        return []


def read_po(path: Path) -> tuple[dict[str, str], list[POEntry]]:
    """Read and parse a PO file.

    Raises:
        StoryError: the file is not valid PO (a diagnostic at its line and column).
        OSError: it cannot be read.
    """
    from crossroads.engine.l10n.po import POSyntaxError, parse_po

    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise StoryError("not UTF-8", [Diagnostic(
            "CR530", "error", "the translation is not UTF-8", str(path), line, 1,
            "save it as UTF-8 (Poedit does)")]) from None
    try:
        return parse_po(text.removeprefix("\ufeff"))
    except POSyntaxError as err:
        raise StoryError("bad PO", [Diagnostic(
            "CR530", "error", f"this is not PO syntax: {err.message}", str(path), err.line,
            err.col, "open it in Poedit, or run 'crossroads l10n update' again")]) from None


def translation_table(entries: list[POEntry]) -> dict[str, str]:
    """The messages a learner sees translated: non-obsolete, non-fuzzy, non-empty."""
    from crossroads.engine.l10n.placeholders import compare

    # a translation whose {…} differ from the source's (crossroads check reports it) is left out:
    # the learner reads the source there rather than a text that cannot be shown
    return {message_id(e.msgctxt or "", e.msgid): e.msgstr
            for e in entries if not e.obsolete and e.translated and e.msgctxt
            and ("{" not in e.msgstr + e.msgid or compare(e.msgid, e.msgstr) is None)}


def load_translation(story_file: Path, lang: str) -> dict[str, str]:
    """The translation of ``story_file`` into ``lang``, ready for
    :func:`~crossroads.engine.l10n.apply.translate` (from the cache when this exact PO was read
    before).

    Raises:
        UsageError: there is no such translation (the message lists those there are).
        StoryError: the PO file is broken.
    """
    path = po_path(story_file, lang)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        have = languages(story_file)
        there = f"it has: {', '.join(have)}" if have else "it has none"
        raise UsageError(f"no {lang!r} translation of {story_file.name} (looked for {path}; "
                         f"{there})") from None
    key = hashlib.sha256(_CACHE_VERSION + b"\0" + data).hexdigest()[:32]
    cached = data_dir() / "cache" / "l10n" / f"{key}.json"
    with contextlib.suppress(OSError, ValueError):
        table = json.loads(cached.read_text(encoding="utf-8"))
        if isinstance(table, dict):
            return table
    table = translation_table(read_po(path)[1])
    with contextlib.suppress(OSError):
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(table, ensure_ascii=False))
        os.replace(tmp, cached)
    return table
