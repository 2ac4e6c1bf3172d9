"""``crossroads programme set|show|status|check|schema``: a cohort's sessions and who is where.

On a local story bank (``--bank``, ``--local``, or nobody signed in) COHORT is the cohort's join
code; signed in to a cohort server it is the cohort's id or name, and the server decides who may
do what (its facilitator sets the programme and reads the status; its learners read the
programme).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.terminal_text import json_safe, one_line
from crossroads.tui.commands._common import add_bank_option
from crossroads.tui.commands._remote import add_local_option, server_login

if TYPE_CHECKING:
    from crossroads.engine.programme import Programme
    from crossroads.engine.programme_status import ProgrammeStatus
    from crossroads.engine.remote.client import ServerClient
    from crossroads.engine.remote.login import Login

HELP = "a cohort's programme: which story each session plays, by when, and who is where"
COHORT_ARG = ("the cohort: its join code on a local bank; signed in to a cohort server, its id "
              "or name")
SCHEMA_PATH = Path("schema/programme.schema.json")
MARKS = {"done": "✓", "in progress": "~", "not started": "·", "overdue": "!"}
"""One character per state in the status table."""


def register(sub: Any) -> None:
    """Add the ``programme`` subcommand and its actions."""
    p = sub.add_parser(
        "programme", help=HELP,
        description="A cohort's programme (programme.yaml: the sessions, each a story and a "
        "date) — set it, show it, see each member's progress through it. See "
        "docs/programmes.md.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    s = actions.add_parser(
        "set", help="check a programme file and attach it to a cohort",
        description="Check FILE and keep it in the bank as the cohort's programme (replacing "
        "any before). Its sessions may name the shipped stories and the cohort's own; on a "
        "cohort server, only the cohort's stories. Only the cohort's facilitator may set it "
        "there.")
    s.add_argument("cohort", metavar="COHORT", help=COHORT_ARG)
    s.add_argument("file", metavar="FILE", help="the programme file (programme.yaml)")
    _bank_options(s)
    s.set_defaults(func=run_set)

    sh = actions.add_parser("show", help="print a cohort's programme",
                            description="Print the cohort's sessions: date, story, title and "
                            "notes.")
    sh.add_argument("cohort", metavar="COHORT", help=COHORT_ARG)
    sh.add_argument("--yaml", action="store_true", help="print the YAML as it was set")
    _bank_options(sh)
    sh.set_defaults(func=run_show)

    st = actions.add_parser(
        "status", help="each member × each session: done, in progress, not started, overdue",
        description="A table of the cohort's members and its sessions: done (finished the "
        "story), in progress, not started, or overdue (its day has passed and it is not done); "
        "then the next session and how many members are ready for it (done every session "
        "before it). On a cohort server: its facilitator only.")
    st.add_argument("cohort", metavar="COHORT", help=COHORT_ARG)
    st.add_argument("--today", metavar="YYYY-MM-DD", type=_day,
                    help="the day to judge by (default: today)")
    st.add_argument("--json", action="store_true", help="print the status as JSON")
    _bank_options(st)
    st.set_defaults(func=run_status)

    ck = actions.add_parser("check", help="check a programme file without attaching it",
                            description="Check FILE: the format, dates in order and not "
                            "repeated, each story once. Stories that are not shipped are "
                            "named (a cohort may have them; 'set' checks against the bank).")
    ck.add_argument("file", metavar="FILE", help="the programme file")
    ck.set_defaults(func=run_check)

    sc = actions.add_parser("schema", help=f"write {SCHEMA_PATH} for editor completion",
                            description="Write the programme format's JSON Schema (point at "
                            "it from a programme's first line).")
    sc.add_argument("-o", "--output", metavar="FILE", type=Path, default=SCHEMA_PATH,
                    help=f"where to write ('-' for standard output; default {SCHEMA_PATH})")
    sc.set_defaults(func=run_schema)


def _bank_options(p: argparse.ArgumentParser) -> None:
    add_bank_option(p)
    add_local_option(p)


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


# ---------------------------------------------------------------------- the cohort server
def _server(args: argparse.Namespace) -> tuple[Login, ServerClient] | None:
    login = server_login(args)
    if login is None:
        return None
    from crossroads.tui.commands._remote import client_for, resolved

    client = client_for(login)
    try:
        return resolved(login, client), client
    except BaseException:
        client.close()
        raise


def _server_cohort(client: ServerClient, login: Login, arg: str) -> str:
    """The id of the caller's cohort that ``arg`` names (its id or name)."""
    if login.role == "learner":
        if arg in (login.cohort, login.cohort_name):
            assert login.cohort is not None
            return login.cohort
        raise UsageError(f"{arg!r} is not your cohort on {login.url} (yours: "
                         f"{login.cohort_name or login.cohort})")
    cohorts = client.get("/api/cohorts")
    found = [c["id"] for c in cohorts if arg in (c["id"], c["name"])]
    if len(found) == 1:
        return str(found[0])
    if found:
        raise UsageError(f"several of your cohorts are called {arg!r}; give its id (see "
                         "'crossroads cohort list')")
    raise UsageError(f"no cohort of yours called {arg!r} on {login.url} (see 'crossroads cohort "
                     "list')")


def _server_programme(client: ServerClient, cohort: str) -> dict[str, Any] | None:
    from crossroads.engine.remote.client import NotFound

    try:
        return dict(client.get(f"/api/cohorts/{cohort}/programme"))
    except NotFound as err:
        if "no programme" in err.message:
            return None
        raise


# ---------------------------------------------------------------------- set
def run_set(args: argparse.Namespace) -> int:
    """Check the file and attach it to the cohort."""
    from crossroads.engine.diagnostics import StoryError
    from crossroads.engine.loader import _decode, _read_regular
    from crossroads.engine.programme import ProgrammeError, load_programme, load_programme_text
    from crossroads.engine.programme_bank import local_cohort_id, local_story_ids, set_programme

    try:
        text = _decode(_read_regular(Path(args.file), args.file), args.file)
    except StoryError:
        load_programme(args.file)  # the same problem, said of a programme file
        raise
    remote = _server(args)
    if remote is not None:
        from crossroads.engine.remote.client import _BY_STATUS, ServerRefused

        load_programme_text(text, args.file)  # the file's own problems first, positioned in it
        login, client = remote
        with client:
            cohort = _server_cohort(client, login, args.cohort)
            try:
                made = client.request("PUT", f"/api/cohorts/{cohort}/programme",
                                      content=text.encode("utf-8")).json()
            except ServerRefused as err:
                if type(err) in _BY_STATUS.values() or "programme.yaml:" not in err.message:
                    raise
                line = err.message.split("refused: ", 1)[-1].replace("programme.yaml:",
                                                                     f"{args.file}:", 1)
                raise ProgrammeError(line) from None
        print(one_line(f"Set the programme of cohort {args.cohort} on {login.url}: "
                       f"{len(made['sessions'])} sessions, {made['sessions'][0]['date']} to "
                       f"{made['sessions'][-1]['date']}."))
        return 0
    from crossroads.engine.bank import open_bank

    with open_bank(args.bank) as bank:
        new = bank.cohort(args.cohort) is None
        cohort_id = local_cohort_id(bank, args.cohort, create=True)
        stored = set_programme(bank, cohort_id, text, args.file,
                               local_story_ids(bank, cohort_id))
    sessions = stored.programme.sessions
    made_note = " (a new cohort: learners join it with 'crossroads play --cohort "\
                f"{args.cohort}')" if new else ""
    print(one_line(f"Set the programme of cohort {args.cohort}: {len(sessions)} sessions, "
                   f"{sessions[0].date} to {sessions[-1].date}{made_note}."))
    return 0


# ---------------------------------------------------------------------- show
def run_show(args: argparse.Namespace) -> int:
    """Print the cohort's programme."""
    remote = _server(args)
    if remote is not None:
        login, client = remote
        with client:
            data = _server_programme(client, _server_cohort(client, login, args.cohort))
        if data is None:
            raise UsageError(f"cohort {args.cohort} has no programme yet (its facilitator sets "
                             "one: 'crossroads programme set COHORT FILE')")
        text = str(data["yaml"])
    else:
        from crossroads.engine.bank import open_bank
        from crossroads.engine.programme_bank import cohort_programme, local_cohort_id

        with open_bank(args.bank) as bank:
            stored = cohort_programme(bank, local_cohort_id(bank, args.cohort), args.cohort)
        if stored is None:
            raise UsageError(f"cohort {args.cohort} has no programme yet: 'crossroads programme "
                             f"set {args.cohort} FILE'")
        text = stored.yaml
    if args.yaml:
        from crossroads.engine.terminal_text import terminal_safe

        sys.stdout.write(terminal_safe(text if text.endswith("\n") else text + "\n"))
        return 0
    from crossroads.engine.programme import load_programme_text

    _print_programme(load_programme_text(text, f"<the programme of cohort {args.cohort}>"))
    return 0


def _print_programme(programme: Programme) -> None:
    from crossroads.engine.programme_status import short_day

    titles = shipped_titles()
    print(one_line(programme.title or "Programme"))
    for i, s in enumerate(programme.sessions, 1):
        when = short_day(s.date)
        name = _session_name({"title": s.title, "story": s.story}, titles)
        print(one_line(f"{i:>3}. {when:<16} {name}"))
        if s.notes:
            print(one_line(f"     {'':<16} {s.notes}"))


# ---------------------------------------------------------------------- status
def run_status(args: argparse.Namespace) -> int:
    """Print each member's state at each session."""
    today = args.today or dt.date.today()
    remote = _server(args)
    if remote is not None:
        login, client = remote
        if login.role != "facilitator":
            raise UsageError("the programme's status is for the cohort's facilitator; you are "
                             "signed in as a learner ('crossroads play' shows what is due)")
        with client:
            cohort = _server_cohort(client, login, args.cohort)
            from crossroads.engine.remote.client import NotFound

            try:
                data = dict(client.get(f"/api/cohorts/{cohort}/programme/status",
                                       today=today.isoformat()))
            except NotFound as err:
                if "no programme" not in err.message:
                    raise
                raise UsageError(f"cohort {args.cohort} has no programme yet: 'crossroads "
                                 f"programme set {args.cohort} FILE'") from None
    else:
        data = _local_status(args, today).to_json()
    if args.json:
        print(json_safe(json.dumps(data, indent=2, ensure_ascii=False)))
        return 0
    print(status_table(data, args.cohort))
    return 0


def _local_status(args: argparse.Namespace, today: dt.date) -> ProgrammeStatus:
    from crossroads.engine.bank import open_bank
    from crossroads.engine.programme_bank import cohort_programme, local_cohort_id, member_progress
    from crossroads.engine.programme_status import programme_status

    with open_bank(args.bank) as bank:
        cohort_id = local_cohort_id(bank, args.cohort)
        stored = cohort_programme(bank, cohort_id, args.cohort)
        if stored is None:
            raise UsageError(f"cohort {args.cohort} has no programme yet: 'crossroads programme "
                             f"set {args.cohort} FILE'")
        members = member_progress(bank, cohort_id)
    return programme_status(stored.programme, members, today)


def shipped_titles() -> dict[str, str]:
    """The titles of the shipped stories by id, read from each file's ``title:`` line (without
    loading the stories)."""
    import re

    from crossroads.engine.paths import stories_dir

    out: dict[str, str] = {}
    for path in stories_dir().glob("*.yaml"):
        with path.open(encoding="utf-8") as fh:
            head = "".join(line for _, line in zip(range(12), fh, strict=False))
        found = re.search(r"^title:\s*(.+?)\s*$", head, re.MULTILINE)
        if found and not found[1].startswith(("'", '"', ">", "|")):
            out[path.stem] = found[1]
    return out


def _session_name(session: dict[str, Any], titles: dict[str, str]) -> str:
    if session.get("title"):
        return f"{session['title']} ({session['story']})"
    title = titles.get(session["story"])
    return f"{title} ({session['story']})" if title else str(session["story"])


def _width(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _fit(text: str, width: int) -> str:
    text = one_line(text)
    while _width(text) > width:
        text = text[:-2] + "…"
    return text + " " * (width - _width(text))


def status_table(data: dict[str, Any], cohort: str) -> str:
    """The status as text: one row per member, one column per session, then the next session
    and who is ready for it (``data`` as ``ProgrammeStatus.to_json`` gives it)."""
    sessions, members = data["sessions"], data["members"]
    titles = shipped_titles()
    today = dt.date.fromisoformat(data["today"])
    title = data.get("title") or "programme"
    lines = [f"{title} — cohort {cohort}, {len(members)} members, on {today.isoformat()}"]
    if not members:
        lines.append("No members yet: learners join the cohort, then play.")
    name_w = min(24, max([_width(one_line(m["name"])) for m in members] + [6]))
    if members:
        lines.append(_fit("", name_w) + " " + " ".join(f"{s['n']:>2}" for s in sessions))
    for m in members:
        cells = " ".join(f"{MARKS.get(state, '?'):>2}" for state in m["states"])
        lines.append(_fit(m["name"], name_w) + " " + cells)
    if members:
        done = [sum(m["states"][i] == "done" for m in members) for i in range(len(sessions))]
        lines.append(_fit("done", name_w) + " " + " ".join(f"{d:>2}" for d in done))
        lines.append("✓ done   ~ in progress   · not started   ! overdue (its day has passed)")
    lines.append("")
    for s in sessions:
        late = sum(m["states"][s["n"] - 1] == "overdue" for m in members)
        flag = f"   {late} overdue" if late else ""
        lines.append(one_line(f"{s['n']:>3}. {s['date']}  {_session_name(s, titles)}{flag}"))
    nxt = data.get("next")
    lines.append("")
    if nxt is None:
        lines.append("The programme is over: every session's day has passed.")
    else:
        s = sessions[nxt["n"] - 1]
        lines.append(one_line(
            f"Next: session {nxt['n']} on {s['date']}, "
            f"{s.get('title') or titles.get(s['story']) or s['story']} — "
            f"{nxt['ready']} of {nxt['members']} ready (done every session before it)."))
    return "\n".join(lines)


# ---------------------------------------------------------------------- check and schema
def run_check(args: argparse.Namespace) -> int:
    """Check a programme file; name the stories that are not shipped."""
    from crossroads.engine.programme import load_programme
    from crossroads.engine.programme_bank import shipped_story_ids

    programme = load_programme(args.file)
    shipped = shipped_story_ids()
    for s in programme.sessions:
        if s.story not in shipped:
            print(one_line(f"{args.file}: note: {s.story!r} is not a shipped story; the cohort "
                           "must have it ('crossroads programme set' checks)"), file=sys.stderr)
    first, last = programme.sessions[0].date, programme.sessions[-1].date
    print(one_line(f"{args.file}: {len(programme.sessions)} sessions, {first} to {last}: ok"))
    return 0


def run_schema(args: argparse.Namespace) -> int:
    """Write the programme schema."""
    from crossroads.engine.programme import programme_schema
    from crossroads.tui.commands.schema import write_schema

    return write_schema(programme_schema(), args.output)
