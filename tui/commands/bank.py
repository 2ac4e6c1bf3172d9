"""``crossroads bank list | search | export | import | forget``: look after the story bank."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from typing import Any

from crossroads.engine.bank import Bank, Cohort, open_bank
from crossroads.engine.bank.bundle_check import check_record
from crossroads.engine.bank.journal import Journal, forget_in_journal, journal_path
from crossroads.engine.bank.names import admit_learner
from crossroads.engine.diagnostics import BankError, UsageError
from crossroads.engine.files import describe, open_atomic
from crossroads.engine.terminal_text import json_safe, one_line, terminal_safe
from crossroads.tui.commands._common import add_bank_option, story_id


def register(sub: Any) -> None:
    """Add the ``bank`` subcommand and its actions."""
    p = sub.add_parser(
        "bank",
        help="list, search, export, import or forget the story bank's records",
        description="Look after the story bank: by default the SQLite file in your data folder; "
        "--bank PATH|URL (an SQLite file or a postgresql:// URL) or CROSSROADS_BANK selects "
        "another.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, data: bool = True) -> argparse.ArgumentParser:
        a: argparse.ArgumentParser = actions.add_parser(name, help=help_text, description=help_text)
        add_bank_option(a)
        if data:
            a.add_argument("--json", action="store_true", help="print the result as JSON")
        return a

    ls = action("list", "show how many records the bank holds, or list learners, cohorts or "
                "playthroughs")
    ls.add_argument("what", nargs="?", choices=["learners", "cohorts", "playthroughs"],
                    help="what to list (default: a count of every kind of record)")
    ls.add_argument("--story", metavar="STORY",
                    help="only playthroughs of this story (its id, or its file)")
    ls.add_argument("--cohort", metavar="COHORT", help="only playthroughs in this cohort")
    ls.set_defaults(func=run_list)

    se = action("search", "search the reflections a reader may see (default: only those shared "
                "with the whole bank)")
    se.add_argument("text", metavar="TEXT", help="words to look for")
    se.add_argument("--as", dest="reader", metavar="NAME", help="search as this learner")
    se.add_argument("--story", metavar="STORY", help="only this story (its id, or its file)")
    se.add_argument("--prompt", metavar="ID", help="only this reflection prompt")
    se.add_argument("--limit", type=int, default=20, metavar="N", help="at most N (default 20)")
    from crossroads.tui.commands._remote import add_local_option

    add_local_option(se)
    se.set_defaults(func=run_search)

    ex = action("export", "write every record to a JSON Lines bundle (anonymous reflections "
                "without any link to their author)", data=False)
    ex.add_argument("file", metavar="FILE", help="the bundle to write ('-' for standard output)")
    ex.set_defaults(func=run_export)

    im = action("import", "add a bundle's records that the bank does not hold yet (importing "
                "the same bundle twice adds nothing)")
    im.add_argument("file", metavar="FILE", help="the bundle to read ('-' for standard input)")
    im.set_defaults(func=run_import)

    fo = action("forget", "erase every record of a learner from every table")
    fo.add_argument("learner", metavar="LEARNER", help="the learner's display name")
    fo.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    fo.set_defaults(func=run_forget)


def _story_id(arg: str | None) -> str | None:
    return None if arg is None else story_id(arg)


def _dump(data: Any) -> None:
    print(json_safe(json.dumps(data, indent=2, ensure_ascii=False)))


# ---------------------------------------------------------------------- list
def run_list(args: argparse.Namespace) -> int:
    """Print counts, or the learners, cohorts or playthroughs."""
    with open_bank(args.bank) as bank:
        if args.what is None:
            return _list_counts(bank, args.json)
        if args.what == "learners":
            rows: list[dict[str, Any]] = [
                {"id": x.id, "name": x.name, "created": x.created} for x in bank.learners()
            ]
            columns = ["name", "created", "id"]
        elif args.what == "cohorts":  # never the join codes: a code lets anyone in
            rows = [{"id": c.id, "name": cohort_label(c), "created": c.created}
                    for c in bank.cohorts()]
            columns = ["name", "created", "id"]
        else:
            names = {c.code: cohort_label(c) for c in bank.cohorts()}
            rows = [{"id": p.id, "learner": p.learner, "cohort": names.get(p.cohort or ""),
                     "story": p.story_id,
                     "status": p.status, "ending": p.ending, "started": p.started,
                     "finished": p.finished}
                    for p in bank.playthroughs(_story_id(args.story), args.cohort)]
            columns = ["learner", "story", "cohort", "status", "ending", "started"]
    if args.json:
        _dump(rows)
    else:
        _table(rows, columns)
        print(f"{len(rows)} {args.what if len(rows) != 1 else args.what[:-1]}")
    return 0


def cohort_label(cohort: Cohort) -> str:
    """A cohort's name as listed: never its join code (a cohort named by its code shows a
    fingerprint of it, the first 8 hex digits of its SHA-256, instead)."""
    if cohort.name != cohort.code:
        return cohort.name
    return "cohort " + hashlib.sha256(cohort.code.encode("utf-8")).hexdigest()[:8]


def _list_counts(bank: Bank, as_json: bool) -> int:
    counts = bank.counts()
    if as_json:
        _dump({"bank": bank.url, "schema": bank.schema_version(), "counts": counts})
        return 0
    print(f"story bank {one_line(bank.url)} (schema {bank.schema_version()})")
    for table, n in counts.items():
        print(f"  {table:<13}{n:>10}")
    return 0


def _table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    if not rows:
        return
    cells = [[one_line("" if r[c] is None else str(r[c])) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


# ---------------------------------------------------------------------- search
def run_search(args: argparse.Namespace) -> int:
    """Print the reflections the reader may see that match the words."""
    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    from crossroads.tui.commands._remote import server_login

    login = server_login(args)
    if login is not None:
        found = _search_server(args, login)
    else:
        with open_bank(args.bank) as bank:
            reader = None if args.reader is None else admit_learner(bank, args.reader)
            found = bank.search(args.text, reader=reader, story_id=_story_id(args.story),
                                prompt_id=args.prompt, limit=args.limit)
    if args.json:
        _dump([{"id": r.id, "text": r.text, "author": r.author, "created": r.created,
                "visibility": r.visibility, "mine": r.mine} for r in found])
        return 0
    for r in found:
        who = "anonymous" if r.author is None else one_line(r.author)
        print(f"— {who}, {r.created[:16].replace('T', ' ')} ({r.visibility})")
        print(terminal_safe(r.text).strip())
        print()
    print(f"{len(found)} reflection{'' if len(found) == 1 else 's'} found")
    return 0


def _search_server(args: argparse.Namespace, login: Any) -> list[Any]:
    """Search what the cohort server lets the signed-in caller read."""
    from crossroads.engine.remote.server_bank import shared
    from crossroads.tui.commands._remote import client_for

    if args.reader is not None:
        raise UsageError("--as is for a local bank; signed in to a cohort server, you search "
                         "what you may read (add --local to search a local bank)")
    with client_for(login) as client:
        rows = client.get("/api/reflections", q=args.text, story=_story_id(args.story),
                          prompt=args.prompt, limit=min(args.limit, 200))
    return [shared(r) for r in rows]


# ---------------------------------------------------------------------- export / import
def run_export(args: argparse.Namespace) -> int:
    """Write the bundle (atomically when it is a file)."""
    with open_bank(args.bank) as bank:
        records = bank.export_records()
        if args.file == "-":
            n = _write_lines(sys.stdout, records)
            sys.stdout.flush()
            print(f"exported {n} records", file=sys.stderr)
            return 0
        with open_atomic(args.file) as fh:
            n = _write_lines(fh, records)
    print(f"exported {n} records to {one_line(args.file)}")
    return 0


def _write_lines(fh: Any, records: Iterator[dict[str, Any]]) -> int:
    n = 0
    for record in records:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
        n += record["type"] != "bundle"
    return n


def _read_lines(name: str, lines: Iterator[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise BankError(f"{name}:{number}: not a JSON line ({err.msg})") from err
        if not isinstance(record, dict):
            raise BankError(f"{name}:{number}: each line must be a JSON object")
        try:
            check_record(record)
        except BankError as err:
            raise BankError(f"{name}:{number}: {err.message}") from None
        yield record


def run_import(args: argparse.Namespace) -> int:
    """Add the bundle's new records; report what was added and skipped."""
    with open_bank(args.bank) as bank:
        # every line is read and checked before the bank is written to
        if args.file == "-":
            counts = bank.import_records(list(_read_lines("<stdin>", iter(sys.stdin))))
        else:
            try:
                with open(args.file, encoding="utf-8") as fh:
                    records = list(_read_lines(args.file, iter(fh)))
                counts = bank.import_records(records)
            except OSError as err:
                raise UsageError(describe(err, args.file)) from err
            except UnicodeDecodeError as err:
                raise BankError(f"{args.file}: not a UTF-8 bundle ({err.reason} at byte "
                                f"{err.start})") from err
    if args.json:
        _dump(counts)
        return 0
    added = sum(c["added"] for c in counts.values())
    skipped = sum(c["skipped"] for c in counts.values())
    for kind, c in counts.items():
        if c["added"] or c["skipped"]:
            print(f"  {kind + 's':<13} added {c['added']:>7}   already there {c['skipped']:>7}")
    print(f"imported: {added} added, {skipped} already in the bank")
    return 0


# ---------------------------------------------------------------------- forget
def run_forget(args: argparse.Namespace) -> int:
    """Erase the learner's records after confirmation; report what was removed."""
    with open_bank(args.bank) as bank:
        if bank.learner(args.learner, create=False) is None:
            raise BankError(f"no learner named {args.learner!r} in this story bank")
        if not args.yes and sys.stdin.isatty():
            answer = input(f"Erase every record of {one_line(args.learner)!r} from "
                           f"{one_line(bank.url)}? This cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("nothing erased")
                return 1
        removed = bank.forget(args.learner)
        note = getattr(bank, "erasure_note", None)
        journal = Journal(journal_path(bank.url))
    removed["journal"] = forget_in_journal(journal, args.learner)
    if note:
        print(f"warning: {one_line(note)}", file=sys.stderr)
    if args.json:
        _dump({"learner": args.learner, "removed": removed, "complete": note is None})
        return 0
    for table, n in removed.items():
        print(f"  {table:<13}{n:>7} removed")
    print(f"forgot {one_line(args.learner)}: {sum(removed.values())} records erased")
    return 0
