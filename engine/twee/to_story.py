"""A parsed Twee story → a Crossroads story (as readable YAML), with what could not be mapped.

Passages become scenes (safe, unique ids; the passage name kept as the title), links become
choices, assignments a passage makes when it is shown become effects of every choice that leads
to it (and the start values, for the start passage and ``StoryInit``/``startup`` passages), and
an ``if`` around a link becomes the choice's condition. A passage with no way on is an ending
(``mixed``, or the kind its ``ending-good``/``ending-mixed``/``ending-hard`` tag names).
"""

from __future__ import annotations

import bisect
import contextlib
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crossroads.engine.diagnostics import Diagnostic
from crossroads.engine.twee import harlowe, snowman, sugarcube
from crossroads.engine.twee.emit import block, flow, flow_list, scalar
from crossroads.engine.twee.links import (
    Assign,
    Cond,
    Link,
    Print,
    Segment,
    Text,
    Unmapped,
)
from crossroads.engine.twee.parse import Passage, TweeStory, parse_twee
from crossroads.engine.twee.state import (
    Change,
    Unmappable,
    condition_vars,
    parse_change,
    split_assignments,
    translate_condition,
)

#: Passages a story format treats specially: not scenes of the story.
SPECIAL_NAMES = {
    "StoryTitle", "StoryData", "StoryInit", "StoryCaption", "StoryMenu", "StoryBanner",
    "StorySubtitle", "StoryAuthor", "StoryShare", "StoryInterface", "StorySettings",
    "StoryIncludes", "PassageReady", "PassageDone", "PassageHeader", "PassageFooter",
}
SPECIAL_TAGS = {"script", "stylesheet", "widget", "header", "footer", "debug-header",
                "debug-footer", "debug-startup", "startup", "Twine.private", "Twine.image",
                "annotation", "init"}
INIT_NAMES = {"StoryInit"}
INIT_TAGS = {"startup", "init"}
_ENDING_TAG = re.compile(r"^ending(?:-(good|mixed|hard))?$")
_RESERVED = {"and", "or", "not", "true", "false", "visited", "visits", "learner", "cast", "if",
             "else", "elif", "end"}
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


@dataclass
class ImportResult:
    """The imported story as YAML text, and what the import reported."""

    yaml: str
    story_id: str
    story_format: str
    scenes: int
    choices: int
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of error diagnostics (broken links in the source)."""
        return sum(1 for d in self.diagnostics if d.severity == "error")


def slug(text: str) -> str:
    """A scene or story id made from a name: kept when already safe, else lower-case-dashed."""
    if _SAFE_ID.match(text):
        return text
    s = re.sub(r"[^a-z0-9_.]+", "-", text.lower()).strip("-.")
    return s or "passage"


def detect_format(tw: TweeStory) -> str:
    """``sugarcube``, ``harlowe``, ``snowman`` or ``chapbook``: from StoryData, else sniffed."""
    named = tw.story_format.lower()
    for fmt in ("sugarcube", "harlowe", "snowman", "chapbook"):
        if fmt in named:
            return fmt
    body = "\n".join(p.text for p in tw.passages)
    if "<<" in body:
        return "sugarcube"
    if "<%" in body or "data-passage" in body:
        return "snowman"
    return "harlowe"


_SCANNERS: dict[str, Callable[[str], list[Segment]]] = {
    "sugarcube": sugarcube.scan, "harlowe": harlowe.scan, "snowman": snowman.scan,
    "chapbook": snowman.scan,
}
_BOLD = re.compile(r"''(?=\S)(.+?)(?<=\S)''")
_ITALIC = re.compile(r"(?<![:/])//(?=\S)(.+?)(?<=\S)//")
_HEADING = re.compile(r"^(!{1,6})\s*", re.MULTILINE)
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)


def _markdown(text: str, fmt: str) -> str:
    text = text.replace("{", "{{").replace("}", "}}")
    if fmt == "snowman" or fmt == "chapbook":
        return text
    text = _BR.sub("\n", text)
    text = _BOLD.sub(r"**\1**", text)
    text = _ITALIC.sub(r"*\1*", text)
    if fmt == "sugarcube":
        text = _HEADING.sub(lambda m: "#" * len(m.group(1)) + " ", text)
    return text


@dataclass
class _Choice:
    say: str
    target: str
    offset: int
    cond: str | None
    setters: list[Change]
    passage: Passage


@dataclass
class _Scene:
    passage: Passage
    sid: str
    text: str = ""
    choices: list[_Choice] = field(default_factory=list)
    entry: list[Change] = field(default_factory=list)


class _Importer:
    def __init__(self, tw: TweeStory, fmt: str) -> None:
        self.tw = tw
        self.fmt = fmt
        self.file = tw.file
        self.diags: list[Diagnostic] = list(tw.diagnostics)
        self.story: list[Passage] = []
        self.init: list[Passage] = []
        self.segs: dict[int, list[Segment]] = {}
        self.ids: dict[str, str] = {}
        self.meters: dict[str, dict[str, int]] = {}
        self.flags: dict[str, bool] = {}
        self._lines: dict[int, list[int]] = {}

    # ------------------------------------------------------------------ positions
    def pos(self, p: Passage, offset: int) -> tuple[int, int]:
        starts = self._lines.get(id(p))
        if starts is None:
            starts = [0] + [m.end() for m in re.finditer("\n", p.text)]
            self._lines[id(p)] = starts
        k = bisect.bisect_right(starts, offset) - 1
        return p.text_line + k, offset - starts[k] + 1

    def report(self, code: str, severity: str, message: str, p: Passage, offset: int | None,
               hint: str = "") -> None:
        line, col = self.pos(p, offset) if offset is not None else (p.line, 1)
        self.diags.append(Diagnostic(code, severity, message, self.file, line, col,  # type: ignore[arg-type]
                                     hint))

    # ------------------------------------------------------------------ passages
    def sort_passages(self) -> None:
        seen: dict[str, Passage] = {}
        for p in self.tw.passages:
            if p.name in ("StoryTitle", "StoryData"):
                continue
            special = p.name in SPECIAL_NAMES or bool(SPECIAL_TAGS & set(p.tags))
            if p.name in INIT_NAMES or INIT_TAGS & set(p.tags):
                self.init.append(p)
                self.report("CR521", "info", f"passage {p.name!r} sets up the story's state: "
                            "its assignments become start values", p, None)
                continue
            if special:
                self.report("CR521", "info", f"special passage {p.name!r}"
                            + (f" [{' '.join(p.tags)}]" if p.tags else "") + " is skipped",
                            p, None)
                continue
            if p.name in seen:
                self.report("CR523", "warning", f"passage {p.name!r} is defined twice (first at "
                            f"line {seen[p.name].line}); this one is skipped", p, None)
                continue
            seen[p.name] = p
            self.story.append(p)
        taken: set[str] = set()
        for p in self.story:
            base = slug(p.name)
            sid, n = base, 2
            while sid in taken:
                sid, n = f"{base}-{n}", n + 1
            taken.add(sid)
            self.ids[p.name] = sid

    def scan_all(self) -> None:
        scan = _SCANNERS[self.fmt]
        for p in self.story + self.init:
            self.segs[id(p)] = scan(p.text)

    # ------------------------------------------------------------------ variables
    def infer_types(self) -> None:
        kinds: dict[str, set[str]] = {}
        first: dict[str, tuple[Passage, int]] = {}
        bounds: dict[str, tuple[int, int]] = {}

        def note(var: str, kind: str, p: Passage, at: int) -> None:
            kinds.setdefault(var, set()).add(kind)
            first.setdefault(var, (p, at))

        def assignments(p: Passage, source: str, at: int) -> None:
            for part in split_assignments(source):
                try:
                    ch = parse_change(part)
                except Unmappable:
                    m = re.match(r"\s*(?:\$|s\.)([A-Za-z_]\w*)", part)
                    if m:
                        note(m.group(1), "other", p, at)
                    continue
                note(ch.var, "bool" if isinstance(ch.value, bool) else "num", p, at)
                if ch.bounds:
                    bounds[ch.var] = ch.bounds

        def walk(p: Passage, segs: list[Segment]) -> None:
            for s in segs:
                if isinstance(s, Assign):
                    assignments(p, s.source, s.offset)
                elif isinstance(s, Link):
                    for src, at in s.setters:
                        assignments(p, src, at)
                elif isinstance(s, Cond):
                    for b in s.branches:
                        if b.cond:
                            for var, numeric in condition_vars(b.cond):
                                kinds.setdefault(var, set())
                                first.setdefault(var, (p, b.offset))
                                if numeric:
                                    kinds[var].add("num?")
                        walk(p, b.body)
                elif isinstance(s, Print):
                    kinds.setdefault(s.var, set()).add("num?")
                    first.setdefault(s.var, (p, s.offset))

        for p in self.story + self.init:
            walk(p, self.segs[id(p)])
        for var, ks in kinds.items():
            p, at = first[var]
            firm = ks - {"num?"}
            if "other" in firm or len(firm) > 1 or not _IDENT.match(var) or var in _RESERVED:
                why = ("it holds text or computed values" if "other" in firm else
                       "it holds both numbers and true/false" if len(firm) > 1 else
                       "its name cannot be a meter or flag name")
                self.report("CR513", "warning", f"${var} is not brought over: {why}", p, at,
                            "conditions and effects that use it are reported where they are")
                continue
            if firm == {"bool"} or (not firm and "num?" not in ks):
                self.flags[var] = False
            else:
                lo, hi = bounds.get(var, (0, 100))
                self.meters[var] = {"min": lo, "max": hi, "start": 0, "clamped": int(
                    var in bounds)}

    # ------------------------------------------------------------------ passages → scenes
    def scene_of(self, name: str) -> str | None:
        return self.ids.get(name)

    def changes(self, p: Passage, source: str, at: int) -> list[Change]:
        out: list[Change] = []
        for part in split_assignments(source):
            try:
                ch = parse_change(part)
            except Unmappable as err:
                self.report("CR513", "warning", f"state not brought over: {err}", p, at)
                continue
            if ch.var not in self.meters and ch.var not in self.flags:
                continue  # reported once, where the variable was first seen
            out.append(ch)
        return out

    def condition(self, p: Passage, sid: str, source: str, at: int) -> str | None:
        try:
            return translate_condition(source, self.meters, set(self.flags), self.scene_of, sid)
        except Unmappable as err:
            self.report("CR514", "warning", f"condition '{source.strip()}' is dropped: {err}",
                        p, at, "the links and text under it are kept without it")
            return None

    def say(self, text: str) -> str:
        out = text.replace("{", "{{").replace("}", "}}")
        return re.sub(r"\$([A-Za-z_]\w*)",
                      lambda m: "{" + m.group(1) + "}" if m.group(1) in self.meters
                      else m.group(0), out).strip() or "Continue"

    def build_scene(self, p: Passage) -> _Scene:
        sc = _Scene(p, self.ids[p.name])
        parts: list[str] = []
        links: list[str] = []

        def walk(segs: list[Segment], conds: list[str], conditional: bool) -> None:
            for s in segs:
                if isinstance(s, Text):
                    parts.append(_markdown(s.text, self.fmt))
                elif isinstance(s, Print):
                    if s.var in self.meters:
                        parts.append("{" + s.var + "}")
                    else:
                        self.report("CR512", "warning", f"${s.var} is printed here; only meters "
                                    "can be printed", p, s.offset)
                        parts.append(_markdown("$" + s.var, self.fmt))
                elif isinstance(s, Assign):
                    chs = self.changes(p, s.source, s.offset)
                    if conditional and chs:
                        self.report("CR515", "warning", "a state change inside a condition is "
                                    "not brought over (effects belong to choices)", p, s.offset,
                                    "move it into the links that lead on")
                    elif not conditional:
                        sc.entry.extend(chs)
                elif isinstance(s, Link):
                    setters: list[Change] = []
                    for src, at in s.setters:
                        setters.extend(self.changes(p, src, at))
                    cond = " and ".join(f"({c})" if " or " in c else c for c in conds) or None
                    sc.choices.append(_Choice(self.say(s.text), s.target, s.offset, cond,
                                              setters, p))
                    if s.inline:
                        parts.append(f"\x00{len(links)}\x00")
                        links.append(_markdown(s.text, self.fmt))
                elif isinstance(s, Unmapped):
                    self.report(s.code, "warning", s.message + " (left out)", p, s.offset)
                elif isinstance(s, Cond):
                    cond_block(s, conds, conditional)

        def cond_block(s: Cond, conds: list[str], conditional: bool) -> None:
            if len(s.branches) == 1 and s.branches[0].cond is None:
                walk(s.branches[0].body, conds, conditional)
                return
            mapped: list[str | None] = []
            for b in s.branches:
                if b.cond is None:
                    mapped.append(None)
                    continue
                c = self.condition(p, sc.sid, b.cond, b.offset)
                if c is not None and b.negate:
                    c = f"not ({c})"
                mapped.append(c if c is not None else "\x01")
            if "\x01" in mapped:
                for b in s.branches:
                    walk(b.body, conds, True)
                return
            before: list[str] = []
            texts: list[tuple[str | None, str]] = []
            for b, c in zip(s.branches, mapped, strict=True):
                here = ([c] if c else []) + [f"not ({x})" if " " in x else f"not {x}"
                                             for x in before]
                mark = len(parts)
                walk(b.body, conds + here, True)
                texts.append((c, "".join(parts[mark:])))
                del parts[mark:]
                if c:
                    before.append(c)
            if all(not re.sub("\x00\\d+\x00", "", t).strip() for _, t in texts):
                parts.extend(t for _, t in texts)
                return
            out = ""
            for k, (c, t) in enumerate(texts):
                out += ("{if " + str(c) + "}" if k == 0 else
                        "{elif " + str(c) + "}" if c else "{else}") + t
            parts.append(out + "{end}")

        walk(self.segs[id(p)], [], False)
        sc.text = _place_links("".join(parts), links)
        return sc


_TITLE = re.compile(r"#{1,6}[ \t]+([^\n{}]+)(?:\n|$)")
_TAIL = re.compile("(?:[ \t|•·–—-]*\x00\\d+\x00)+[ \t|•·–—-]*$")


def _place_links(text: str, links: list[str]) -> str:
    """Drop lines that hold only links (they became choices); keep a link's words in prose."""
    kept: list[str] = []
    for line in text.split("\n"):
        bare = re.sub("\x00\\d+\x00", "", line)
        if "\x00" in line and not re.sub(r"[\s|•·*>\-–—]", "", bare):
            continue
        while (tail := _TAIL.search(line)) is not None and tail.start() > 0:
            line = line[:tail.start()]
        kept.append(re.sub("\x00(\\d+)\x00", lambda m: links[int(m.group(1))], line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip("\n")


def _combine(changes: list[Change]) -> tuple[dict[str, str], list[str], list[str], list[Change]]:
    """Sequential changes → (effects, set, clear, unrepresentable)."""
    meters: dict[str, tuple[str, int]] = {}
    flags: dict[str, bool] = {}
    bad: list[Change] = []
    for ch in changes:
        if isinstance(ch.value, bool):
            flags[ch.var] = ch.value
        elif ch.op == "=":
            meters[ch.var] = ("=", ch.value)
        else:
            op, n = meters.get(ch.var, ("+", 0))
            meters[ch.var] = (op, n + ch.value)
    effects: dict[str, str] = {}
    for var, (op, n) in meters.items():
        if op == "=" and n < 0:
            bad.append(Change(var, "=", n))
        elif op == "=":
            effects[var] = f"={n}"
        elif n:
            effects[var] = f"+{n}" if n > 0 else str(n)
    return (effects, [f for f, v in flags.items() if v], [f for f, v in flags.items() if not v],
            bad)


def import_twee(text: str, file: str = "<twee>", story_id: str | None = None) -> ImportResult:
    """Import Twee 3 text as a Crossroads story.

    Args:
        text: the Twee source.
        file: its path, for positions in diagnostics and the YAML's comments.
        story_id: the story's id (default: made from the title, else the file's name).

    Raises:
        StoryError: the text has no passages at all.
    """
    tw = parse_twee(text, file)
    fmt = detect_format(tw)
    imp = _Importer(tw, fmt)
    imp.sort_passages()
    imp.scan_all()
    imp.infer_types()
    if not imp.story:
        return ImportResult("", "", fmt, 0, 0, imp.diags + [Diagnostic(
            "CR501", "error", "no story passages (only special ones)", file, 1, 1)])
    by_name = {p.name: p for p in imp.story}
    start_name = tw.start_name()
    start = by_name.get(start_name or "")
    if start is None:
        start = imp.story[0]
        what = (f"the start passage {start_name!r} does not exist" if start_name else
                "StoryData names no start passage and none is called 'Start'")
        imp.diags.append(Diagnostic("CR503", "warning", f"{what}; starting at {start.name!r}",
                                    file, 1, 1, "set 'start' in StoryData"))
    scenes = {p.name: imp.build_scene(p) for p in imp.story}
    # start values: init passages, then the start passage itself
    initial: list[Change] = []
    for p in imp.init:
        init_scene = _Scene(p, "")
        for s in imp.segs[id(p)]:
            if isinstance(s, Assign):
                initial.extend(imp.changes(p, s.source, s.offset))
            elif isinstance(s, Unmapped):
                imp.report(s.code, "warning", s.message + " (left out)", p, s.offset)
        del init_scene
    initial.extend(scenes[start.name].entry)
    _start_values(imp, initial, start)
    # reachability over the links that resolve
    reach = {start.name}
    todo = [start.name]
    while todo:
        for ch in scenes[todo.pop()].choices:
            if ch.target in scenes and ch.target not in reach:
                reach.add(ch.target)
                todo.append(ch.target)
    for p in imp.story:
        if p.name not in reach:
            imp.report("CR522", "warning", f"passage {p.name!r} is not reached from the start "
                       "by any link that could be brought over; left out", p, None)
    yaml_text, n_choices = _emit(imp, tw, scenes, [p for p in imp.story if p.name in reach],
                                 start, story_id)
    sid = _story_id(tw, story_id)
    imp.diags.sort(key=lambda d: (d.line, d.col, d.code))
    return ImportResult(yaml_text, sid, fmt, len(reach), n_choices, imp.diags)


def _start_values(imp: _Importer, initial: list[Change], start: Passage) -> None:
    totals_up: dict[str, int] = {}
    totals_down: dict[str, int] = {}
    literals: dict[str, list[int]] = {}
    for sc_changes in [initial]:
        for ch in sc_changes:
            if ch.var in imp.meters and not isinstance(ch.value, bool):
                if ch.op == "=":
                    imp.meters[ch.var]["start"] = ch.value
                else:
                    imp.meters[ch.var]["start"] += ch.value
            elif ch.var in imp.flags and ch.value is True:
                imp.report("CR513", "warning", f"${ch.var} starts true; flags start false, so "
                           "the start value is not brought over", start, None,
                           "invert the flag's meaning in the imported story")
    for p in imp.story + imp.init:
        for s in _all_changes(imp, p):
            if s.var not in imp.meters or isinstance(s.value, bool):
                continue
            if s.op == "=":
                literals.setdefault(s.var, []).append(s.value)
            elif s.value > 0:
                totals_up[s.var] = totals_up.get(s.var, 0) + s.value
            else:
                totals_down[s.var] = totals_down.get(s.var, 0) - s.value
    for var, m in imp.meters.items():
        if m.pop("clamped"):
            continue
        values = literals.get(var, []) + [m["start"]]
        m["min"] = min(0, min(values) - totals_down.get(var, 0))
        m["max"] = max(100, max(values) + totals_up.get(var, 0))


def _all_changes(imp: _Importer, p: Passage) -> list[Change]:
    out: list[Change] = []

    def walk(segs: list[Segment]) -> None:
        for s in segs:
            sources = [(s.source, s.offset)] if isinstance(s, Assign) else \
                s.setters if isinstance(s, Link) else []
            for src, _ in sources:
                for part in split_assignments(src):
                    with contextlib.suppress(Unmappable):
                        out.append(parse_change(part))
            if isinstance(s, Cond):
                for b in s.branches:
                    walk(b.body)

    walk(imp.segs[id(p)])
    return out


def _story_id(tw: TweeStory, story_id: str | None) -> str:
    if story_id:
        return story_id
    base = tw.title or Path(tw.file).stem
    s = re.sub(r"[^a-z0-9_.]+", "-", base.lower()).strip("-.")
    return s or "imported-story"


def _emit(imp: _Importer, tw: TweeStory, scenes: dict[str, _Scene], order: list[Passage],
          start: Passage, story_id: str | None) -> tuple[str, int]:
    file = Path(imp.file).name
    out: list[str] = []
    fmt_name = tw.story_format or imp.fmt
    version = tw.data.get("format-version", "")
    out.append(f"# Imported from {file} ({fmt_name}{' ' + str(version) if version else ''}) "
               "by 'crossroads import twee'.")
    if tw.data.get("ifid"):
        out.append(f"# Twine IFID: {tw.data['ifid']}")
    out.append("format: crossroads/1")
    out.append(f"id: {scalar(_story_id(tw, story_id))}")
    out.append(f"title: {scalar(tw.title or Path(imp.file).stem)}")
    if imp.meters:
        out.append("meters:")
        for var, m in imp.meters.items():
            label = var.replace("_", " ").strip().capitalize() or var
            out.append(f"  {var}: {{label: {scalar(label)}, min: {m['min']}, max: {m['max']}, "
                       f"start: {m['start']}}}")
    if imp.flags:
        out.append(f"flags: {flow_list(list(imp.flags))}")
    out.append(f"start: {scalar(imp.ids[start.name])}")
    out.append("scenes:")
    n_choices = 0
    for p in order:
        sc = scenes[p.name]
        out.append(f"  # {file}:{p.line}")
        out.append(f"  {scalar(sc.sid)}:")
        title, text = p.name, sc.text
        heading = _TITLE.match(text)
        if heading:
            title, text = heading.group(1).strip(), text[heading.end():].lstrip("\n")
        if title != sc.sid:
            out.append(f"    title: {scalar(title)}")
        if text.strip():
            out.append(f"    text: {block(text, '      ')}")
        if not sc.choices:
            kind = "mixed"
            for tag in p.tags:
                tm = _ENDING_TAG.match(tag)
                if tm and tm.group(1):
                    kind = tm.group(1)
            out.append(f"    ending: {{kind: {kind}, title: {scalar(imp.say(p.name))}}}")
            continue
        out.append("    choices:")
        for ch in sc.choices:
            n_choices += 1
            target = scenes.get(ch.target)
            line, col = imp.pos(p, ch.offset)
            changes = list(ch.setters)
            if target is None:
                near = difflib.get_close_matches(ch.target, list(scenes), n=1)
                imp.report("CR520", "error", f"link to {ch.target!r}: no passage has this name",
                           p, ch.offset, f"did you mean {near[0]!r}?" if near else
                           "add the passage or fix the link")
                to = f"{ch.target} (broken link at {file}:{line}:{col})"
            else:
                to = target.sid
                changes += target.entry
            effects, sets, clears, bad = _combine(changes)
            for b in bad:
                imp.report("CR513", "warning", f"${b.var} is set to {b.value}; a meter can only "
                           "be set to a number >= 0", p, ch.offset)
            out.append(f"      - say: {scalar(ch.say)}")
            out.append(f"        to: {scalar(to)}")
            if ch.cond:
                out.append(f"        if: {scalar(ch.cond)}")
            if effects:
                out.append(f"        effects: {flow(effects)}")
            if sets:
                out.append(f"        set: {flow_list(sets)}")
            if clears:
                out.append(f"        clear: {flow_list(clears)}")
    return "\n".join(out) + "\n", n_choices
