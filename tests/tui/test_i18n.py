"""The program's own strings in the learner's language: the catalogues, the language choice, and
the plain player in Spanish (story text stays as written)."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from crossroads.engine.reflections.nudge import NUDGE
from crossroads.tui import i18n
from crossroads.tui.i18n import _, ngettext, set_ui_language, ui_language
from crossroads.tui.plain import INPUT_ENDED, NO, YES, _answered
from devtools import ui_messages
from tests.tui.helpers import ROOT

LOCALE = ROOT / "tui" / "locale"
POT = LOCALE / "crossroads.pot"
ES_PO = LOCALE / "es" / "LC_MESSAGES" / "crossroads.po"
ES_MO = LOCALE / "es" / "LC_MESSAGES" / "crossroads.mo"
FIELD = re.compile(r"\{(\w*)\}")


def _ids(path: Path) -> set[str | tuple[str, ...]]:
    with path.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(fh) if m.id}


# ------------------------------------------------------------------ the catalogues
@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) not installed")
@pytest.mark.parametrize("catalogue", [POT, ES_PO], ids=["pot", "es"])
def test_msgfmt_accepts_the_catalogue(catalogue: Path, tmp_path: Path) -> None:
    done = subprocess.run(["msgfmt", "-c", "--check-format", "-o", str(tmp_path / "out.mo"),
                           str(catalogue)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_template_is_up_to_date_with_the_source(tmp_path: Path) -> None:
    """A string wrapped (or unwrapped) without `python -m devtools.ui_messages all` fails here."""
    fresh = tmp_path / "fresh.pot"
    ui_messages.extract(fresh)
    new, committed = _ids(fresh), _ids(POT)
    assert not new - committed, f"not in crossroads.pot (run the extract): {new - committed}"
    assert not committed - new, f"stale in crossroads.pot (run the extract): {committed - new}"


def test_every_message_has_a_spanish_translation_with_the_same_fields() -> None:
    with ES_PO.open("rb") as fh:
        po = read_po(fh)
    assert _ids(ES_PO) == _ids(POT), "run: python -m devtools.ui_messages update"
    assert po.num_plurals == 3  # CLDR Spanish: one, many (millions), other
    for m in po:
        if not m.id:
            continue
        assert not m.fuzzy, m.id
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert all(strings) and len(strings) == (1 if isinstance(m.id, str) else 3), m.id
        fields = set(FIELD.findall(ids[-1]))
        for s in strings:
            assert set(FIELD.findall(s)) == fields, (m.id, s)


def test_the_shipped_mo_is_compiled_from_the_po(tmp_path: Path) -> None:
    """`python -m devtools.ui_messages compile` was run after the last change to the .po."""
    with ES_PO.open("rb") as fh:
        po = read_po(fh)
    fresh = tmp_path / "es.mo"
    with fresh.open("wb") as fh:
        write_mo(fh, po)
    with fresh.open("rb") as a, ES_MO.open("rb") as b:
        expected = gettext.GNUTranslations(a)._catalog  # type: ignore[attr-defined]
        shipped = gettext.GNUTranslations(b)._catalog  # type: ignore[attr-defined]
    assert shipped == expected


def test_the_engine_nudge_is_in_the_catalogue() -> None:
    """The engine's hint text is shown by both players through ``_``."""
    assert NUDGE in _ids(POT)
    set_ui_language("es")
    assert _(NUDGE) != NUDGE


# ------------------------------------------------------------------ choosing the language
def test_set_ui_language_picks_spanish_and_falls_back_to_english() -> None:
    set_ui_language("es")
    assert (ui_language(), _("Choose a story to live")) == ("es", "Elige una historia para vivirla")
    assert ngettext("{n} word", "{n} words", 1).format(n=1) == "1 palabra"
    assert ngettext("{n} word", "{n} words", 7).format(n=7) == "7 palabras"
    set_ui_language("es_MX.UTF-8")  # a region and an encoding: the Spanish catalogue
    assert _("Skip") == "Omitir"
    set_ui_language("xx")  # no such catalogue: English, silently
    assert (ui_language(), _("Skip")) == ("en", "Skip")
    assert ngettext("{n} word", "{n} words", 0).format(n=0) == "0 words"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"CROSSROADS_LANG": "es", "LANG": "en_US.UTF-8"}, "es"),
        ({"CROSSROADS_LANG": "en", "LANG": "es_ES.UTF-8"}, "en"),
        ({"LANG": "es_ES.UTF-8"}, "es"),
        ({"LC_ALL": "es_AR.UTF-8", "LANG": "en_GB.UTF-8"}, "es"),
        ({"LANGUAGE": "fr:es", "LANG": "C.UTF-8"}, "es"),  # the first with a catalogue
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    for var in i18n.ENV_VARS:
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    set_ui_language(None)
    assert ui_language() == expected


def test_yes_and_no_are_understood_in_spanish_and_in_english() -> None:
    set_ui_language("es")
    for answer in ("s", "sí", "si", "SÍ", "y", "yes"):
        assert _answered(answer, YES), answer
    assert not _answered("", YES)
    assert not _answered("n", YES)
    assert _answered("no", NO)


def test_i18n_imports_no_textual() -> None:
    code = ("import sys, crossroads.tui.i18n as i; i._('Skip')\n"
            "print(','.join(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


# ------------------------------------------------------------------ the plain player
def _plain(home: Path, lang: str, answers: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CROSSROADS_HOME": str(home), "CROSSROADS_LANG": lang}
    return subprocess.run(
        [sys.executable, "-m", "crossroads", "play", "first-week", "--plain", "--as", "bo"],
        cwd=ROOT, env=env, input=answers, capture_output=True, text=True, timeout=120,
    )


def test_the_plain_player_speaks_spanish_and_leaves_the_story_as_written(tmp_path: Path) -> None:
    done = _plain(tmp_path, "es", "1\n1\n")
    assert done.returncode == INPUT_ENDED, done.stderr
    out, err = done.stdout, done.stderr
    assert "Tu elección (1-3): 1" in out
    assert "Advertencia de contenido: " in out
    assert "Eres Akira Johns" in out and "Ahora eres Dana Ruiz" in out
    assert "Reflexión: " in out
    assert "Escribe tantas líneas como quieras" in out
    assert "(guardado)" in err
    assert "La entrada terminó; tu progreso está guardado. Para continuar: crossroads play " in err
    # the story's own words are not the UI's: they stay as the author wrote them
    assert "Your team of fifteen is now eighty." in out
    assert "Book fifteen minutes with each of the sixty-five" in out
    assert "Your choice" not in out and "(saved)" not in err

    again = _plain(tmp_path, "es", "s\n")  # "sí" to resuming
    assert "Tienes una partida guardada de 'The First Week' (2 decisiones tomadas" in again.stdout
    assert "¿Reanudar? [S/n] s" in again.stdout
    assert "Continúas donde lo dejaste." in again.stderr


def test_the_plain_player_in_english_is_unchanged(tmp_path: Path) -> None:
    done = _plain(tmp_path, "en", "1\n")
    assert done.returncode == INPUT_ENDED, done.stderr
    assert "Content note: " in done.stdout
    assert "You are Akira Johns" in done.stdout
    assert "Your choice (1-3): 1" in done.stdout
    assert done.stderr.splitlines()[0] == "(saved)"
    assert done.stderr.splitlines()[-1].startswith(
        "Input ended; your progress is saved. Continue with: crossroads play first-week")
