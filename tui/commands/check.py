"""``crossroads check PATH…``: report every problem in stories, at ``file:line:col``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from crossroads.engine.check import FileReport, check_paths
from crossroads.engine.diagnostics import StoryError
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


def run(args: argparse.Namespace) -> int:
    """Check the paths; print one line per diagnostic and a summary."""
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
