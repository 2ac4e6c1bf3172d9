"""``crossroads themes (COHORT | --story STORY) [--prompt ID]``: the themes in the reflections a
reader may see.

Reads the bank through its access rules and groups what it reads into themes, printing each with a
short summary and representative quotes, ending with "N of N voices represented". Anonymous
reflections are quoted as "anonymous". ``--json`` prints the same as data.

Who reads: the learner named by ``--as`` (their own reflections, their cohort-mates' ``cohort``
ones and everyone's ``bank`` ones); without ``--as``, nobody in particular, so only reflections
shared with the whole bank. A facilitator is no special reader: without ``--as`` they see what
everyone may see; reading ``--as`` themselves, a cohort's ``cohort`` reflections too if they are a
member (they played in it). The bank applies these rules, never this command.

``COHORT`` narrows the reading to the reflections written in that cohort's playthroughs; when the
cohort played several stories, ``--story`` says which (as for ``crossroads report``).

``--codebook FILE`` codes the reflections against expected themes (``id: description`` a line).
Without it, the themes the story's authors declared at the prompt (``reflect: {themes: …}``) are
the codebook when the reflections are of one prompt (``--prompt ID``, or a story with only one);
the output says which codebook was used, if any.
``--model-url URL`` groups with an OpenAI-compatible model (key from ``CROSSROADS_MODEL_KEY``).
``--move REFLECTION THEME``, ``--rename THEME NAME`` and ``--merge THEME INTO`` keep a
correction in the bank for this story, prompt and cohort; it applies from then on, in the report
too (``--forget-corrections`` drops them). Each assignment shows how sure it is; the unsure ones
are listed last for a person to look at.
"""

from __future__ import annotations

import argparse
import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

from crossroads.engine.bank import Bank, open_bank
from crossroads.engine.diagnostics import UsageError
from crossroads.engine.reflections import ThemeReport, corrections, find_themes
from crossroads.engine.reflections.codebook import load_codebook, prompt_ids, story_codebooks
from crossroads.engine.reflections.remote import ModelCoder
from crossroads.engine.reflections.source import visible_reflections
from crossroads.engine.reflections.themes import sentence_spans
from crossroads.engine.terminal_text import json_safe
from crossroads.engine.terminal_text import one_line as _plain
from crossroads.tui.commands._common import (
    COHORT_HELP,
    STORY_HELP,
    add_bank_option,
    load_valid,
    require_cohort,
    shipped_story,
    story_id,
)
from crossroads.tui.commands._remote import add_local_option, open_mirror


def register(sub: Any) -> None:
    """Add the ``themes`` subcommand."""
    p = sub.add_parser(
        "themes",
        help="group the reflections of a cohort or a story (or one prompt) into themes",
        description="Group the reflections a reader may see into themes, each with a short "
        "summary and quotes; every reflection is in exactly one theme. Give a cohort's join code "
        "(its playthroughs only), a story, or both. Without --as, only reflections shared with "
        "the whole bank are read; --as NAME reads what that learner may see (a member of the "
        "cohort also sees its cohort-only reflections).",
    )
    p.add_argument("cohort", nargs="?", metavar="COHORT",
                   help=f"{COHORT_HELP}: only reflections written in its playthroughs")
    p.add_argument("--story", metavar="STORY",
                   help=f"{STORY_HELP} (default with COHORT: the one story the cohort played)")
    p.add_argument("--prompt", metavar="ID", help="only this reflection prompt")
    p.add_argument("--as", dest="reader", metavar="NAME", help="read as this learner")
    add_bank_option(p)
    add_local_option(p)
    p.add_argument("--seed", type=int, default=0, help="grouping seed (default 0)")
    p.add_argument("--json", action="store_true", help="print the themes as JSON")
    p.add_argument("--codebook", metavar="FILE",
                   help="code against these themes: 'id: description', one a line")
    p.add_argument("--model-url", metavar="URL",
                   help="group with an OpenAI-compatible chat-completions endpoint "
                   "(key from CROSSROADS_MODEL_KEY); only what the reader may see is sent")
    p.add_argument("--move", nargs=2, metavar=("REFLECTION", "THEME"),
                   help="keep a correction: this reflection belongs in THEME (an id or a name)")
    p.add_argument("--rename", nargs=2, metavar=("THEME", "NAME"),
                   help="keep a correction: call THEME (an id or its name) NAME")
    p.add_argument("--merge", nargs=2, metavar=("THEME", "INTO"),
                   help="keep a correction: THEME's reflections join INTO")
    p.add_argument("--forget-corrections", action="store_true",
                   help="drop the corrections kept for this story, prompt and cohort")
    p.set_defaults(func=run)


def _story(bank: Bank, cohort: str | None, story: str | None) -> str:
    """The story to read: the one given, or the cohort's only story.

    Raises:
        UsageError: neither given, no such cohort, or the cohort played none or several.
    """
    if cohort is None:
        if story is None:
            raise UsageError("give a cohort's join code or --story STORY "
                             "(crossroads themes (COHORT | --story STORY) [--prompt ID])")
        return story_id(story)
    require_cohort(bank, cohort)
    if story is not None:
        return story_id(story)
    played = sorted({p.story_id for p in bank.playthroughs(cohort=cohort)})
    if not played:
        raise UsageError(f"cohort {cohort!r} has no playthroughs yet")
    if len(played) > 1:
        raise UsageError(f"cohort {cohort!r} played {len(played)} stories "
                         f"({', '.join(played)}): name one with --story STORY")
    return played[0]


def _keep_corrections(bank: Bank, scope: str, args: argparse.Namespace) -> None:
    """Record the corrections given on the command line (in a fixed order)."""
    if args.forget_corrections:
        corrections.clear(bank, scope)
    for kind in ("move", "rename", "merge"):
        given = getattr(args, kind)
        if given:
            corrections.record(bank, scope, corrections.Correction(kind, given[0], given[1]))


def _story_codebook(
    story_arg: str | None, story: str, prompt: str | None
) -> tuple[dict[str, str] | None, str | None]:
    """The themes the story's authors declared at the one prompt read, and where they are from.

    The story is the file ``--story`` names, or a shipped story with this id; a story known only
    to the bank, or reflections of several prompts, give no codebook.
    """
    from crossroads.engine.diagnostics import CrossroadsError

    candidates = [a for a in (story_arg, story) if a]
    loaded = None
    for arg in candidates:
        if Path(arg).is_file() or shipped_story(arg) is not None:
            try:
                loaded = load_valid(arg)
            except CrossroadsError:
                return None, None
            break
    if loaded is None:
        from crossroads.engine.paths import stories_dir
        from crossroads.tui.catalog import discover

        entry = discover([stories_dir()]).find(story)
        loaded = entry.story if entry is not None else None
    if loaded is None or loaded.id != story:
        return None, None
    if prompt is None:
        ids = prompt_ids(loaded)
        if len(ids) != 1:
            return None, None
        prompt = ids[0]
    book = story_codebooks(loaded).get(prompt)
    if book is None:
        return None, None
    return book, f"the themes story {story!r} declares at prompt {prompt!r}"


def run(args: argparse.Namespace) -> int:
    """Read, group and print."""
    from crossroads.tui.progress import progress_bar

    codebook = load_codebook(args.codebook) if args.codebook else None
    source = f"the codebook {args.codebook}" if args.codebook else None
    coder = ModelCoder(args.model_url) if args.model_url else None
    mirror = open_mirror(args)
    if mirror is not None:  # through a cohort server: what the caller may see
        if args.reader is not None:
            raise UsageError("--as is for a local bank; through a cohort server you read what "
                             "you may see (add --local to read a local bank)")
        if any(getattr(args, k) for k in ("move", "rename", "merge", "forget_corrections")):
            raise UsageError("corrections are kept in a local bank for now; add --local")
        with mirror:
            cohort = mirror.cohort(args.cohort) if args.cohort is not None else None
            story = _story(mirror.bank, cohort, args.story)
            reflections = list(visible_reflections(mirror.bank, story, args.prompt,
                                                   mirror.reader, cohort=cohort))
            args.reader = "you"
            kept: corrections.Corrections | None = None
    else:
        with open_bank(args.bank) as bank:
            story = _story(bank, args.cohort, args.story)
            if args.reader is not None and bank.learner(args.reader, create=False) is None:
                raise UsageError(f"no learner named {args.reader!r} in the bank at {bank.url}")
            reflections = list(
                visible_reflections(bank, story, args.prompt, args.reader, cohort=args.cohort)
            )
            scope = corrections.scope_key(story, args.prompt, args.cohort)
            _keep_corrections(bank, scope, args)
            kept = corrections.load(bank, scope)
    if codebook is None:
        codebook, source = _story_codebook(args.story, story, args.prompt)
    with progress_bar("finding themes") as bar:
        report = find_themes(reflections, seed=args.seed, progress=bar, codebook=codebook,
                             corrections=kept, coder=coder)
    if args.json:
        data = {"cohort": args.cohort, "story": story, "prompt": args.prompt,
                "reader": args.reader, "codebook": source}
        print(json_safe(json.dumps({**data, **report.to_json()}, indent=2, ensure_ascii=False)))
    else:
        texts = {r.id: r.text for r in reflections}
        print(render(report, story, args.prompt, args.reader, cohort=args.cohort, texts=texts,
                     codebook=source))
    return 0


def _voices(n: int) -> str:
    return f"{n:,} voice{'' if n == 1 else 's'}"


def _sureness(confidence: float) -> str:
    return "sure" if confidence >= 0.6 else "fairly sure" if confidence >= 0.3 else "unsure"


def render(
    report: ThemeReport,
    story: str,
    prompt: str | None,
    reader: str | None,
    width: int = 0,
    cohort: str | None = None,
    texts: dict[str, str] | None = None,
    codebook: str | None = None,
) -> str:
    """The report as plain text, wrapped to the terminal (learner text is never markup).

    Each quote is its own block, one person's words with their name (or "anonymous"); the
    overview line under a theme's name quotes nobody. With ``texts`` (reflection id → text), the
    unsure assignments are listed last with the first sentence of each. ``codebook`` says what
    the reflections were coded against (None: no codebook).
    """
    width = width or max(60, min(100, shutil.get_terminal_size((100, 24)).columns))
    where = f"prompt {prompt!r} of {story!r}" if prompt else f"story {story!r}"
    if cohort is not None:
        where += f" in cohort {cohort!r}"
    who = f"as {reader} may see them" if reader else "shared with the whole bank"
    lines = [_plain(f"Themes in the reflections at {where}, {who}")]
    coded = (f"Coded against {codebook}; reflections that fit none are grouped as new themes"
             if codebook else "No codebook: every theme is found in the reflections themselves")
    lines += textwrap.wrap(_plain(coded), width)
    lines.append("")
    if not report.themes:
        lines += ["No reflections to group.", ""]
    confidence = {a.reflection_id: a for a in report.assignments}
    for number, theme in enumerate(report.themes, start=1):
        sure = [confidence[m] for m in theme.members if m in confidence]
        unsure = sum(a.unsure for a in sure)
        tail = f" ({unsure} unsure)" if unsure else ""
        lines.append(_plain(f"{number}. {theme.title} [{theme.id}] — {_voices(theme.size)}{tail}"))
        if theme.summary:
            lines += textwrap.wrap(
                _plain(theme.summary), width, initial_indent="   ", subsequent_indent="   "
            )
        for quote in theme.quotes:
            lines.append("")
            lines += textwrap.wrap(
                _plain(f"“{quote.text}”"), width, initial_indent="   > ",
                subsequent_indent="     ",
            )
            lines.append(_plain(f"     — {quote.byline}"))
        lines.append("")
    if report.unsure and texts is not None:
        lines.append(f"Unsure ({len(report.unsure)}): please look at these and move any that "
                     "belong elsewhere (--move REFLECTION THEME)")
        for a in report.unsure:
            spans = sentence_spans(texts.get(a.reflection_id, ""))
            first = texts[a.reflection_id][spans[0][0]:spans[0][1]] if spans else ""
            lines.append(_plain(f"  {a.reflection_id} in [{a.theme_id}], "
                                f"{_sureness(a.confidence)} ({a.confidence:.2f})"))
            if first:
                lines += textwrap.wrap(_plain(f"“{first}”"), width, initial_indent="     > ",
                                       subsequent_indent="       ")
        lines.append("")
    lines.append(report.voices)
    return "\n".join(lines)
