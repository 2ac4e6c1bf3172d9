"""``crossroads check PATH…``: report every problem in stories, at ``file:line:col``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from crossroads.engine.check import FileReport, check_paths
from crossroads.engine.diagnostics import StoryError
from crossroads.engine.loader import find_story_files
from crossroads.engine.terminal_text import json_safe, one_line
from crossroads.tui.commands._common import check_arg


def register(sub: Any) -> None:
    """Add the ``check`` subcommand."""
    p = sub.add_parser(
        "check",
        help="check stories for broken links, dead ends and other problems",
        description="Check story files or folders. Exit 0 when there are no errors, 1 when "
        "there are, 2 for usage errors.",
    )
    p.add_argument("paths", nargs="+", metavar="STORY",
                   help="story files, folders of them, or shipped stories' ids (e.g. first-week)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument(
        "--deep",
        action="store_true",
        help="also explore the state space (impossible conditions, unreachable endings)",
    )
    p.add_argument(
        "--no-warnings", action="store_true", help="show errors only (warnings still counted)"
    )
    p.add_argument(
        "--watch",
        action="store_true",
        help="check again whenever a story file changes (polls every half second; Ctrl+C stops)",
    )
    p.set_defaults(func=run)


def _deep() -> Any:
    try:
        from crossroads.engine.explore import deep_check
    except ModuleNotFoundError:  # pragma: no cover - explore not built
        return None
    from crossroads.tui.progress import progress_bar

    def deep(story: Any) -> Any:
        with progress_bar(f"exploring {story.id}") as bar:
            return deep_check(story, progress=bar)

    return deep


#: Seconds between two looks at the files' modification times under ``--watch``.
WATCH_INTERVAL = 0.5


def run(args: argparse.Namespace) -> int:
    """Check the paths (again on every change with ``--watch``); print one line per diagnostic
    and a summary."""
    if not args.watch:
        return check_once(args)
    return watch(args)


def _snapshot(paths: list[Any]) -> dict[str, tuple[int, int]]:
    """Each story file's modification time and size (a folder's new files count too)."""
    try:
        files = find_story_files(paths)
    except StoryError:
        return {}
    out: dict[str, tuple[int, int]] = {}
    for f in files:
        try:
            st = f.stat()
        except OSError:
            continue
        out[str(f)] = (st.st_mtime_ns, st.st_size)
    return out


def watch(args: argparse.Namespace) -> int:
    """Check, then check again whenever a story file is saved, until Ctrl+C (exit 0)."""
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    paths = [check_arg(a) for a in args.paths]
    try:
        seen = _snapshot(paths)
        code = check_once(args)
        if code == 2 and not seen:
            return code  # nothing to watch: the paths are wrong
        print(f"Watching {_plural(len(seen), 'story file')} for changes (Ctrl+C to stop).")
        while True:
            time.sleep(WATCH_INTERVAL)
            now = _snapshot(paths)
            if now == seen:
                continue
            changed = sorted(set(now.items()) ^ set(seen.items()))
            names = sorted({Path(name).name for name, _ in changed})
            seen = now
            print(f"\n— {datetime.now():%H:%M:%S} changed: {', '.join(names)} —")
            check_once(args)
    except KeyboardInterrupt:
        return 0


def check_once(args: argparse.Namespace) -> int:
    """Check the paths once; print one line per diagnostic and a summary."""
    try:
        paths = [check_arg(a) for a in args.paths]
        reports = check_paths(paths, deep=_deep() if args.deep else None)
    except StoryError as err:
        if args.json:
            print(json.dumps({"diagnostics": [d.to_json() for d in err.diagnostics]}, indent=2))
        else:
            for line in err.lines():
                print(line, file=sys.stderr)
        return 2
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    if args.json:
        print(json_safe(json.dumps(_as_json(reports, errors, warnings), indent=2,
                                    ensure_ascii=False)))
    else:
        for report in reports:
            for diag in report.diagnostics:
                if args.no_warnings and diag.severity != "error":
                    continue
                print(diag.format())
                for n, step in enumerate(diag.data.get("witness", ()), 1):
                    print(one_line(f"    {n}. {step['scene']} → {step['to']}: {step['say']}"))
        print(_summary(len(reports), errors, warnings))
    return 1 if errors else 0


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _summary(files: int, errors: int, warnings: int) -> str:
    verdict = "ok" if not errors else "failed"
    return (
        f"{_plural(files, 'story file')} checked: {_plural(errors, 'error')}, "
        f"{_plural(warnings, 'warning')} — {verdict}"
    )


def _as_json(reports: list[FileReport], errors: int, warnings: int) -> dict[str, Any]:
    return {
        "files": [
            {
                "path": str(r.path),
                "story": r.story.id if r.story else None,
                "errors": r.errors,
                "warnings": r.warnings,
                "diagnostics": [d.to_json() for d in r.diagnostics],
            }
            for r in reports
        ],
        "summary": {"files": len(reports), "errors": errors, "warnings": warnings},
    }
