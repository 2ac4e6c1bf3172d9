"""Check story files: load, validate, and (optionally) explore them, file by file.

This is what ``crossroads check`` runs; it never raises for a story's problems, it reports them.
A folder check goes on past a bad file: each file gets its own report (even one that made the
checker itself fail, reported as CR132), and a subfolder that cannot be listed is reported too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from crossroads.engine.diagnostics import Diagnostic, StoryError, sort_key
from crossroads.engine.gc_pause import quiet_gc
from crossroads.engine.loader import find_story_files, load_path
from crossroads.engine.model import Story
from crossroads.engine.validate import validate

DeepCheck = Callable[[Story], list[Diagnostic]]


@dataclass
class FileReport:
    """What checking one file found."""

    path: Path
    story: Story | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Number of error diagnostics."""
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        """Number of warning diagnostics."""
        return sum(1 for d in self.diagnostics if d.severity == "warning")


def check_story_file(path: Path, deep: DeepCheck | None = None,
                     translations: bool = False) -> FileReport:
    """Load and validate one file; a file that fails to load reports why. ``translations``:
    check its translations too (``locale/*/STORY.po`` beside it; positions in the PO files).

    Raises:
        Exception: only on a bug in the checker; :func:`check_paths` reports those per file.
    """
    with quiet_gc():
        try:
            story = load_path(path)
        except StoryError as err:
            return FileReport(path, None, sorted(err.diagnostics, key=sort_key))
        diags = validate(story)
    if deep is not None and not any(d.severity == "error" for d in diags):
        diags.extend(deep(story))
    if translations and (path.parent / "locale").is_dir():
        from crossroads.engine.l10n.checks import check_translations

        diags.extend(check_translations(story, path))
    return FileReport(path, story, sorted(diags, key=sort_key))


def _check_one(path: Path, deep: DeepCheck | None) -> FileReport:
    """:func:`check_story_file`, turning a failure of the checker itself into a report."""
    try:
        return check_story_file(path, deep, translations=True)
    except Exception as err:  # one bad file must not stop the check of the others
        reason = f"{type(err).__name__}: {err}".splitlines()[0][:200]
        return FileReport(
            path,
            None,
            [
                Diagnostic(
                    "CR132",
                    "error",
                    f"checking this file failed ({reason})",
                    str(path),
                    hint="this is a bug in Crossroads: please report it with the file",
                )
            ],
        )


def check_paths(paths: Sequence[str | Path], deep: DeepCheck | None = None) -> list[FileReport]:
    """Check every story file under ``paths`` and the links between the stories.

    Raises:
        StoryError: a path does not exist or a folder has no stories.
    """
    unreadable: list[Diagnostic] = []
    files = find_story_files(list(paths), unreadable)
    reports = [FileReport(Path(d.file), None, [d]) for d in unreadable]
    reports += [_check_one(f, deep) for f in files]
    loaded = [r for r in reports if r.story is not None]
    by_id: dict[str, FileReport] = {}
    for report in loaded:
        assert report.story is not None
        story = report.story
        first = by_id.get(story.id)
        if first is not None:
            line, col = story.source.value(("id",))
            report.diagnostics.append(
                Diagnostic(
                    "CR207",
                    "error",
                    f"story id {story.id!r} is also used by {first.path}",
                    str(report.path),
                    line,
                    col,
                    "give every story its own id",
                )
            )
        by_id.setdefault(story.id, report)
    if len(loaded) > 1:
        for report in loaded:
            assert report.story is not None
            for i, other in enumerate(report.story.pairs_with):
                if other in by_id and other != report.story.id:
                    report.diagnostics.extend(_pairing(report, i, by_id[other]))
                if other not in by_id:
                    line, col = report.story.source.value(("pairs_with", i))
                    report.diagnostics.append(
                        Diagnostic(
                            "CR209",
                            "warning",
                            f"pairs_with names story {other!r}, which is not among the stories "
                            "checked",
                            str(report.path),
                            line,
                            col,
                            "fix the id, or check the folder that holds it",
                        )
                    )
    for report in loaded:
        report.diagnostics.sort(key=sort_key)
    return reports


def _pairing(report: FileReport, i: int, other: FileReport) -> list[Diagnostic]:
    """Paired stories tell the same events: when either names a world they must share it (CR422);
    without one, they may not give a cast member both declare different names (CR423, at this
    story's line; roles and backgrounds may read differently from another point of view)."""
    story, theirs = report.story, other.story
    assert story is not None and theirs is not None
    src = story.source
    if story.world != theirs.world:
        mine = repr(story.world) if story.world else "no world"
        yours = repr(theirs.world) if theirs.world else "no world"
        return [
            Diagnostic(
                "CR422", "error",
                f"pairs_with names {theirs.id!r}, which uses {yours} while this story uses {mine}",
                str(report.path), *src.value(("pairs_with", i)),
                f"give both stories 'world: {story.world or theirs.world}'",
            )
        ]
    if story.world is not None:
        return []  # the world defines the shared cast; stories may not redefine it (CR421)
    out: list[Diagnostic] = []
    for who, member in story.cast.items():
        twin = theirs.cast.get(who)
        if twin is None:
            continue
        for name in ("name",):
            a, b = getattr(member, name), getattr(twin, name)
            if a and b and a != b:
                line, _col = theirs.source.value(("cast", who, name))
                out.append(
                    Diagnostic(
                        "CR423", "error",
                        f"cast {who!r} has {name} {a!r} here but {b!r} in the paired story "
                        f"{theirs.id!r} ({other.path}:{line})",
                        str(report.path), *src.value(("cast", who, name)),
                    )
                )
    return out
