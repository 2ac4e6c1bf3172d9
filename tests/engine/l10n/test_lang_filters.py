"""``--lang`` on a local bank: ``cohort``, ``report`` and ``export xapi`` keep one language's
playthroughs and say which they show; a cohort server's path without a language is "as
written"."""

from __future__ import annotations

import json
from pathlib import Path

from crossroads.engine.bank import open_bank
from crossroads.engine.bank.base import Batch, now
from crossroads.engine.cohort import analyse, cohort_view
from crossroads.engine.cohort.view import cohort_facts
from crossroads.engine.export.xapi import language_tag
from crossroads.engine.remote.mirror import _lang
from tests.engine.l10n.test_round_trip import cli


def _played(kettle: Path, tmp_path: Path) -> Path:
    """ana and cy play the kettle in Spanish, bo as written, all in cohort 'team'."""
    bank = tmp_path / "bank.sqlite3"
    for who, lang in (("ana", "es"), ("bo", None), ("cy", "es")):
        out = cli("play", kettle, "--plain", "--as", who, "--bank", bank, "--cohort", "team",
                  *(["--lang", lang] if lang else []), home=tmp_path / "home",
                  stdin="1\n\nn\n1\n4\n\n\n")
        assert out.returncode == 0, out.stdout + out.stderr
    return bank


def test_cohort_lang_source_locally(kettle: Path, tmp_path: Path) -> None:
    bank = _played(kettle, tmp_path)
    home = tmp_path / "home"

    def view(who: str, *extra: str) -> dict[str, object]:
        out = cli("cohort", "team", kettle, "--json", "--as", who, "--bank", bank, *extra,
                  home=home)
        assert out.returncode == 0, out.stderr
        return dict(json.loads(out.stdout))

    source = view("ana", "--lang", "source")
    assert source["lang"] == "source"
    assert source["report"]["started"] == 1 and source["report"]["lang"] == "source"  # type: ignore[index]
    assert [m["learner"] for m in source["mates"]] == ["bo"]  # type: ignore[attr-defined]
    assert source["me"] is not None  # ana played in Spanish: her own path is still hers
    spanish = view("bo", "--lang", "es")
    assert [m["learner"] for m in spanish["mates"]] == ["ana", "cy"]  # type: ignore[attr-defined]
    everyone = view("bo")
    assert everyone["lang"] is None and everyone["report"]["started"] == 3  # type: ignore[index]
    # the full-screen view's facts say which playthroughs it shows
    from crossroads.tui.commands._common import load_valid

    story = load_valid(str(kettle))
    with open_bank(str(bank)) as b:
        facts = cohort_facts(cohort_view(b, story, "team", "bo", lang="source").report, story)
        assert facts[0] == "Playthroughs: only those played as written"
        assert not cohort_facts(analyse(b, story, "team"), story)[0].startswith("Playthroughs")


def test_report_and_xapi_lang_locally(kettle: Path, tmp_path: Path) -> None:
    bank = _played(kettle, tmp_path)
    home = tmp_path / "home"
    page = cli("report", "team", "--story", kettle, "--html", "-", "--lang", "es", "--bank",
               bank, home=home)
    assert page.returncode == 0 and "cohort team, played in es" in page.stdout
    plain = cli("report", "team", "--story", kettle, "--csv", "-", "--bank", bank, home=home)
    assert plain.returncode == 0 and ",lang," not in plain.stdout  # no filter, no lang row
    out = cli("export", "xapi", "team", "--story", kettle, "--bank", bank, "--lang", "source",
              home=home)
    assert out.returncode == 0, out.stderr
    statements = json.loads(out.stdout)
    assert statements and {s["context"]["language"] for s in statements} == {"en"}
    assert len({s["context"]["registration"] for s in statements}) == 1
    out = cli("export", "xapi", "team", "--story", kettle, "--bank", bank, "--lang", "es",
              home=home)
    regs = {s["context"]["registration"] for s in json.loads(out.stdout)}
    assert len(regs) == 2  # the steps of the left-out playthrough do not shift the others
    everything = json.loads(cli("export", "xapi", "team", "--story", kettle, "--bank", bank,
                                home=home).stdout)
    assert len(everything) == len(statements) + len(json.loads(out.stdout))


def test_a_path_without_a_language_is_as_written(tmp_path: Path) -> None:
    assert _lang(None) is None  # an older server sends no "lang"
    assert _lang("es") == "es" and _lang("pt_BR") == "pt_BR"
    for odd in ("", "../x", "es\n", 7, ["es"], {"a": 1}):
        assert _lang(odd) is None, odd
    assert language_tag(None) == "en" and language_tag("pt_BR") == "pt-BR"
    with open_bank(str(tmp_path / "b.sqlite3")) as bank:
        bank.join("ana", "team", "team")
        bank.write(Batch("00000000-0000-4000-8000-000000000001", "ana", "team", "kettle", "h",
                         now(), lang=_lang(None)))
        assert [p.lang for p in bank.playthroughs("kettle", lang="source")] == [None]


def test_xapi_lang_leaves_out_a_playthrough_that_sorts_first(kettle: Path,
                                                                 tmp_path: Path) -> None:
    """The playthroughs left out by --lang come first in id order: the steps of the others
    still find their playthroughs."""
    from crossroads.engine.export.xapi import statements
    from crossroads.tui.commands._common import load_valid

    story = load_valid(str(kettle))
    ask = {"type": "choice", "scene": "kettle", "index": 0, "key": "ask", "to": "answer",
           "meters": {}}
    with open_bank(str(tmp_path / "b.sqlite3")) as bank:
        for n, (who, lang) in enumerate((("bo", None), ("ana", "es")), start=1):
            bank.join(who, "team", "team")
            bank.write(Batch(f"00000000-0000-4000-8000-00000000000{n}", who, "team", "kettle",
                             "h", now(), events=[ask], lang=lang))
        spanish = list(statements(bank, story, "team", lang="es"))
    assert [s["verb"]["display"]["en-US"] for s in spanish] == [
        "initialized", "experienced", "answered", "experienced"]
    assert {s["context"]["language"] for s in spanish} == {"es"}
