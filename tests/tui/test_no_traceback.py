"""No command ends in a traceback: every subcommand, run as a real ``python -m crossroads``
process against outputs it cannot write, banks that are missing, corrupt, read-only or folders,
stories that are missing, corrupt or folders, and cohorts that do not exist, exits non-zero with
exactly one line on standard error.

The cases run in parallel threads (one subprocess each) in a module fixture; each parametrised test
then checks its own case, so a failure names the command.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank
from tests.engine.cohort_world import COHORT, STORY_PATH, play_cohort
from tests.tui.helpers import ROOT

_DIAGNOSTIC = re.compile(r"^.+:\d+:\d+: CR\d{3} ")

GARBAGE = bytes(range(256)) * 4
"""Bytes that are neither UTF-8 nor SQLite."""

#: Root ignores permission bits; dropping these capabilities makes a read-only folder read-only.
_AS_OWNER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"]
_ROOT = os.geteuid() == 0
_CAN_BE_READ_ONLY = not _ROOT or shutil.which("setpriv") is not None


@dataclass(frozen=True)
class Case:
    """One command line; ``{w}`` in an argument is replaced by the work folder."""

    args: tuple[str, ...]
    stdin: bytes = b""
    read_only: bool = False
    """Needs a folder that is really read-only to this process."""
    must_fail: bool = True
    """False when the command may legitimately succeed (reading a read-only bank)."""
    home: str = ""
    """CROSSROADS_HOME, the data folder (default: a fresh writable one)."""

    @property
    def id(self) -> str:
        return " ".join(self.args) + (f" (CROSSROADS_HOME={self.home})" if self.home else "")


def _case(*args: str, **kw: object) -> Case:
    return Case(tuple(args), **kw)  # type: ignore[arg-type]


STORY = str(STORY_PATH.relative_to(ROOT))
#: Stories that cannot be used: missing, corrupt bytes, a folder, a missing shipped id.
BAD_STORIES = ["{w}/missing.yaml", "{w}/corrupt.yaml", "{w}/empty-folder", "no-such-story"]
#: Outputs that cannot be written: /proc, a read-only folder, a folder, a missing folder.
BAD_OUTPUTS = ["/proc/x.out", "{w}/read-only/x.out", "{w}/empty-folder", "{w}/missing-out/x.out"]
#: Banks that cannot be used: missing folder, corrupt, a folder, in /proc.
BAD_BANKS = ["{w}/missing-bank/bank.sqlite3", "{w}/corrupt.sqlite3", "{w}/empty-folder",
             "/proc/bank.sqlite3", "ftp://example.org/bank"]
RO_BANK = "{w}/read-only/bank.sqlite3"
L10N_FIXTURES = ROOT / "tests" / "engine" / "l10n" / "fixtures"
L10N_STORY = str((L10N_FIXTURES / "kettle.yaml").relative_to(ROOT))


def _cases() -> Iterator[Case]:
    good = "{w}/bank.sqlite3"
    for story in BAD_STORIES:
        yield _case("play", story, "--plain", "--bank", good)
        yield _case("playtest", story, "--runs", "2")
        yield _case("graph", story)
        yield _case("stats", story)
        yield _case("check", story)
        yield _case("cohort", COHORT, story, "--json", "--bank", good)
        yield _case("report", COHORT, "--story", story, "--json", "--bank", good)
        yield _case("export", "xapi", COHORT, "--story", story, "--bank", good)
    for out in BAD_OUTPUTS:
        ro = "read-only" in out
        if "missing" not in out:  # schema creates missing folders by design
            yield _case("schema", "-o", out, read_only=ro)
        yield _case("graph", "first-week", "-o", out, read_only=ro)
        yield _case("bank", "export", out, "--bank", good, read_only=ro)
        for fmt in ("--csv", "--html"):
            yield _case("report", COHORT, "--story", STORY, fmt, out, "--bank", good,
                        read_only=ro)
        yield _case("export", "xapi", COHORT, "--story", STORY, "-o", out, "--bank", good,
                    read_only=ro)
    # new --dir FOLDER: creates it if missing; fails where it cannot, or where a file is
    for folder in ["/proc/stories", "{w}/read-only/stories", "{w}/a-file", "{w}/a-file/stories"]:
        yield _case("new", "night-shift", "--dir", folder, read_only="read-only" in folder)
    for bank in [*BAD_BANKS, RO_BANK]:
        ro = bank == RO_BANK
        reads = {"must_fail": not ro, "read_only": ro}
        writes = {"read_only": ro}
        yield _case("bank", "list", "--bank", bank, **reads)
        yield _case("bank", "list", "cohorts", "--bank", bank, **reads)
        yield _case("bank", "search", "waited", "--bank", bank, **reads)
        yield _case("bank", "export", "-", "--bank", bank, **reads)
        yield _case("bank", "import", "{w}/bundle.jsonl", "--bank", bank, **writes)
        yield _case("bank", "forget", "ana", "--yes", "--bank", bank, **writes)
        yield _case("cohort", COHORT, STORY, "--json", "--bank", bank, **reads)
        yield _case("report", COHORT, "--story", STORY, "--json", "--bank", bank, **reads)
        yield _case("export", "xapi", COHORT, "--story", STORY, "--bank", bank, **reads)
        yield _case("themes", COHORT, "--bank", bank, **reads)
        yield _case("play", "first-week", "--plain", "--bank", bank, **writes)
    for missing in ["no-such-cohort"]:
        yield _case("cohort", missing, "--json", "--bank", good)
        yield _case("report", missing, "--json", "--bank", good)
        yield _case("export", "xapi", missing, "--bank", good)
        yield _case("themes", missing, "--bank", good)
    # themes: a codebook that cannot be used, a model that cannot be reached or is no URL
    for book in ["{w}/missing.yaml", "{w}/corrupt.yaml", "{w}/empty-folder", "{w}/bundle.jsonl"]:
        yield _case("themes", "--story", STORY, "--codebook", book, "--bank", good)
    for url in ["http://127.0.0.1:9/v1", "ftp://example.org/model", "not a url"]:
        yield _case("themes", "--story", STORY, "--model-url", url, "--bank", good)
    for bundle in ["{w}/missing.jsonl", "{w}/empty-folder", "{w}/corrupt.yaml"]:
        yield _case("bank", "import", bundle, "--bank", good)
    # the data folder (the default bank, saves) cannot be created or written
    for home in ["/proc/crossroads-home", "{w}/a-file", "{w}/read-only"]:
        for args in (("play", "first-week", "--plain"), ("bank", "list"), ("themes", COHORT)):
            yield _case(*args, home=home, read_only="read-only" in home)
    yield _case("bank", "import", "-", "--bank", "{w}/bank.sqlite3", stdin=GARBAGE)
    yield _case("play", "first-week", "--plain", "--bank", "{w}/garbage-in.sqlite3",
                stdin=GARBAGE, must_fail=False)  # garbage answers are asked again, then EOF
    yield _case("classify", stdin=GARBAGE)
    yield _case("classify", stdin=b'{"text": 1}\n')
    yield _case("check", "{w}/corrupt.yaml", "--json")
    # Twine interop: unreadable sources, unusable stories, unwritable outputs
    twee = "tests/fixtures/twee/macro_only.twee"
    for source in ["{w}/missing.twee", "{w}/corrupt.yaml", "{w}/empty-folder"]:
        yield _case("import", "twee", source, "-o", "{w}/imported.yaml")
    for story in BAD_STORIES:
        yield _case("export", "twee", story)
    for out in BAD_OUTPUTS:
        ro = "read-only" in out
        yield _case("import", "twee", twee, "-o", out, "--force", read_only=ro)
        yield _case("export", "twee", "first-week", "-o", out, read_only=ro)
    # the cohort server's commands: banks they cannot open, a host they must not serve on
    for bank in ["{w}/corrupt.sqlite3", "{w}/empty-folder", "/proc/bank.sqlite3"]:
        yield _case("serve", "--bank", bank, "--port", "1")
        yield _case("facilitator", "add", "Fay", "--bank", bank)
    yield _case("serve", "--host", "0.0.0.0", "--bank", good)
    yield _case("serve", "--port", "0", "--bank", good)
    yield _case("serve", "--web", "--web-sessions", "0", "--bank", good)
    yield _case("serve", "--web", "--web-idle", "-1", "--bank", good)
    yield _case("serve", "--web", "--web-sessions", "many", "--bank", good)
    yield _case("serve", "--web", "--bank", "{w}/corrupt.sqlite3", "--port", "1")
    yield _case("server-role", "create", "srv", "--bank", good)
    yield _case("server-role", "create", "srv", "--bank", "postgresql://nobody@127.0.0.1:1/x")
    # the cohort server's client: a server that is not there, no login, a config it cannot write
    down = "http://127.0.0.1:1"
    yield _case("join", down, "CODE")
    yield _case("join", "not a url", "CODE")
    yield _case("login", down, stdin=b"crf_not-a-token\n")
    yield _case("login", down)
    yield _case("logout", must_fail=False)  # not signed in: says so
    yield _case("forget-me", "--yes")
    yield _case("cohort", "create", "Team", "--server", down, "--invite", "2")
    # programmes: files that cannot be used, banks, cohorts and outputs that cannot be
    example = "docs/examples/restructuring-programme.yaml"
    for file in ["{w}/missing.yaml", "{w}/corrupt.yaml", "{w}/empty-folder", "{w}/bundle.jsonl",
                 "/proc/self/mem"]:
        yield _case("programme", "set", COHORT, file, "--bank", good)
        yield _case("programme", "check", file)
    for bank in [*BAD_BANKS, RO_BANK]:
        ro = bank == RO_BANK
        yield _case("programme", "set", COHORT, example, "--bank", bank, read_only=ro)
        yield _case("programme", "status", COHORT, "--bank", bank, read_only=ro)
        yield _case("programme", "show", COHORT, "--bank", bank, read_only=ro)
    for cohort in ["no-such-cohort", COHORT]:  # none by that code; one with no programme
        yield _case("programme", "show", cohort, "--bank", good)
        yield _case("programme", "status", cohort, "--bank", good)
    yield _case("programme", "status", COHORT, "--today", "next-tuesday", "--bank", good)
    for out in BAD_OUTPUTS:
        if "missing" not in out:  # schema creates missing folders by design
            yield _case("programme", "schema", "-o", out, read_only="read-only" in out)
    # the facilitator's notes of a story that cannot be used
    for story in BAD_STORIES:
        yield _case("debrief", story)
    # the debrief guide of a cohort: outputs it cannot write, a cohort that is not there, both
    # formats at once, a bank that cannot be used
    for out in BAD_OUTPUTS:
        yield _case("debrief", COHORT, "--story", STORY, "--html", out, "--bank", good,
                    read_only="read-only" in out)
    yield _case("debrief", "no-such-cohort", "--md", "-", "--bank", good)
    yield _case("debrief", "no-such-cohort", "--bank", good)
    yield _case("debrief", COHORT, "--story", STORY, "--html", "{w}/g.html", "--md", "{w}/g.md",
                "--bank", good)
    for bank in ["{w}/corrupt.sqlite3", "{w}/empty-folder", "ftp://example.org/bank"]:
        yield _case("debrief", COHORT, "--story", STORY, "--md", "-", "--bank", bank)
    # translations: stories and outputs that cannot be used, a corrupt PO file, unknown languages
    kettle = "{w}/l10n/kettle.yaml"  # a copy of the l10n fixture whose es translation is corrupt
    for story in BAD_STORIES:
        yield _case("l10n", "extract", story)
        yield _case("l10n", "update", story, "es")
        yield _case("l10n", "stats", story)
    for out in BAD_OUTPUTS:
        yield _case("l10n", "extract", L10N_STORY, "-o", out, read_only="read-only" in out)
    yield _case("l10n", "update", kettle, "es")
    yield _case("l10n", "stats", kettle)
    yield _case("play", kettle, "--plain", "--lang", "es", "--bank", good)
    for lang in ["xx", "../../etc", ""]:
        yield _case("l10n", "update", kettle, lang)
        yield _case("play", L10N_STORY, "--plain", "--lang", lang, "--bank", good)
    # --lang on the analytics commands: a path, nothing, a code with a line break after it
    for lang in ["../x", "", "es\n"]:
        yield _case("report", COHORT, "--story", STORY, "--json", "--lang", lang, "--bank", good)
        yield _case("cohort", COHORT, STORY, "--json", "--lang", lang, "--bank", good)
        yield _case("export", "xapi", COHORT, "--story", STORY, "--lang", lang, "--bank", good)
    # the language server: garbage and a malformed message from the editor, then end of input
    yield _case("lsp", stdin=GARBAGE, must_fail=False)
    yield _case("lsp", stdin=b'Content-Length: 5\r\n\r\n{"a":', must_fail=False)


CASES = list(_cases())


def test_every_command_has_cases() -> None:
    """A new command gets its hostile cases here too."""
    from crossroads.tui.cli import COMMANDS

    assert set(COMMANDS) - {c.args[0] for c in CASES} == set()


def _prepare(work: Path) -> None:
    (work / "empty-folder").mkdir()
    (work / "read-only").mkdir()
    (work / "a-file").write_text("not a folder\n", encoding="utf-8")
    (work / "corrupt.yaml").write_bytes(GARBAGE)
    (work / "corrupt.sqlite3").write_bytes(GARBAGE)
    shutil.copytree(L10N_FIXTURES, work / "l10n")
    (work / "l10n" / "locale" / "es" / "kettle.po").write_bytes(b'msgid "a"\nmsgstr "b\n' + GARBAGE)
    with open_bank(str(work / "bank.sqlite3")) as bank:
        play_cohort(bank)
    with open_bank(str(work / "read-only" / "bank.sqlite3")) as bank:
        play_cohort(bank)
    bundle = subprocess.run(
        [sys.executable, "-m", "crossroads", "bank", "export", "-", "--bank",
         str(work / "bank.sqlite3")], cwd=ROOT, capture_output=True, check=True)
    (work / "bundle.jsonl").write_bytes(bundle.stdout)
    (work / "read-only" / "bank.sqlite3").chmod(0o444)
    (work / "read-only").chmod(0o555)


def _run(case: Case, work: Path, home: Path) -> subprocess.CompletedProcess[str]:
    args = [a.replace("{w}", str(work)) for a in case.args]
    prefix = _AS_OWNER if _ROOT and case.read_only else []
    home_dir = case.home.replace("{w}", str(work)) or str(home)
    env = {**os.environ, "CROSSROADS_HOME": home_dir, "COLUMNS": "100",
           "CROSSROADS_CONFIG": str(home / "config")}  # never the person's own login
    for name in ("CROSSROADS_BANK", "CROSSROADS_TOKEN"):
        env.pop(name, None)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "crossroads", *args],
        cwd=ROOT, input=case.stdin.decode("latin-1"), capture_output=True, text=True,
        encoding="latin-1", env=env, timeout=120,
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[Case, object]]:
    work = tmp_path_factory.mktemp("no-traceback")
    home = tmp_path_factory.mktemp("home")
    _prepare(work)
    todo = [c for c in CASES if _CAN_BE_READ_ONLY or not c.read_only]
    with ThreadPoolExecutor(max_workers=8) as pool:
        done = dict(zip(todo, pool.map(lambda c: _run(c, work, home), todo), strict=True))
    yield {"work": work, **done}  # type: ignore[dict-item]
    (work / "read-only").chmod(0o755)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fails_in_one_line_without_a_traceback(case: Case, results: dict[object, object]) -> None:
    if case not in results:
        pytest.skip("running as root without setpriv: nothing is read-only")
    out = results[case]
    assert isinstance(out, subprocess.CompletedProcess)
    text = out.stdout + out.stderr
    assert "Traceback" not in text, text
    if out.returncode == 0 and not case.must_fail:
        return
    assert out.returncode != 0, f"exit 0:\n{text}"
    if case.args[0] == "check":  # its report (the diagnostics) goes to standard output
        assert out.stderr.count("\n") <= 1, out.stderr
        assert "CR1" in text, text
        return
    lines = out.stderr.splitlines()
    if case.args[0] == "play" and len(lines) > 1:  # a story with errors: its problems, a summary
        assert all(_DIAGNOSTIC.match(line) for line in lines[:-1]), out.stderr
        return
    assert len(lines) == 1 and lines[0].strip(), out.stderr
