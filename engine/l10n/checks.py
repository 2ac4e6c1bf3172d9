"""``crossroads check`` on a story's translations (``locale/*/STORY.po`` beside it).

A translation must use exactly the source's ``{meter}``, ``{cast.x.y}``, ``{fact.x}``,
``{learner}`` and ``{if …}`` conditions (in any order), with its blocks balanced: it is parsed
with the engine's own template parser (never evaluated). Broken ones are errors at the PO file's
line and column: the player would otherwise show them. What only leaves the source showing —
untranslated, fuzzy, missing or stale entries — is information: a story whose translation lags
behind its text still plays, and still checks clean.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from crossroads.engine.diagnostics import Diagnostic, StoryError
from crossroads.engine.l10n.keys import StoryString, story_strings
from crossroads.engine.l10n.locale import LOCALE, languages, po_path, read_po
from crossroads.engine.l10n.placeholders import compare
from crossroads.engine.l10n.po import POEntry

if TYPE_CHECKING:
    from crossroads.engine.model import Story


def check_translations(story: Story, story_file: Path) -> list[Diagnostic]:
    """Every problem of every translation of ``story`` (none when it has no ``locale/``)."""
    if not (story_file.parent / LOCALE).is_dir():
        return []
    out: list[Diagnostic] = []
    strings = list(story_strings(story))
    for lang in languages(story_file):
        out.extend(check_po(strings, po_path(story_file, lang)))
    return out


def check_po(strings: list[StoryString], path: Path) -> list[Diagnostic]:
    """The problems of one PO file against the story's strings (see the module docstring)."""
    file = str(path)
    try:
        _, entries = read_po(path)
    except StoryError as err:
        return err.diagnostics
    except OSError as err:
        return [Diagnostic("CR530", "error", f"cannot read the translation: "
                           f"{err.strerror or err}", file)]
    live: dict[str, POEntry] = {}
    out: list[Diagnostic] = []
    for entry in entries:
        if entry.obsolete:
            what = entry.msgctxt or entry.msgid[:40]
            out.append(Diagnostic("CR534", "info", f"a stale entry ({what!r}): the story no "
                                  "longer has this string", file, entry.line, 1,
                                  "delete it, or keep it for reference"))
        elif entry.msgctxt:
            live[entry.msgctxt] = entry
    keys = set()
    untranslated = 0
    last_line = max((e.line for e in entries), default=1)
    for s in strings:
        keys.add(s.key)
        e = live.get(s.key)
        if e is None:
            out.append(Diagnostic("CR533", "info", f"no entry for {s.key!r}", file, last_line, 1,
                                  "run 'crossroads l10n update' to add it"))
            continue
        if e.msgid != s.text and e.msgstr:
            out.append(Diagnostic("CR535", "info", f"{s.key!r}: the source text changed since "
                                  "this was translated; the learner reads the source", file,
                                  e.line, 1, "run 'crossroads l10n update', then review it"))
            continue
        if not e.msgstr:
            untranslated += 1
            continue
        if e.fuzzy:
            out.append(Diagnostic("CR535", "info", f"{s.key!r} is marked fuzzy: the learner "
                                  "reads the source until it is reviewed", file, e.line, 1,
                                  "review it and remove the fuzzy mark (Poedit: 'Needs work')"))
            continue
        problem = compare(s.text, e.msgstr)
        if problem is not None:
            line, col = e.position(problem[1])
            out.append(Diagnostic("CR531", "error", f"{s.key!r}: {problem[0]}", file, line, col,
                                  "use exactly the {…} of the source (msgid), in any order"))
    for key, e in live.items():
        if key not in keys:
            out.append(Diagnostic("CR534", "info", f"a stale entry ({key!r}): the story no "
                                  "longer has this string", file, e.line, 1,
                                  "run 'crossroads l10n update'"))
    if untranslated:
        out.append(Diagnostic("CR532", "info", f"{untranslated} of {len(strings)} strings are "
                              "not translated yet: the learner reads the source", file, 1, 1,
                              "translate them (Poedit), then check again"))
    return out
