"""What the editor asks of a story: diagnostics in protocol form, definitions, references,
completion, hover, rename and quick fixes, all answered from a :class:`StoryDocument`.

Positions here are 0-based lines and character columns, as the protocol counts them.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

from lsprotocol import types as lsp

from crossroads.engine.diagnostics import Diagnostic
from crossroads.engine.model import Story
from crossroads.engine.validate import CAST_FIELDS
from crossroads.lsp.document import StoryDocument
from crossroads.lsp.index import Kind, Occurrence

SOURCE = "crossroads"
_WORD = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
_SCENE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SEVERITY = {
    "error": lsp.DiagnosticSeverity.Error,
    "warning": lsp.DiagnosticSeverity.Warning,
    "info": lsp.DiagnosticSeverity.Information,
}
#: Codes whose name is a scene id that does not exist: a quick fix can create the scene.
MISSING_SCENE = {"CR201", "CR202", "CR124"}
#: Codes whose name may be misspelt: a quick fix can replace it with the closest known name.
MISSPELT = {"CR201", "CR202", "CR124", "CR121", "CR125", "CR424"}
_WORLD_KEY = re.compile(r"^world:[ \t]*['\"]?([A-Za-z0-9_][A-Za-z0-9_.\-]*)", re.M)


def _line(text: str, n: int) -> str:
    start = 0
    for _ in range(n):
        nl = text.find("\n", start)
        if nl < 0:
            return ""
        start = nl + 1
    end = text.find("\n", start)
    return text[start:] if end < 0 else text[start:end]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def word_at(line_text: str, col: int) -> tuple[int, str]:
    """The id-like word starting at ``col`` (after an opening quote), or ``(col, "")``."""
    if col < len(line_text) and line_text[col] in "'\"":
        col += 1
    match = _WORD.match(line_text, col)
    return (col, match.group()) if match else (col, "")


# ------------------------------------------------------------------ diagnostics
def to_protocol(doc: StoryDocument, diags: Iterable[Diagnostic]) -> list[lsp.Diagnostic]:
    """Turn the engine's diagnostics into the protocol's, each spanning the name it is about."""
    lines = _lines(doc.text)
    story = doc.story
    out = []
    for d in diags:
        if d.file != doc.file:
            out.append(_elsewhere(doc, d))
            continue
        line, col = d.line - 1, d.col - 1
        text = lines[line] if 0 <= line < len(lines) else ""
        start, name = word_at(text, col)
        if not name:
            start = col
        if d.code == "CR424" and name.startswith("fact."):  # the fact's id, not its prefix
            start, name = start + len("fact."), name[len("fact."):]
        end = start + max(len(name), 1)
        message = d.message + (f" — {d.hint}" if d.hint else "")
        data: dict[str, str] = {}
        if d.code in MISSPELT and name:
            data["name"] = name
            suggestion = _suggestion(d, name, story)
            if suggestion:
                data["suggestion"] = suggestion
        out.append(
            lsp.Diagnostic(
                range=lsp.Range(lsp.Position(line, start), lsp.Position(line, end)),
                message=message,
                severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
                code=d.code,
                source=SOURCE,
                data=data or None,
            )
        )
    return out


def _elsewhere(doc: StoryDocument, d: Diagnostic) -> lsp.Diagnostic:
    """A problem in another file (the story's world): reported at the story's ``world:`` with
    the place in that file as related information."""
    found = _WORLD_KEY.search(doc.text)
    if found is None:
        at = lsp.Range(lsp.Position(0, 0), lsp.Position(0, 1))
    else:
        line = doc.text.count("\n", 0, found.start(1))
        col = found.start(1) - (doc.text.rfind("\n", 0, found.start(1)) + 1)
        at = lsp.Range(lsp.Position(line, col), lsp.Position(line, col + len(found.group(1))))
    where = lsp.Position(max(d.line - 1, 0), max(d.col - 1, 0))
    message = d.message + (f" — {d.hint}" if d.hint else "")
    return lsp.Diagnostic(
        range=at,
        message=f"{Path(d.file).name}:{d.line}:{d.col}: {message}",
        severity=_SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
        code=d.code,
        source=SOURCE,
        related_information=[lsp.DiagnosticRelatedInformation(
            lsp.Location(file_uri(d.file), lsp.Range(where, where)), message)],
    )


def file_uri(file: str) -> str:
    """The ``file:`` address of a path (kept as is when it is an address already)."""
    return file if "://" in file else Path(file).resolve().as_uri()


def _suggestion(d: Diagnostic, name: str, story: Story | None) -> str:
    found = _DID_YOU_MEAN.search(d.hint)
    if found:
        return found.group(1)
    if story is None:
        return ""
    if d.code == "CR121":
        options = set(story.meters) | set(story.flags)
    elif d.code == "CR424":
        options = set(story.facts)
    elif d.code == "CR124":
        options = set(story.scenes)
    else:
        return ""
    close = difflib.get_close_matches(name, sorted(options), n=1)
    return close[0] if close else ""


# ------------------------------------------------------------------ navigation
def occurrence_at(doc: StoryDocument, pos: lsp.Position) -> Occurrence | None:
    """The occurrence of a name under the cursor, if any."""
    for occ in doc.occurrences():
        if occ.line == pos.line and occ.col <= pos.character <= occ.end:
            return occ
    return None


def _same(doc: StoryDocument, kind: Kind, name: str) -> list[Occurrence]:
    return [o for o in doc.occurrences() if o.kind == kind and o.name == name]


def _location(uri: str, occ: Occurrence) -> lsp.Location:
    return lsp.Location(file_uri(occ.file) if occ.file else uri, _range(occ))


def _range(occ: Occurrence) -> lsp.Range:
    return lsp.Range(lsp.Position(occ.line, occ.col), lsp.Position(occ.line, occ.end))


def definition(doc: StoryDocument, uri: str, pos: lsp.Position) -> list[lsp.Location]:
    """Where the name under the cursor is declared."""
    occ = occurrence_at(doc, pos)
    if occ is None:
        return []
    return [_location(uri, o) for o in _same(doc, occ.kind, occ.name) if o.is_def]


def references(
    doc: StoryDocument, uri: str, pos: lsp.Position, include_declaration: bool
) -> list[lsp.Location]:
    """Every use of the name under the cursor (and its declaration, when asked)."""
    occ = occurrence_at(doc, pos)
    if occ is None:
        return []
    return [
        _location(uri, o)
        for o in _same(doc, occ.kind, occ.name)
        if include_declaration or not o.is_def
    ]


class RenameRefused(ValueError):
    """The new name is not a valid id for what is renamed."""


def prepare_rename(doc: StoryDocument, pos: lsp.Position) -> lsp.Range | None:
    """The range of the name that a rename at ``pos`` would change (None: nothing to rename)."""
    occ = occurrence_at(doc, pos)
    return None if occ is None else _range(occ)


def rename(
    doc: StoryDocument,
    uri: str,
    pos: lsp.Position,
    new: str,
    readers: Iterable[tuple[str, StoryDocument]] = (),
) -> lsp.WorkspaceEdit | None:
    """Rename the scene, meter, flag, cast member or fact under the cursor everywhere in the
    story; a cast member or fact of the story's world is renamed in the world file and in
    ``readers`` too (the other stories of that world, as address and document).

    Raises:
        RenameRefused: the new name is not a valid scene id (or meter/flag identifier).
    """
    occ = occurrence_at(doc, pos)
    if occ is None:
        return None
    pattern = _SCENE_ID if occ.kind in ("scene", "cast") else _IDENTIFIER
    if not pattern.match(new):
        what = "a scene id" if occ.kind == "scene" else f"a {occ.kind} name"
        raise RenameRefused(f"{new!r} is not {what}: use letters, digits and '_'"
                            + (" (and '-' or '.')" if occ.kind == "scene" else ""))
    changes: dict[str, list[lsp.TextEdit]] = {}
    same = _same(doc, occ.kind, occ.name)
    for o in same:
        changes.setdefault(_location(uri, o).uri, []).append(lsp.TextEdit(_range(o), new))
    if any(o.file for o in same):  # the world's: every story of that world follows
        for other_uri, other in readers:
            for o in _same(other, occ.kind, occ.name):
                if not o.file and other_uri != uri:
                    changes.setdefault(other_uri, []).append(lsp.TextEdit(_range(o), new))
    return lsp.WorkspaceEdit(changes=changes)


def world_readers(world_file: str, skip: str) -> list[str]:
    """The story files beside the folder of ``world_file`` that name that world (all but
    ``skip``)."""
    world = Path(world_file)
    folder = world.parent.parent
    out = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        if str(path) == skip or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        found = _WORLD_KEY.search(text)
        if found is not None and found.group(1) == world.stem:
            out.append(str(path))
    return out


# ------------------------------------------------------------------ hover
def hover(doc: StoryDocument, pos: lsp.Position) -> lsp.Hover | None:
    """A meter's label and range, a scene's title, first line and how many choices lead to it."""
    occ = occurrence_at(doc, pos)
    story = doc.story
    if occ is None or story is None:
        return None
    text = _describe(story, occ, doc)
    if not text:
        return None
    return lsp.Hover(lsp.MarkupContent(lsp.MarkupKind.Markdown, text), _range(occ))


def _describe(story: Story, occ: Occurrence, doc: StoryDocument) -> str:
    name = occ.name
    if occ.kind == "meter" and name in story.meters:
        m = story.meters[name]
        out = f"**{m.label}** — meter `{name}`, {m.min}..{m.max}, starts at {m.initial}"
        return out + (f"\n\n{m.description}" if m.description else "")
    if occ.kind == "scene" and name in story.scenes:
        scene = story.scenes[name]
        first = next((ln.strip() for ln in scene.text.splitlines() if ln.strip()), "")
        leading = sum(1 for s in story.scenes.values() for c in s.choices if c.to == name)
        nexts = sum(1 for s in story.scenes.values() if s.next == name)
        title = scene.title or (scene.ending.title if scene.ending else "")
        lines = [f"**{title or name}** — scene `{name}`"]
        if scene.ending is not None:
            lines.append(f"ending ({scene.ending.kind}): {scene.ending.title}")
        if first:
            lines.append(f"> {first}")
        lead = f"{leading} choice{'' if leading == 1 else 's'} lead here"
        if nexts:
            lead += f", and {nexts} scene{'' if nexts == 1 else 's'} continue here"
        if name == story.start:
            lead += " (the start scene)"
        lines.append(lead)
        return "\n\n".join(lines)
    if occ.kind == "flag" and name in story.flags:
        uses = _same(doc, "flag", name)
        sets = sum(1 for o in uses if o.role == "set")
        clears = sum(1 for o in uses if o.role == "clear")
        tests = sum(1 for o in uses if o.role in ("if", "text"))
        return (f"flag `{name}` — set by {sets} choice{'' if sets == 1 else 's'}, cleared by "
                f"{clears}, tested in {tests} place{'' if tests == 1 else 's'}")
    if occ.kind == "fact" and name in story.facts:
        where = next((o.file for o in _same(doc, "fact", name) if o.is_def), "")
        origin = f" (world file {Path(where).name})" if where else ""
        return f"fact `{name}`{origin}\n\n> {story.facts[name]}"
    if occ.kind == "cast" and name in story.cast:
        who = story.cast[name]
        out = f"**{who.name}** — cast `{name}`" + (f", {who.role}" if who.role else "")
        return out + (f"\n\n{who.about}" if who.about else "")
    return ""


# ------------------------------------------------------------------ completion
_SCENE_KEY = re.compile(r"^\s*(?:-\s+)?(?:to|next|start):\s*['\"]?[\w.\-]*$")
_POV_KEY = re.compile(r"^\s*(?:-\s+)?pov:\s*[\w.\-]*$")
_IF_KEY = re.compile(r"^\s*(?:-\s+)?if:")
_FLOW_EFFECTS = re.compile(r"effects:\s*\{[^}]*$")
_FLOW_FLAGS = re.compile(r"(?:set|clear):\s*\[[^\]]*$")
_BLOCK_KEY = re.compile(r"^(\s*)(?:-\s+)?([\w.\-]+):")


def _items(names: Iterable[str], kind: lsp.CompletionItemKind, detail: dict[str, str] | None = None
           ) -> list[lsp.CompletionItem]:
    detail = detail or {}
    return [lsp.CompletionItem(label=n, kind=kind, detail=detail.get(n)) for n in names]


def completion(doc: StoryDocument, pos: lsp.Position) -> list[lsp.CompletionItem]:
    """Names that fit where the cursor is."""
    story = doc.story
    if story is None:
        return []
    lines = _lines(doc.text)
    line = lines[pos.line] if pos.line < len(lines) else ""
    before = line[: pos.character]
    scenes = _items(story.scenes, lsp.CompletionItemKind.Reference,
                    {s: sc.title for s, sc in story.scenes.items() if sc.title})
    meters = _items(story.meters, lsp.CompletionItemKind.Variable,
                    {m: f"meter: {v.label}" for m, v in story.meters.items()})
    flags = _items(story.flags, lsp.CompletionItemKind.Constant, dict.fromkeys(story.flags, "flag"))
    cast = _items(story.cast, lsp.CompletionItemKind.Class,
                  {c: v.name for c, v in story.cast.items()})
    brace = before.rfind("{")
    if brace >= 0 and "}" not in before[brace:] and not _FLOW_EFFECTS.search(before):
        inner = before[brace + 1 :].lstrip()
        if re.fullmatch(r"cast\.[\w-]+\.\w*", inner):
            return _items(CAST_FIELDS, lsp.CompletionItemKind.Field)
        if re.fullmatch(r"cast\.[\w-]*", inner):
            return cast
        if re.fullmatch(r"fact\.\w*", inner):
            return _items(story.facts, lsp.CompletionItemKind.Constant,
                          {f: text[:60] for f, text in story.facts.items()})
        words = _items(["if", "elif", "else", "end", "learner", "cast.", "fact."],
                       lsp.CompletionItemKind.Keyword)
        return meters + flags + words
    if _SCENE_KEY.match(before):
        return scenes
    if _POV_KEY.match(before):
        return cast
    if _IF_KEY.match(before):
        return meters + flags + _items(["visited", "visits", "and", "or", "not"],
                                       lsp.CompletionItemKind.Keyword)
    if _FLOW_EFFECTS.search(before):
        return meters
    if _FLOW_FLAGS.search(before):
        return flags
    parent = _parent_key(lines, pos.line, len(before) - len(before.lstrip()))
    if parent == "effects":
        return meters
    if parent in ("set", "clear", "flags"):
        return flags
    if _in_cast_member(lines, pos.line):
        return _items(CAST_FIELDS, lsp.CompletionItemKind.Field)
    return []


def _indent_of_key(lines: list[str], n: int) -> int:
    return len(lines[n]) - len(lines[n].lstrip())


def _parent_key(lines: list[str], n: int, indent: int) -> str | None:
    """The key of the nearest line above ``n`` indented less than ``indent``."""
    for k in range(n - 1, -1, -1):
        text = lines[k]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        match = _BLOCK_KEY.match(text)
        own = len(text) - len(text.lstrip())
        if own < indent and match:
            return match.group(2)
        if own < indent:
            return None
    return None


def _in_cast_member(lines: list[str], n: int) -> bool:
    """True when line ``n`` is a field line of a member under ``cast:``."""
    indent = _indent_of_key(lines, n)
    member_indent = None
    for k in range(n - 1, -1, -1):
        text = lines[k]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        own = len(text) - len(text.lstrip())
        if member_indent is None and own < indent:
            member_indent = own
            continue
        if member_indent is not None and own < member_indent:
            return own == 0 and text.startswith("cast:")
    return False


# ------------------------------------------------------------------ code actions
def code_actions(
    doc: StoryDocument, uri: str, diagnostics: Iterable[lsp.Diagnostic]
) -> list[lsp.CodeAction]:
    """Quick fixes: create a missing scene as a stub; replace a misspelt name."""
    out: list[lsp.CodeAction] = []
    created: set[str] = set()
    for diag in diagnostics:
        data = diag.data if isinstance(diag.data, dict) else {}
        name, suggestion = data.get("name"), data.get("suggestion")
        if suggestion and name:
            out.append(
                lsp.CodeAction(
                    title=f"Change '{name}' to '{suggestion}'",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    is_preferred=True,
                    edit=lsp.WorkspaceEdit(changes={uri: [lsp.TextEdit(diag.range, suggestion)]}),
                )
            )
        if diag.code in MISSING_SCENE and name and name not in created and _SCENE_ID.match(name):
            created.add(name)
            out.append(
                lsp.CodeAction(
                    title=f"Create scene '{name}'",
                    kind=lsp.CodeActionKind.QuickFix,
                    diagnostics=[diag],
                    edit=lsp.WorkspaceEdit(changes={uri: [stub_scene_edit(doc, name)]}),
                )
            )
    return out


def stub_scene_edit(doc: StoryDocument, sid: str) -> lsp.TextEdit:
    """An edit that appends a stub scene ``sid`` (an ending to be written) to the scenes."""
    lines = _lines(doc.text)
    indent, step = "  ", "  "
    scenes_at = next((i for i, ln in enumerate(lines) if ln.rstrip() == "scenes:"), None)
    if scenes_at is not None:
        for ln in lines[scenes_at + 1 :]:
            if ln.strip() and not ln.lstrip().startswith("#"):
                indent = ln[: len(ln) - len(ln.lstrip())] or "  "
                step = indent
                break
    inner = indent + step
    stub = (
        f"{indent}{sid}:\n"
        f"{inner}title: {sid}\n"
        f"{inner}text: |\n"
        f"{inner}{step}To be written.\n"
        f"{inner}ending: {{kind: mixed, title: To be written}}\n"
    )
    # after the last scene: before the next top-level key, or at the end of the file
    end = len(lines)
    if scenes_at is not None:
        for k in range(scenes_at + 1, len(lines)):
            ln = lines[k]
            if ln.strip() and ln[0] not in " #":
                end = k
                break
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    if end >= len(lines):
        last = len(lines) - 1
        at = lsp.Position(last, len(lines[last]))
        return lsp.TextEdit(lsp.Range(at, at), "\n" + stub.rstrip("\n"))
    at = lsp.Position(end, 0)
    return lsp.TextEdit(lsp.Range(at, at), stub)
