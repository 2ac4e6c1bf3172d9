"""``crossroads l10n extract|update|stats``: a story's translations with gettext (Babel).

The translator's round trip is in ``docs/translating.md``: extract a template, update the
language's PO file from it, translate in Poedit, ``crossroads check``, ``crossroads play --lang``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crossroads.engine.terminal_text import terminal_safe
from crossroads.tui.commands._common import STORY_HELP, load_valid, story_path

HELP = "translate a story with gettext: extract a template, update a language, show progress"


def register(sub: Any) -> None:
    """Add the ``l10n`` subcommand and its actions."""
    p = sub.add_parser(
        "l10n",
        help=HELP,
        description="Story translations with gettext PO files, kept beside the story in "
        "locale/LANG/STORY.po (see docs/translating.md).",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ex = actions.add_parser("extract", help="write the story's strings as a gettext template",
                            description="Write every translatable string of the story as a "
                            "gettext template (.pot): one message per string, its msgctxt a "
                            "stable key built from ids.")
    ex.add_argument("story", metavar="STORY", help=STORY_HELP)
    ex.add_argument("-o", "--output", metavar="FILE",
                    help="the template to write (default: standard output)")
    ex.set_defaults(func=run_extract)
    up = actions.add_parser("update", help="create or update the story's translation into LANG",
                            description="Merge the story's current strings into "
                            "locale/LANG/STORY.po beside it: translations are kept, those whose "
                            "source changed are marked fuzzy, removed strings become obsolete.")
    up.add_argument("story", metavar="STORY", help=STORY_HELP)
    up.add_argument("lang", metavar="LANG", help="a language code, e.g. es, de, pt_BR")
    up.set_defaults(func=run_update)
    st = actions.add_parser("stats", help="how much of each translation is done",
                            description="Per story and language: strings translated, fuzzy "
                            "and untranslated (with no STORY: every shipped story).")
    st.add_argument("story", metavar="STORY", nargs="?",
                    help=f"{STORY_HELP}, or a folder of stories (default: the shipped ones)")
    st.set_defaults(func=run_stats)


def _warn_reorder(story: Any) -> None:
    from crossroads.engine.l10n.catalog import reorder_warnings

    for diag in reorder_warnings(story):
        print(diag.format(), file=sys.stderr)


def run_extract(args: argparse.Namespace) -> int:
    """Write the template to ``-o`` or standard output."""
    from crossroads.engine.files import write_bytes
    from crossroads.engine.l10n.catalog import po_bytes, template

    path = story_path(args.story)
    story = load_valid(args.story)
    data = po_bytes(template(story, path))
    if args.output is None or args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        write_bytes(args.output, data)
        print(f"wrote {args.output}", file=sys.stderr)
    _warn_reorder(story)  # after the work: a failure stays one line
    return 0


def run_update(args: argparse.Namespace) -> int:
    """Write ``locale/LANG/STORY.po`` beside the story."""
    from crossroads.engine.files import make_folder, write_bytes
    from crossroads.engine.l10n.catalog import update

    path = story_path(args.story)
    story = load_valid(args.story)
    po, data, counts = update(story, path, args.lang)
    make_folder(po.parent)
    write_bytes(po, data)
    print(f"wrote {po}: {counts['new']} new, {counts['fuzzy']} to review (fuzzy), "
          f"{counts['obsolete']} obsolete")
    _warn_reorder(story)  # after the work: a failure stays one line
    return 0


def run_stats(args: argparse.Namespace) -> int:
    """Print a line per story and language."""
    from crossroads.engine.l10n.catalog import stats
    from crossroads.engine.loader import find_story_files
    from crossroads.engine.paths import stories_dir

    if args.story is None:
        files = find_story_files([stories_dir()])
    else:
        target = story_path(args.story, folder_ok=True)
        files = find_story_files([target]) if target.is_dir() else [target]
    lines = 0
    for file in files:
        story = load_valid(str(file))
        for s in stats(story, Path(file)):
            pct = 100 * s.translated // s.total if s.total else 100
            print(terminal_safe(f"{story.id} [{s.lang}]: {s.translated}/{s.total} translated "
                                f"({pct}%), {s.fuzzy} fuzzy, {s.untranslated} untranslated"))
            lines += 1
    if not lines:
        where = args.story or "the shipped stories"
        print(f"no translations of {where} yet (start one with 'crossroads l10n update STORY "
              "LANG')")
    return 0

