"""Extract a story's strings into a gettext template and merge it into translations (Babel).

Used by ``crossroads l10n``; the player never imports this module (it reads translations with
:mod:`crossroads.engine.l10n.locale`). Decisions, documented in ``docs/translating.md``:

- one message per translatable string, ``msgctxt`` its stable key (:mod:`.keys`), extracted
  comments saying what the string is, the point of view and who speaks, ``#:`` the file and line;
- a world's cast and facts are extracted with each story that uses the world (``#:`` then names
  the world file): a translator of one story needs them, and each story's translation stays
  complete on its own;
- strings whose ``{…}`` are all plain names (``{trust}``, ``{cast.dana.name}``) carry
  ``python-brace-format``, so ``msgfmt -c`` and Poedit check them; strings with ``{if …}``
  blocks or expressions carry ``no-python-brace-format`` (they are not Python's syntax) and are
  checked by ``crossroads check`` instead;
- ``l10n update`` keeps translations and, when a string's source text changed, keeps the old
  translation marked fuzzy (matched by key, which survives any rewording), with the previous
  source as ``#| msgid``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossroads.engine.diagnostics import Diagnostic, UsageError
from crossroads.engine.l10n.apply import message_id
from crossroads.engine.l10n.keys import StoryString, story_strings
from crossroads.engine.l10n.locale import check_lang, languages, po_path, read_po

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from crossroads.engine.model import Story

_FIELD = re.compile(r"\{([^{}]*)\}")
_SIMPLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*$")


def brace_flags(text: str) -> tuple[str, ...]:
    """The format flag of a string: ``python-brace-format`` when every ``{…}`` is a plain name,
    ``no-python-brace-format`` when it has others (blocks, expressions), none without any."""
    unescaped = text.replace("{{", "").replace("}}", "")
    fields = _FIELD.findall(unescaped)
    if not fields:
        return ()
    if all(_SIMPLE.match(f) and "-" not in f for f in fields):
        return ("python-brace-format",)
    return ("no-python-brace-format",)


def _location(story: Story, s: StoryString, base: Path) -> tuple[str, int]:
    smap = story.source
    world = story.world_source
    if s.path not in smap.pos and world is not None and s.path[:2] in world.pos:
        smap = world
    line, _ = smap.value(s.path)
    try:
        name = Path(smap.file).resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        name = Path(smap.file).name
    return name, line


def reorder_warnings(story: Story) -> list[Diagnostic]:
    """A warning for each choice without an ``id`` (its key would change if the choices were
    reordered), at the choice's position in the story file."""
    out = []
    for s in story_strings(story):
        if s.keyed_by_place and s.key.endswith(".say"):
            line, col = story.source.key(s.path[:4])
            out.append(Diagnostic(
                "CR536", "warning",
                f"this choice has no id: its translation is keyed {s.key!r}, which changes if the "
                "choices are reordered", story.source.file, line, col,
                "give the choice an 'id:' (a short name, unique in the scene)"))
    return out


def template(story: Story, story_file: Path) -> Catalog:
    """The gettext template of ``story`` (read from ``story_file``): every translatable string
    in source order. The dates are the story file's, so extracting twice writes the same
    bytes."""
    from babel.messages.catalog import Catalog

    try:
        when = datetime.fromtimestamp(story_file.stat().st_mtime, UTC).replace(microsecond=0)
    except OSError:
        when = datetime(2000, 1, 1, tzinfo=UTC)
    cat = Catalog(project=story.id, version=story.content_hash, creation_date=when,
                  revision_date=when, charset="utf-8", fuzzy=False)
    base = story_file.parent
    located = [(s, _location(story, s, base)) for s in story_strings(story)]
    # the story's own strings first, as listed; then the scenes' in the order of their lines
    located.sort(key=lambda sl: (0, 0) if sl[0].key.startswith("@") else (1, sl[1][1]))
    for s, where in located:
        msg = cat.add(s.text, locations=[where], flags=brace_flags(s.text),
                      auto_comments=[s.comment], context=s.key)
        if msg is not None:
            _format_flags(msg)
    return cat


def _format_flags(msg: Any) -> None:
    """Babel guesses ``python-brace-format`` for any ``{…}`` whenever it makes a message: ours
    decides (:func:`brace_flags`); other flags (``fuzzy``) stay."""
    if isinstance(msg.id, str) and msg.id:
        msg.flags = {f for f in msg.flags if not f.endswith("-format")} | set(brace_flags(msg.id))


def po_bytes(catalog: Catalog, **options: Any) -> bytes:
    """The catalog written as a PO file (UTF-8; no line folding inside words)."""
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog, width=76, sort_output=False, include_previous=True, **options)
    return buf.getvalue()


def _locale(lang: str) -> Any:
    from babel import Locale, UnknownLocaleError

    check_lang(lang)
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        raise UsageError(f"unknown language {lang!r}: use a code Babel knows, such as 'es', "
                         "'de', 'fr' or 'pt_BR'") from None


def update(story: Story, story_file: Path, lang: str) -> tuple[Path, bytes, dict[str, int]]:
    """Merge the story's current template into its ``lang`` translation (a new one if none).

    Returns:
        The PO file's path, its new bytes, and counts: ``new``, ``fuzzy`` (source changed since
        it was translated), ``obsolete`` (strings the story no longer has).

    Raises:
        UsageError: an unknown language.
        StoryError: the existing PO file is broken (positioned).
    """
    from babel.messages.pofile import read_po as babel_read_po

    locale = _locale(lang)
    path = po_path(story_file, lang)
    tmpl = template(story, story_file)
    counts = {"new": 0, "fuzzy": 0, "obsolete": 0}
    if path.exists():
        read_po(path)  # a broken PO is reported at its line, before Babel reads it
        with path.open("rb") as fh:
            cat = babel_read_po(fh, locale=locale)
        before = {m.id for m in cat if m.id}
        cat.update(tmpl, no_fuzzy_matching=True, update_header_comment=False)
        counts["fuzzy"] = _carry_by_key(cat)
        counts["new"] = sum(1 for m in cat if m.id and m.id not in before and not m.string)
    else:
        cat = babel_read_po(io.BytesIO(po_bytes(tmpl)), locale=locale)
        cat.fuzzy = False
        counts["new"] = sum(1 for m in cat if m.id)
    for msg in cat:
        _format_flags(msg)
    cat.project, cat.version = story.id, story.content_hash
    cat.revision_date = tmpl.revision_date
    counts["obsolete"] = len(cat.obsolete)
    return path, po_bytes(cat), counts


def _carry_by_key(cat: Catalog) -> int:
    """Give each untranslated message the translation of the obsolete one with its key (its
    source text changed), marked fuzzy; return how many."""
    by_context = {m.context: k for k, m in cat.obsolete.items() if m.context and m.string}
    carried = 0
    for msg in cat:
        if not msg.id or msg.string or msg.context not in by_context:
            continue
        old = cat.obsolete.pop(by_context.pop(msg.context))
        msg.string = old.string
        msg.flags.add("fuzzy")
        msg.previous_id = [old.id] if isinstance(old.id, str) else list(old.id)
        carried += 1
    return carried


@dataclass(frozen=True)
class LanguageStats:
    """How much of a story one translation covers (counted against the story's strings now)."""

    lang: str
    translated: int
    fuzzy: int
    untranslated: int

    @property
    def total(self) -> int:
        """The story's translatable strings."""
        return self.translated + self.fuzzy + self.untranslated


def stats(
    story: Story, story_file: Path, langs: Iterable[str] | None = None
) -> list[LanguageStats]:
    """Per language: strings translated, fuzzy (or translated from an older source text) and
    untranslated.

    Raises:
        StoryError: a PO file is broken.
    """
    strings = list(story_strings(story))
    out = []
    for lang in langs if langs is not None else languages(story_file):
        _, entries = read_po(po_path(story_file, lang))
        live = {e.msgctxt: e for e in entries if not e.obsolete and e.msgctxt}
        done = fuzzy = 0
        for s in strings:
            e = live.get(s.key)
            if e is None or not e.msgstr:
                continue
            if e.translated and message_id(e.msgctxt or "", e.msgid) == message_id(s.key, s.text):
                done += 1
            else:
                fuzzy += 1
        out.append(LanguageStats(lang, done, fuzzy, len(strings) - done - fuzzy))
    return out
