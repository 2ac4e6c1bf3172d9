"""Issue 20 through the cohort server: two learners play a translated story in Spanish and one
plays it as written; the facilitator's ``report``, ``cohort`` and ``export xapi`` read the
language the server sends with each path, and ``--lang`` keeps one language's playthroughs,
through the server as on a local bank. All real subprocesses against a real server."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx

from crossroads.engine.bank import open_bank
from tests.server.conftest import ROOT, Server, add_facilitator
from tests.server.test_client_flow import Machine

KETTLE = ROOT / "tests" / "engine" / "l10n" / "fixtures"
# ask, skip the reflection, decline others' stories, continue, rate 4: the good ending
PLAY = "1\n\nn\n1\n4\n\n\n"


def _setup(tmp_path: Path, start_server: Callable[..., Server]
           ) -> tuple[Server, Machine, dict[str, Machine], Path, str]:
    """A server, its facilitator Fay and her cohort 'Team K'; Ana and Bo play the kettle in
    Spanish, Cy as written."""
    stories = tmp_path / "stories"
    shutil.copytree(KETTLE, stories)
    kettle = stories / "kettle.yaml"
    bank = str(tmp_path / "bank.sqlite3")
    token = add_facilitator(bank, "Fay")
    server = start_server(bank)
    fay = Machine(tmp_path, "fay")
    fay.run("login", server.url, stdin=token + "\n")
    codes = fay.run("cohort", "create", "Team K", "--invite", "3").stdout.split()
    assert len(codes) == 3, codes
    learners: dict[str, Machine] = {}
    for (name, lang), code in zip((("Ana", "es"), ("Bo", "es"), ("Cy", None)), codes,
                                  strict=True):
        learners[name] = m = Machine(tmp_path, name)
        m.run("join", server.url, code, "--name", name)
        out = m.run("play", str(kettle), "--plain", *(["--lang", lang] if lang else []),
                    stdin=PLAY, ok=False)
        assert out.returncode == 0, (name, out.stdout[-1500:], out.stderr)
        assert ("La tetera" in out.stdout) == (lang == "es"), out.stdout
    return server, fay, learners, kettle, bank


def test_the_server_sends_the_language_and_lang_filters_through_it(
        tmp_path: Path, start_server: Callable[..., Server]) -> None:
    server, fay, learners, kettle, bank = _setup(tmp_path, start_server)
    cohort = fay.login  # Fay's own id, to ask the server for the raw paths
    with httpx.Client(base_url=server.url,
                      headers={"Authorization": f"Bearer {cohort['token']}"}) as http:
        cid = http.get("/api/cohorts").json()[0]["id"]
        paths = http.get(f"/api/cohorts/{cid}/paths").json()
        assert sorted((p["learner"]["name"], p["lang"]) for p in paths) == [
            ("Ana", "es"), ("Bo", "es"), ("Cy", None)]
        # the cohort export (a bundle) carries it too, and imports with it
        bundle = http.get(f"/api/cohorts/{cid}/export").text
    plays = [json.loads(line) for line in bundle.splitlines()
             if json.loads(line)["type"] == "playthrough"]
    assert sorted(str(p.get("lang")) for p in plays) == ["None", "es", "es"]
    (tmp_path / "team.ndjson").write_text(bundle, encoding="utf-8")
    fay.run("bank", "import", str(tmp_path / "team.ndjson"), "--bank",
            str(tmp_path / "copy.sqlite3"))
    with open_bank(str(tmp_path / "copy.sqlite3")) as copy:
        assert sorted(str(p.lang) for p in copy.playthroughs("kettle")) == ["None", "es", "es"]

    # report through the server: the same filter as on a local bank
    for lang, started in ((None, 3), ("es", 2), ("source", 1), ("de", 0)):
        extra = ["--lang", lang] if lang else []
        report = fay.json("report", "Team K", "--story", str(kettle), "--json", *extra)
        assert report["started"] == started, (lang, report)
        assert report["lang"] == lang
        local = fay.json("report", cid, "--story", str(kettle), "--json", "--bank", bank,
                         *extra)
        # the server sends paths without times, meters or skipped reflections: the rest agrees
        same = ("lang", "learners", "started", "finished", "abandoned", "playing", "endings",
                "splits")
        assert {k: local[k] for k in same} == {k: report[k] for k in same}, lang
        assert [[c["count"] for c in s["choices"]] for s in local["scenes"]] == [
            [c["count"] for c in s["choices"]] for s in report["scenes"]], lang
    # the HTML page and the CSV say which language they show
    page = fay.run("report", "Team K", "--story", str(kettle), "--lang", "es", "--html",
                   "-").stdout
    assert "played in es" in page
    table = list(csv.reader(io.StringIO(fay.run(
        "report", "Team K", "--story", str(kettle), "--lang", "source", "--csv", "-").stdout)))
    assert ["summary", "", "lang", "played as written", "", "", "source"] in table
    assert ["summary", "", "started", "", "", "", "1"] in table

    # a learner's cohort view through the server: mates only of the language asked for
    view = learners["Ana"].json("cohort", "Team K", str(kettle), "--json", "--lang", "es")
    assert view["lang"] == "es" and view["report"]["started"] == 2
    assert [m["learner"] for m in view["mates"]] == ["Bo"]
    assert view["me"] is not None
    view = learners["Ana"].json("cohort", "Team K", str(kettle), "--json", "--lang", "source")
    assert [m["learner"] for m in view["mates"]] == ["Cy"]
    assert view["me"] is not None  # her own path is hers, whatever its language

    # xAPI: each statement says the language its playthrough was played in
    statements = fay.json("export", "xapi", "Team K", "--story", str(kettle))
    ids = {m.login["id"]: n for n, m in learners.items()}
    lang_of = {ids[s["actor"]["account"]["name"]]: s["context"]["language"]
               for s in statements}
    assert lang_of == {"Ana": "es", "Bo": "es", "Cy": "en"}
    spanish = fay.json("export", "xapi", "Team K", "--story", str(kettle), "--lang", "es")
    assert {ids[s["actor"]["account"]["name"]] for s in spanish} == {"Ana", "Bo"}
    assert {s["context"]["language"] for s in spanish} == {"es"}
    assert len(spanish) == sum(1 for s in statements if s["context"]["language"] == "es")

    # a language that is no language code: one line, through the server too
    for bad in ("../x", ""):
        out = fay.run("report", "Team K", "--json", "--lang", bad, ok=False)
        assert out.returncode != 0 and "Traceback" not in out.stderr
        assert out.stderr.count("\n") == 1 and "is not a language code" in out.stderr

