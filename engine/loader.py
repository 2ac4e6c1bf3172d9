"""YAML → :class:`~crossroads.engine.model.Story`, mapping every error to ``file:line:col``
(1-based).

Design (exact *and* fast): we never let ruamel construct Python objects. We pull the event
stream from ruamel's C parser (``ruamel.yaml.clib``; the pure-Python parser is the fallback) and
build plain data ourselves in one iterative pass, recording the position of every key and value
in a :class:`~crossroads.engine.sourcemap.SourceMap`. The same pass refuses what a story never
needs and an attacker might send: explicit tags (``!!python/object/apply:…`` is never
constructed, only reported), alias expansion past a budget ("billion laughs"), nesting deeper
than a story needs, duplicate keys, several documents. pydantic then validates the plain data,
and its error locations are looked up in the source map.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from sys import intern
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from crossroads.engine.diagnostics import Diagnostic, StoryError
from crossroads.engine.expressions import MAX_NUMBER, number_out_of_range
from crossroads.engine.model import FORMAT, Story, World
from crossroads.engine.sourcemap import Path as DataPath
from crossroads.engine.sourcemap import SourceMap

#: Deepest nesting a story may use (a story needs about 8 levels).
MAX_DEPTH = 64
#: Most values alias expansion may produce in one file.
MAX_ALIAS_EXPANSION = 100_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "!",
}

_INT = re.compile(r"^[-+]?[0-9]+$")
_INT_OTHER = re.compile(r"^0o[0-7]+$|^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(
    r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
)
_NULLS = {"", "~", "null", "Null", "NULL"}
#: Integers with more digits than this are refused before conversion (CR131); the model then
#: bounds every number it reads to ±1,000,000.
_MAX_INT_DIGITS = 15


class _NumberTooLong(ValueError):
    """An integer scalar too long to be a number a story could use."""
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


def _parser() -> YAML:
    try:
        yaml = YAML(typ="safe", pure=False)
        if "CParser" not in yaml.Parser.__name__:  # pragma: no cover - clib missing
            raise ImportError
    except ImportError:  # pragma: no cover - clib missing
        yaml = YAML(typ="safe", pure=True)
    return yaml


_YAML = _parser()


def _resolve_plain(value: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema."""
    if not value:
        return None
    c = value[0]
    if c.isdigit() or c in "+-.":
        if _INT.match(value) or _INT_OTHER.match(value):
            if len(value.lstrip("+-")) > _MAX_INT_DIGITS:
                raise _NumberTooLong(number_out_of_range(value))
            return int(value, 10 if _INT.match(value) else 0)
        if _FLOAT.match(value):
            low = value.lower()
            if "inf" in low:
                return float("-inf") if low.startswith("-") else float("inf")
            if "nan" in low:
                return float("nan")
            return float(value)
        return value
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if value in _NULLS:
        return None
    return value


def _resolve_tagged(value: str, tag: str) -> Any:
    short = tag.rsplit(":", 1)[-1]
    if short == "str" or tag == "!":
        return value
    resolved = _resolve_plain(value)
    expected = {"int": int, "float": float, "bool": bool, "null": type(None)}.get(short)
    if expected is not None and not isinstance(resolved, expected):
        raise ValueError(f"{value!r} is not a valid !!{short}")
    return resolved


class _Fail(Exception):
    def __init__(self, diag: Diagnostic) -> None:
        super().__init__(diag.message)
        self.diag = diag


def _diag(file: str, code: str, message: str, line: int, col: int, hint: str = "") -> Diagnostic:
    return Diagnostic(code, "error", message, file, line, col, hint)


def _build(text: str, file: str) -> tuple[Any, SourceMap]:
    """Turn YAML text into plain data plus a source map, from the parser's event stream.

    The loop handles the common case inline (it runs once per event of a file that may be
    50 MB); checks and rare events are in the helpers below it.
    """
    smap = SourceMap(file, text)
    positions, styles = smap.pos, smap.styles
    anchors: dict[str, tuple[Any, int]] = {}
    expanded = 0
    # Each frame: [container, path, pending key path or None, is_mapping, seen keys, anchor, size]
    stack: list[list[Any]] = []
    root: Any = None
    have_root = False
    docs = 0
    scalar = _scalar_value
    shift, half = 20, 42

    for ev in _YAML.parse(text):
        cls = ev.__class__
        if cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent or (
            cls is AliasEvent
        ):
            mark = ev.start_mark
            packed = ((mark.line + 1) << shift) | mark.column
            size = 1
            tag = None if cls is AliasEvent else ev.tag
            if tag is not None and tag not in _STANDARD_TAGS:
                raise _tag_refused(file, tag, mark)
            if cls is ScalarEvent:
                value: Any = scalar(ev, tag, file)
                complete = True
            elif cls is AliasEvent:
                value, size = _alias_value(file, ev, anchors)
                expanded += size
                if expanded > MAX_ALIAS_EXPANSION:
                    raise _too_many_aliases(file, mark)
                complete = True
            else:
                value = {} if cls is MappingStartEvent else []
                complete = False
            if not stack:
                if have_root:
                    raise _fail(file, "CR101", "more than one top-level value", mark)
                root, have_root = value, True
                path: DataPath = ()
                positions[path] = packed
            else:
                frame = stack[-1]
                parent = frame[0]
                if frame[3]:  # mapping
                    if frame[2] is None:  # this event is a key
                        kpath = _mapping_key(file, frame, value, complete, ev)
                        frame[2] = kpath
                        positions[kpath] = packed << half
                        continue
                    path = frame[2]
                    frame[2] = None
                    parent[path[-1]] = value
                    positions[path] |= packed
                else:
                    path = frame[1] + (len(parent),)
                    parent.append(value)
                    positions[path] = packed
                frame[6] += size
            if cls is ScalarEvent:
                if ev.style:
                    styles[path] = ev.style
                if ev.anchor:
                    anchors[ev.anchor] = (value, 1)
            elif not complete:
                if len(stack) >= MAX_DEPTH:
                    raise _too_deep(file, mark)
                stack.append([value, path, None, cls is MappingStartEvent, {}, ev.anchor, 1])
        elif cls is MappingEndEvent or cls is SequenceEndEvent:
            frame = stack.pop()
            if frame[5]:
                anchors[frame[5]] = (frame[0], frame[6])
            if stack:
                stack[-1][6] += frame[6] - 1
        elif cls is DocumentStartEvent:
            docs += 1
            if docs > 1:
                raise _second_document(file, ev.start_mark)
        elif cls is StreamEndEvent:
            break
    return root, smap


def _scalar_value(ev: ScalarEvent, tag: str | None, file: str) -> Any:
    """A scalar's value: plain scalars by the YAML 1.2 core schema (short strings interned),
    quoted ones as text, tagged ones checked against their standard tag."""
    raw = ev.value
    if tag is not None and tag != "!":
        try:
            return _resolve_tagged(raw, tag)
        except _NumberTooLong as err:
            raise _fail(file, "CR131", str(err), ev.start_mark) from None
        except ValueError as err:
            raise _fail(file, "CR112", str(err), ev.start_mark) from None
    if ev.style:
        return raw
    try:
        value = _resolve_plain(raw)
    except _NumberTooLong as err:
        raise _fail(file, "CR131", str(err), ev.start_mark) from None
    if value.__class__ is str and len(value) < 48:
        value = intern(value)  # ids, names and conditions repeat a lot
    return value


def _alias_value(file: str, ev: AliasEvent, anchors: dict[str, tuple[Any, int]]) -> tuple[Any, int]:
    """The value an alias stands for and how many values it expands to."""
    if ev.anchor not in anchors:
        raise _fail(file, "CR101", f"alias *{ev.anchor} has no anchor", ev.start_mark)
    return anchors[ev.anchor]


def _mapping_key(file: str, frame: list[Any], value: Any, complete: bool, ev: Any) -> DataPath:
    """Record ``value`` as the next key of the mapping ``frame``; return the key's path.

    Raises:
        _Fail: the key is a list or mapping (CR112), or appears twice (CR105).
    """
    mark = ev.start_mark
    if not complete or isinstance(value, (dict, list)):
        raise _fail(file, "CR112", "a key must be plain text, not a list or mapping", mark)
    key = intern(value if isinstance(value, str) else str(ev.value))
    seen = frame[4]
    if key in seen:
        raise _fail(
            file,
            "CR105",
            f"duplicate key {key!r} (first at line {seen[key]})",
            mark,
            "remove or rename one of them",
        )
    seen[key] = mark.line + 1
    return frame[1] + (key,)


def _fail(file: str, code: str, message: str, mark: Any, hint: str = "") -> _Fail:
    """A load failure at the parser's ``mark`` (0-based there, 1-based in the diagnostic)."""
    return _Fail(_diag(file, code, message, mark.line + 1, mark.column + 1, hint))


def _tag_refused(file: str, tag: str, mark: Any) -> _Fail:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return _fail(
        file,
        "CR106",
        f"YAML tag {shown!r} is not allowed in a story (nothing was run)",
        mark,
        "remove the tag: stories hold plain text, numbers, lists and mappings",
    )


def _too_many_aliases(file: str, mark: Any) -> _Fail:
    return _fail(
        file,
        "CR107",
        f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} values "
        "(a 'billion laughs' file?)",
        mark,
        "write the values out, or use fewer nested aliases",
    )


def _too_deep(file: str, mark: Any) -> _Fail:
    return _fail(
        file,
        "CR108",
        f"nesting deeper than {MAX_DEPTH} levels",
        mark,
        "a story needs only a few levels; check the indentation",
    )


def _second_document(file: str, mark: Any) -> _Fail:
    return _fail(
        file,
        "CR101",
        "more than one YAML document in the file",
        mark,
        "keep one story per file; remove the '---' separator",
    )


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        col = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise StoryError(
            "not UTF-8",
            [
                _diag(
                    file,
                    "CR102",
                    f"the file is not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start})",
                    line,
                    col,
                    "save the file as UTF-8",
                )
            ],
        ) from None


def parse_yaml(text: str, file: str) -> tuple[Any, SourceMap]:
    """Parse YAML text into plain data and a source map.

    Raises:
        StoryError: with one positioned diagnostic for syntax errors, forbidden tags,
            duplicate keys, alias bombs and excessive nesting.
    """
    try:
        return _build(text, file)
    except _Fail as err:
        raise StoryError(err.diag.message, [err.diag]) from None
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = err.problem or "invalid YAML"
        context = f" {err.context}" if err.context else ""
        msg = f"YAML syntax error: {problem}{context}".strip()
        raise StoryError(
            msg, [_diag(file, "CR101", msg, line, col, "fix the indentation or quoting here")]
        ) from None
    except YAMLError as err:
        msg = f"YAML error: {err}".replace("\n", " ")
        raise StoryError(msg, [_diag(file, "CR101", msg, 1, 1)]) from None
    except RecursionError:  # pragma: no cover - our builder is iterative
        raise StoryError(
            "too deep", [_diag(file, "CR108", "nesting too deep to read", 1, 1)]
        ) from None


def _loc_to_path(loc: tuple[int | str, ...]) -> DataPath:
    return tuple("if" if part == "if_" else part for part in loc)


def _pydantic_diagnostics(err: ValidationError, smap: SourceMap) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    seen: set[tuple[int, int, str]] = set()
    for e in err.errors(include_url=False):
        loc = _loc_to_path(tuple(x for x in e["loc"] if not _is_union_tag(x)))
        typ = e["type"]
        field = ".".join(str(x) for x in loc) or "story"
        where = str(loc[-1]) if loc else "story"
        if e["loc"] and e["loc"][-1] == "[key]" and loc:
            # a mapping key itself is wrong (a scene, meter or cast id)
            line, col = smap.key(loc)
            code = "CR112"
            kind = {"scenes": "scene id", "meters": "meter name", "cast": "cast id"}.get(
                str(loc[0]), "key"
            )
            if len(loc) > 1 and loc[-2] == "themes":
                kind = "theme id"
            msg = f"{kind} {where!r} is not allowed: {e['msg'].removeprefix('Value error, ')}"
            hint = "use letters, digits and '_' (ids may also use '-' and '.'), no spaces"
        elif typ == "extra_forbidden":
            line, col = smap.key(loc)
            code, msg = "CR110", f"unknown key {where!r} in {_owner(loc[:-1])}"
            hint = "check the spelling; see schema/story.schema.json for the keys allowed here"
        elif typ == "missing":
            line, col = smap.key(loc[:-1]) if loc[:-1] else (1, 1)
            code, msg = "CR111", f"{_owner(loc[:-1])} is missing the required key {where!r}"
            hint = f"add '{where}:'"
        elif _past_number_bound(e):
            line, col = smap.value(loc)
            code = "CR131"
            msg = f"{field}: {e['msg'].removeprefix('Value error, ')}"
            got = e.get("input")
            if isinstance(got, int) and not isinstance(got, bool):
                msg += f" (got {got:,})"
            hint = "use a number between -1,000,000 and 1,000,000"
        else:
            line, col = smap.value(loc)
            code = "CR112"
            msg = f"{field}: {e['msg'].removeprefix('Value error, ')}"
            got = e.get("input")
            if isinstance(got, (str, int, float, bool)) and typ not in (
                "string_pattern_mismatch",
                "value_error",
            ):
                msg += f" (got {got!r})"
            hint = _hint_for(typ, loc)
        key = (line, col, code + msg)
        if key in seen:
            continue
        seen.add(key)
        out.append(Diagnostic(code, "error", msg, smap.file, line, col, hint))
    return out


def _past_number_bound(e: Any) -> bool:
    """Whether a pydantic error is a number past the story-wide ±MAX_NUMBER bound."""
    if e["type"] == "value_error":
        return "out of range" in e["msg"]
    if e["type"] not in ("less_than_equal", "greater_than_equal"):
        return False
    ctx = e.get("ctx") or {}
    bound = ctx.get("le", ctx.get("ge"))
    return isinstance(bound, int) and abs(bound) == MAX_NUMBER


def _is_union_tag(part: int | str) -> bool:
    return isinstance(part, str) and (
        part in ("int", "str", "constrained-str", "function-after[...]") or "[" in part
    )


def _owner(loc: DataPath) -> str:
    if not loc:
        return "the story"
    if len(loc) >= 2 and loc[0] == "scenes":
        rest = loc[2:]
        name = f"scene {loc[1]!r}"
        if len(rest) >= 2 and rest[0] == "choices":
            return f"choice {int(rest[1]) + 1} of {name}"
        if rest:
            return f"{'.'.join(str(x) for x in rest)} of {name}"
        return name
    return ".".join(str(x) for x in loc)


def _hint_for(typ: str, loc: DataPath) -> str:
    if "effects" in loc:
        return "write +n, -n or =n, e.g. {trust: +5, time: -10, voices: =50}"
    if typ == "literal_error" and loc and loc[-1] == "kind":
        return "use good, mixed or hard"
    if typ == "literal_error" and loc == ("format",):
        return f"write 'format: {FORMAT}'"
    if typ == "string_pattern_mismatch":
        return "use letters, digits, '_' (and '-' or '.' in ids)"
    if typ in ("dict_type", "model_type"):
        return "this should be a mapping of 'key: value' lines"
    if typ == "list_type":
        return "this should be a list ('- item' lines or [a, b])"
    return ""


def load_text(text: str, file: str = "<story>") -> Story:
    """Load a story from YAML text.

    Raises:
        StoryError: every loading problem as positioned diagnostics.
    """
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise StoryError(
            "empty file",
            [
                _diag(
                    file,
                    "CR103",
                    "the file is empty",
                    1,
                    1,
                    "start from 'crossroads new STORY-ID' or see docs/authoring.md",
                )
            ],
        )
    data, smap = parse_yaml(text, file)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        raise StoryError(
            "not a mapping",
            [
                _diag(
                    file,
                    "CR104",
                    f"the top level is {kind}, not a story mapping",
                    *smap.value(()),
                    hint="a story starts with 'format: crossroads/1', 'id:', 'title:' …",
                )
            ],
        )
    fmt = data.get("format")
    if fmt is not None and fmt != FORMAT:
        raise StoryError(
            "unknown format",
            [
                _diag(
                    file,
                    "CR113",
                    f"unknown format {fmt!r}",
                    *smap.value(("format",)),
                    hint=f"this version reads '{FORMAT}'",
                )
            ],
        )
    wmap = None
    if "world" in data:
        from crossroads.engine.worlds import merge_world

        wmap, problems = merge_world(data, smap, file, load_world)
        if problems:
            raise StoryError("world", problems)
    try:
        story = Story.model_validate(data)
    except ValidationError as err:
        raise StoryError("invalid story", _pydantic_diagnostics(err, smap)) from None
    story._source = smap
    story._world_source = wmap
    return story


def load_world(path: Path) -> tuple[World, SourceMap]:
    """Load and validate one world file (``worlds/NAME.yaml``, see
    :mod:`crossroads.engine.worlds`).

    Raises:
        StoryError: positioned in the world file.
    """
    file = str(path)
    text = _decode(_read_regular(path, file), file)
    data, smap = parse_yaml(text, file)
    if not isinstance(data, dict):
        raise StoryError(
            "not a world",
            [_diag(file, "CR104", "a world file is a mapping (format, id, cast, facts…)",
                   *smap.value(()))],
        )
    try:
        world = World.model_validate(data)
    except ValidationError as err:
        raise StoryError("invalid world", _pydantic_diagnostics(err, smap)) from None
    if world.id != path.stem:
        raise StoryError(
            "world id",
            [_diag(file, "CR112", f"the world's id {world.id!r} is not its file name "
                   f"{path.stem!r}", *smap.value(("id",)), hint=f"write 'id: {path.stem}'")],
        )
    return world, smap


def load_path(path: str | Path) -> Story:
    """Load one story file.

    Raises:
        StoryError: the file is missing, unreadable, not a regular file (a device or a FIFO is
            refused by its type, never read), or not a valid story.
    """
    p = Path(path)
    file = str(path)
    data = _read_regular(p, file)
    text = _decode(data, file)
    del data
    story = load_text(text, file)
    if len(text) > _KEEP_TEXT_BELOW:
        # Large stories don't keep their text in memory; positions inside strings re-read it.
        story.source.drop_text(lambda: _decode(_read_regular(p, file), file))
    return story


def _read_regular(p: Path, file: str) -> bytes:
    """The bytes of a regular file; anything else is a positioned CR100 error.

    The file is opened without blocking (a FIFO with no writer would hang an ordinary open) and
    its type is checked on the open descriptor before a byte is read.
    """
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise StoryError(
            "missing",
            [_diag(file, "CR100", "no such file", 1, 1, "check the path")],
        ) from None
    except IsADirectoryError:
        raise _is_a_folder(file) from None
    except OSError as err:
        raise StoryError(
            "unreadable", [_diag(file, "CR100", f"cannot read: {err.strerror}", 1, 1)]
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _is_a_folder(file)
        if not stat.S_ISREG(mode):
            kind = _special_kind(mode)
            raise StoryError(
                "not a regular file",
                [
                    _diag(
                        file,
                        "CR100",
                        f"is {kind}, not a story file (nothing was read)",
                        1,
                        1,
                        "point at a .yaml story file",
                    )
                ],
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    except OSError as err:
        raise StoryError(
            "unreadable", [_diag(file, "CR100", f"cannot read: {err.strerror}", 1, 1)]
        ) from None
    finally:
        os.close(fd)


def _is_a_folder(file: str) -> StoryError:
    return StoryError(
        "is a directory", [_diag(file, "CR100", "is a folder, not a story file", 1, 1)]
    )


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


STORY_SUFFIXES = (".yaml", ".yml")
_KEEP_TEXT_BELOW = 4_000_000


def find_story_files(
    paths: list[str | Path], unreadable: list[Diagnostic] | None = None
) -> list[Path]:
    """Expand files and folders into story files (``*.yaml``/``*.yml``, recursively, sorted).

    Args:
        paths: files and folders.
        unreadable: when given, each subfolder that cannot be listed is added to it as a CR100
            diagnostic (otherwise such folders are skipped).

    Raises:
        StoryError: a path does not exist, or a folder holds no stories.
    """
    out: list[Path] = []
    problems: list[Diagnostic] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found: list[Path] = []
            failed: list[Diagnostic] = []

            def note(err: OSError, failed: list[Diagnostic] = failed, raw: object = raw) -> None:
                where = err.filename if err.filename is not None else str(raw)
                failed.append(
                    _diag(
                        str(where),
                        "CR100",
                        f"cannot read this folder: {err.strerror or err}",
                        1,
                        1,
                        "check its permissions; its stories were not checked",
                    )
                )

            for folder, dirs, names in os.walk(p, onerror=note):
                # shared worlds (worlds/NAME.yaml) are read through the stories that name them
                dirs[:] = sorted(d for d in dirs if d != "worlds")
                for name in names:
                    f = Path(folder) / name
                    if f.suffix in STORY_SUFFIXES and f.is_file():
                        found.append(f)
            found.sort()
            if unreadable is not None:
                unreadable.extend(failed)
            if not found and not (failed and unreadable is not None):
                problems.append(
                    _diag(
                        str(raw),
                        "CR109",
                        "no story files (*.yaml, *.yml) in this folder",
                        1,
                        1,
                        "point at a story file or a folder of them",
                    )
                )
            out.extend(found)
        elif p.exists() or p.is_symlink():
            out.append(p)
        else:
            problems.append(
                _diag(str(raw), "CR100", "no such file or folder", 1, 1, "check the path")
            )
    if problems:
        raise StoryError("bad paths", problems)
    return out
