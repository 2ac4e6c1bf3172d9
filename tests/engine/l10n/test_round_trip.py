"""The translator's round trip through the real command line: extract, update, check, play.

Every PO file and template the tool writes must pass GNU gettext's ``msgfmt -c``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank
from crossroads.engine.l10n.po import parse_po
from tests.tui.helpers import ROOT

MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(
    MSGFMT is None and not os.environ.get("CROSSROADS_REQUIRE_MSGFMT"),
    reason="GNU gettext's msgfmt is not installed (apt install gettext)")


def cli(*args: str | Path, home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CROSSROADS_HOME": str(home), "COLUMNS": "100"}
    env.pop("CROSSROADS_BANK", None)
    return subprocess.run([sys.executable, "-m", "crossroads", *map(str, args)], cwd=ROOT,
                          env=env, input=stdin, capture_output=True, text=True, timeout=120)


def msgfmt_check(path: Path) -> None:
    assert MSGFMT is not None
    out = subprocess.run([MSGFMT, "-c", "-o", os.devnull, str(path)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr


def entry(po: Path, key: str) -> tuple[int, str]:
    """The 1-based line of the ``msgstr`` of the entry ``key``, and the file's text."""
    text = po.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = lines.index(f'msgctxt "{key}"')
    return next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr")) + 1, text


def set_msgstr(po: Path, key: str, value: str, fuzzy: bool = False) -> None:
    """Replace one entry's one-line ``msgstr`` (and mark it fuzzy)."""
    line, text = entry(po, key)
    lines = text.splitlines()
    lines[line - 1] = f'msgstr "{value}"'
    while lines[line].startswith('"'):  # a translation that ran over several lines
        del lines[line]
    if fuzzy:
        ctx = lines.index(f'msgctxt "{key}"')
        if lines[ctx - 1].startswith("#,"):
            lines[ctx - 1] += ", fuzzy"
        else:
            lines.insert(ctx, "#, fuzzy")
    po.write_text("\n".join(lines) + "\n", encoding="utf-8")


@needs_msgfmt
def test_extract_is_stable_and_msgfmt_accepts_it(kettle: Path, tmp_path: Path) -> None:
    out1, out2 = tmp_path / "a.pot", tmp_path / "b.pot"
    first = cli("l10n", "extract", kettle, "-o", out1, home=tmp_path)
    assert first.returncode == 0, first.stderr
    assert cli("l10n", "extract", kettle, "-o", out2, home=tmp_path).returncode == 0
    assert out1.read_bytes() == out2.read_bytes()
    msgfmt_check(out1)
    _, entries = parse_po(out1.read_text(encoding="utf-8"))
    keys = [e.msgctxt for e in entries]
    assert keys[:3] == ["@story.title", "@story.summary", "@content_notes.0"]
    assert {"kettle.ask.say", "answer.reflect.prompt", "warm.checkin.curious",
            "warm.ending.title", "@fact.rota", "@cast.ben.role"} <= set(keys)
    assert len(keys) == len(set(keys))
    pot = out1.read_text(encoding="utf-8")
    # the point of view and the speaker, the file and line, the format flag
    assert re.search(r'#\. scene kettle: a choice; point of view: Ana \(ana, new hire\); '
                     r'speaker: the\n#\. learner.*\n#: kettle\.yaml:21\n'
                     r'#, python-brace-format\nmsgctxt "kettle\.ask\.say"', pot), pot
    # the world's facts come with the story, located in the world file
    assert '#: worlds/office.yaml:8\nmsgctxt "@fact.rota"' in pot
    # an {if} block is not Python's brace syntax: flagged so msgfmt leaves it to crossroads check
    assert '#, no-python-brace-format\nmsgctxt "answer.text"' in pot


def test_a_choice_without_an_id_warns_at_its_position(kettle: Path, tmp_path: Path) -> None:
    out = cli("l10n", "extract", kettle, "-o", tmp_path / "k.pot", home=tmp_path)
    assert out.returncode == 0
    warnings = [line for line in out.stderr.splitlines() if "CR536" in line]
    assert warnings == [f"{kettle}:25:9: CR536 warning: this choice has no id: its translation "
                        "is keyed 'kettle.choice-2.say', which changes if the choices are "
                        "reordered — give the choice an 'id:' (a short name, unique in the "
                        "scene)"]


@needs_msgfmt
def test_update_keeps_translations_and_marks_changed_ones_fuzzy(kettle: Path,
                                                               tmp_path: Path) -> None:
    po = kettle.parent / "locale" / "es" / "kettle.po"
    text = kettle.read_text(encoding="utf-8")
    text = text.replace("title: Monday, 10:40", "title: Monday, 10:45")  # changed
    text = text.replace("    text: The kettle clicks off.\n", "")  # removed
    kettle.write_text(text, encoding="utf-8")
    out = cli("l10n", "update", kettle, "es", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "0 new, 1 to review (fuzzy), 1 obsolete" in out.stdout
    msgfmt_check(po)
    _, entries = parse_po(po.read_text(encoding="utf-8"))
    by_key = {e.msgctxt: e for e in entries if not e.obsolete}
    changed = by_key["kettle.title"]
    assert (changed.msgid, changed.msgstr, changed.fuzzy) == ("Monday, 10:45", "Lunes, 10:40",
                                                              True)
    assert '#| msgid "Monday, 10:40"' in po.read_text(encoding="utf-8")
    assert by_key["kettle.ask.say"].translated  # untouched translations stay as they were
    assert [e.msgctxt for e in entries if e.obsolete] == ["quiet.text"]
    # a brand-new language starts with every string untranslated
    out = cli("l10n", "update", kettle, "de", home=tmp_path)
    assert out.returncode == 0, out.stderr
    msgfmt_check(kettle.parent / "locale" / "de" / "kettle.po")
    stats = cli("l10n", "stats", kettle, home=tmp_path)
    assert stats.stdout.splitlines() == [
        "kettle [de]: 0/20 translated (0%), 0 fuzzy, 20 untranslated",
        "kettle [es]: 19/20 translated (95%), 1 fuzzy, 0 untranslated",
    ]


def test_check_reports_broken_translations_at_their_po_lines(kettle: Path,
                                                            tmp_path: Path) -> None:
    po = kettle.parent / "locale" / "es" / "kettle.po"
    set_msgstr(po, "kettle.ask.say", "Preguntar a {cast.ben.nombre} por la semana")
    set_msgstr(po, "kettle.text", "Ben llena la tetera. Confianza: {confianza}.")
    set_msgstr(po, "answer.text", "{if asked}Levanta la vista.{else}Se encoge de hombros.")
    set_msgstr(po, "quiet.text", "La tetera se apaga.", fuzzy=True)
    say, _ = entry(po, "kettle.ask.say")
    text, _ = entry(po, "kettle.text")
    block, _ = entry(po, "answer.text")
    out = cli("check", kettle, home=tmp_path)
    assert out.returncode == 1
    found = [line.replace(f"{po}:", "PO:") for line in out.stdout.splitlines()
             if " CR53" in line]
    hint = " — use exactly the {…} of the source (msgid), in any order"
    assert f"PO:{say}:22: CR531 error: 'kettle.ask.say': the translation uses " \
        "{cast.ben.nombre}, which the source does not" + hint in found, found
    assert f"PO:{text}:42: CR531 error: 'kettle.text': the translation uses {{confianza}}, " \
        "which the source does not" + hint in found, found
    assert f"PO:{block}:9: CR531 error: 'answer.text': the translation's {{…}} do not parse: " \
        "'{if}' is never closed" + hint in found, found
    assert any("CR535 info" in f and "'quiet.text' is marked fuzzy" in f for f in found), found
    assert out.stdout.count(" error: ") == 3


def test_a_shipped_library_without_translations_checks_as_before(tmp_path: Path) -> None:
    out = cli("check", "break-room", home=tmp_path)
    assert out.returncode == 0 and "CR53" not in out.stdout


def test_untranslated_and_stale_entries_are_information_not_failures(kettle: Path,
                                                                     tmp_path: Path) -> None:
    po = kettle.parent / "locale" / "es" / "kettle.po"
    set_msgstr(po, "warm.text", "")
    kettle.write_text(kettle.read_text(encoding="utf-8").replace(
        "title: Monday, 10:40", "title: Monday, 10:45"), encoding="utf-8")
    out = cli("check", kettle, home=tmp_path)
    assert out.returncode == 0, out.stdout
    assert "0 errors, 0 warnings" in out.stdout
    assert "CR532 info: 1 of 21 strings are not translated yet" in out.stdout
    assert "CR535 info: 'kettle.title': the source text changed" in out.stdout


def play_plain(story: Path, home: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    # ask, skip the reflection, decline others' stories, continue, rate 4: the good ending
    return cli("play", story, "--plain", "--as", "ana", *extra, home=home,
               stdin="1\n\nn\n1\n4\n\n\n")


def test_play_a_translation_in_plain_text(kettle: Path, tmp_path: Path) -> None:
    po = kettle.parent / "locale" / "es" / "kettle.po"
    set_msgstr(po, "warm.text", "")  # untranslated: the source shows
    set_msgstr(po, "answer.reflect.prompt", "¿Por qué?", fuzzy=True)  # fuzzy: the source shows
    bank = tmp_path / "bank.sqlite3"
    out = play_plain(kettle, tmp_path / "home", "--lang", "es", "--bank", str(bank), "--cohort",
                     "team")
    assert out.returncode == 0, out.stdout + out.stderr
    for spanish in ("La tetera", "Ben está llenando la tetera. La confianza es 40. El turno de "
                    "fregar está en la nevera.", "Preguntar a Ben cómo empezó la semana",
                    "Levanta la vista, sorprendido de que preguntes.", "Pregunto antes de suponer",
                    "Té para Ben"):
        assert spanish in out.stdout, out.stdout
    assert "You share the last biscuit." in out.stdout  # untranslated
    assert "What made you ask?" in out.stdout and "¿Por qué?" not in out.stdout  # fuzzy
    # the bank records the language; the report keeps only that language's playthroughs
    assert play_plain(kettle, tmp_path / "home", "--bank", str(bank), "--cohort",
                      "team").returncode == 0
    with open_bank(str(bank)) as b:
        assert sorted(str(p.lang) for p in b.playthroughs("kettle")) == ["None", "es"]
        assert [p.lang for p in b.playthroughs("kettle", lang="es")] == ["es"]
        assert [p.lang for p in b.playthroughs("kettle", lang="source")] == [None]
    import json
    for lang, started in (("es", 1), ("source", 1), ("de", 0)):
        report = cli("report", "team", "--story", kettle, "--json", "--bank", bank, "--lang", lang,
                     "--local", home=tmp_path / "home")
        assert report.returncode == 0, report.stderr
        assert json.loads(report.stdout)["started"] == started


def test_play_a_broken_translation_shows_the_source_there(kettle: Path, tmp_path: Path) -> None:
    po = kettle.parent / "locale" / "es" / "kettle.po"
    set_msgstr(po, "answer.text", "{if asked}Levanta la vista.")  # unbalanced: never shown
    out = play_plain(kettle, tmp_path, "--lang", "es")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "He looks up, surprised you asked." in out.stdout
    assert "Preguntar a Ben" in out.stdout


def test_playing_a_translation_twice_imports_neither_babel_nor_validation(
        kettle: Path, tmp_path: Path) -> None:
    from tests.tui.test_import_hygiene import _REPORT_MODULES, HEAVY

    report = tmp_path / "modules.txt"
    env = {**os.environ, "CROSSROADS_HOME": str(tmp_path / "home"),
           "HEAVY": ",".join((*HEAVY, "babel")), "REPORT": str(report)}
    for n in range(2):
        out = subprocess.run(
            [sys.executable, "-c", _REPORT_MODULES, "play", str(kettle), "--plain", "--as", "bo",
             "--lang", "es"], cwd=ROOT, env=env, input="", capture_output=True, text=True)
        assert "La tetera" in out.stdout, out.stderr
        if n == 0:
            assert "pydantic" in report.read_text()  # the first play validates the story
    assert report.read_text() == ""


@needs_msgfmt
@pytest.mark.parametrize("story_file", sorted((ROOT / "stories").glob("*.yaml")),
                         ids=lambda p: p.stem)
def test_every_shipped_storys_template_and_new_translation_pass_msgfmt(
        story_file: Path, tmp_path: Path) -> None:
    from crossroads.engine.check import check_story_file
    from crossroads.engine.l10n.catalog import po_bytes, template, update

    story = check_story_file(story_file).story
    assert story is not None
    pot = tmp_path / "story.pot"
    pot.write_bytes(po_bytes(template(story, story_file)))
    msgfmt_check(pot)
    # a language no shipped story has yet (First Week ships Spanish); nothing written
    path, data, counts = update(story, story_file, "de")
    assert not path.exists() and counts["new"] > 0
    po = tmp_path / "story.po"
    po.write_bytes(data)
    msgfmt_check(po)


def test_the_plain_picker_plays_the_language_asked_or_as_written(kettle: Path,
                                                                 tmp_path: Path) -> None:
    spanish = cli("play", kettle.parent, "--plain", "--as", "ana", "--lang", "es", home=tmp_path,
                  stdin="1\n")
    assert "La tetera" in spanish.stdout and "--lang es" in spanish.stderr  # the resume hint
    german = cli("play", kettle.parent, "--plain", "--as", "bo", "--lang", "de", home=tmp_path,
                 stdin="1\n")
    assert "no 'de' translation of kettle.yaml" in german.stderr
    assert "playing it as written" in german.stderr and "The Kettle" in german.stdout
