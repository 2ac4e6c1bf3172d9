"""First Week in Spanish: the shipped translation is complete, checks clean and plays to an ending.

When First Week changes, the first test fails until the translation follows: it names the
entries to translate and the command that brings the PO file up to date.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crossroads.engine.bank import open_bank
from crossroads.engine.check import check_story_file
from crossroads.engine.l10n.apply import message_id
from crossroads.engine.l10n.catalog import stats
from crossroads.engine.l10n.keys import story_strings
from crossroads.engine.l10n.locale import read_po
from tests.plain_keyboard import Answer, play_at_keyboard
from tests.tui.helpers import FIRST_WEEK, ROOT

PO = ROOT / "stories" / "locale" / "es" / "first-week.po"
HOW_TO_UPDATE = (
    "First Week changed and its Spanish translation did not follow. Run\n"
    "    python -m crossroads l10n update stories/first-week.yaml es\n"
    "then translate the entries listed (Poedit: untranslated or 'Needs work'; the old source is\n"
    "shown as '#| msgid'), delete obsolete '#~' entries, and check with\n"
    "    python -m crossroads check first-week && python -m crossroads l10n stats first-week\n"
    "(see docs/translating.md)."
)


def test_every_string_of_first_week_is_translated_and_reviewed() -> None:
    story = check_story_file(FIRST_WEEK).story
    assert story is not None
    _, entries = read_po(PO)
    live = {e.msgctxt: e for e in entries if not e.obsolete and e.msgctxt}
    missing, fuzzy, stale = [], [], []
    for s in story_strings(story):
        entry = live.get(s.key)
        if entry is None or not entry.msgstr:
            missing.append(s.key)
        elif entry.fuzzy:
            fuzzy.append(s.key)
        elif message_id(s.key, s.text) != message_id(s.key, entry.msgid):
            stale.append(s.key)  # translated from an older source text
    obsolete = [e.msgctxt or e.msgid for e in entries if e.obsolete]
    problems = {"not translated": missing, "fuzzy": fuzzy, "source text changed": stale,
                "obsolete": obsolete}
    assert not any(problems.values()), "\n".join(
        [f"{PO.relative_to(ROOT)}:"]
        + [f"  {what}: {', '.join(keys)}" for what, keys in problems.items() if keys]
        + [HOW_TO_UPDATE])
    (es,) = stats(story, FIRST_WEEK, ["es"])
    assert es.translated == es.total == len(live) and es.total > 90, es


def _cli(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CROSSROADS_HOME": str(home), "COLUMNS": "100"}
    env.pop("CROSSROADS_BANK", None)
    return subprocess.run([sys.executable, "-m", "crossroads", *map(str, args)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def test_the_check_finds_every_placeholder_in_place(tmp_path: Path) -> None:
    out = _cli("check", "--deep", FIRST_WEEK, home=tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 errors, 0 warnings" in out.stdout
    assert "CR53" not in out.stdout, out.stdout  # no broken, missing, fuzzy or stale entry
    stats_out = _cli("l10n", "stats", "first-week", home=tmp_path)
    assert stats_out.stdout.strip() == (
        "first-week [es]: 96/96 translated (100%), 0 fuzzy, 0 untranslated"), stats_out.stdout


@pytest.mark.skipif(shutil.which("msgfmt") is None and not os.environ.get(
    "CROSSROADS_REQUIRE_MSGFMT"), reason="GNU gettext's msgfmt is not installed")
def test_gnu_msgfmt_accepts_the_translation() -> None:
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    out = subprocess.run([msgfmt, "-c", "--check-format", "--statistics", "-o", os.devnull,
                          str(PO)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stderr.strip() == "96 translated messages.", out.stderr


# ------------------------------------------------------------------ a learner plays in Spanish


def _play(home: Path, bank: Path, answer: Answer) -> tuple[int, str, str]:
    """Play ``first-week --plain --lang es`` as a person at the keyboard (a prompt ``answer``
    does not know, an English one say, fails the test)."""
    env = {**os.environ, "CROSSROADS_HOME": str(home)}
    env.pop("CROSSROADS_BANK", None)
    env.pop("CROSSROADS_LANG", None)  # --lang alone must put the player in Spanish
    argv = [sys.executable, "-m", "crossroads", "play", "first-week", "--plain", "--lang", "es",
            "--as", "lucia", "--bank", str(bank)]
    return play_at_keyboard(argv, answer, cwd=ROOT, env=env)


def _chooser(wanted: list[str], reflections: list[list[str]]) -> Answer:
    """A learner who picks, at each choice, the option that begins with the next of ``wanted``
    (read on the screen, not counted), writes each reflection in Spanish and shares it with
    the bank under their name."""
    wanted, pending = list(wanted), [list(r) for r in reflections]
    lines: list[str] = []

    def answer(tail: str, text: str) -> str | None:
        if tail.startswith("Tu elección"):
            menu = text.rsplit("\n\n", 1)[-1].splitlines()
            want = wanted.pop(0)
            for line in menu:
                number, _, say = line.strip().partition(". ")
                if say.startswith(want):
                    return number
            pytest.fail(f"no option {want!r} in {menu}")
        if tail.startswith("> "):
            if not lines:
                lines.extend([*pending.pop(0), ""])
            return lines.pop(0)
        if tail.startswith("¿Quién puede leerla?"):
            return "2"  # the bank, so the test can read it back
        if tail.startswith(("¿Compartirla de forma anónima?", "¿Leer las historias de otros")):
            return "n"
        return None

    return answer


ENGLISH = ("Your choice", "You are", "Reflection:", "THE END", "(saved)", "Book fifteen",
           "Monday", "Pricing", "Send every group", "What happened", "Remember a")


def test_a_learner_plays_first_week_in_spanish_to_the_good_ending(tmp_path: Path) -> None:
    bank = tmp_path / "bank.sqlite3"
    reflections = [
        ["En mi primer trabajo, la directora general se sentó conmigo en la cafetería.",
         "Me preguntó qué me costaba más y apuntó mi respuesta en una servilleta."],
        ["El primer día en un equipo nuevo, una compañera me llevó a comer y me presentó a "
         "todo el mundo.", "Al día siguiente ya sabía a quién preguntar."],
    ]
    code, out, err = _play(tmp_path / "home", bank, _chooser(
        ["Preguntar a tus tres nuevos", "Preguntarle a Wen qué ayudaría",
         "Asistir a toda la primera sesión", "Aceptar y escribir la única pregunta",
         "Decir que no lo sabes", "Enviar a cada grupo"], reflections))
    assert code == 0, err
    for spanish in (
        "La primera semana", "Advertencia de contenido: rumores de despidos tras una adquisición",
        "Eres Akira Johns, gerente recién ascendida.",
        "Lunes, 8:02 a. m.",
        "Es lunes 6 de enero. El correo de Ruth Adler ocupa cuatro líneas: Tras la adquisición,",
        "Tu elección (1-3): ",
        "Ahora eres Dana Ruiz, analista de Precios, una de las ochenta personas.",
        # {cast.…} in a translated passage, and the {if asked_leads} branch in Spanish
        "Eres Dana Ruiz, analista de Precios, una de las ochenta personas. Tu equipo llegó",
        "Priya pasó por tu mesa y te preguntó qué te preocupa.",
        "Reflexión: ¿En qué momento alguien muy por encima de ti en una organización",
        "Escribe tantas líneas como quieras",
        "La decisión se tomará el 31 de marzo",  # {fact.decision_date}, translated
        "Te quedan 45 horas de energía",  # {time}, a meter
        "«No era lo que querían oír», dice Priya.",  # {elif honest and trust >= 50}
        "FIN — El equipo empieza a escuchar por ti (buen final)",
        "Tu recorrido:", "Confianza del equipo: 45 → 50",
    ):
        assert spanish in out, (spanish, out)
    for english in ENGLISH:
        assert english not in out, (english, out)
    assert "(guardado)" in err and "(saved)" not in err
    with open_bank(str(bank)) as b:
        (played,) = b.playthroughs("first-week")
        assert played.lang == "es"
        assert [p.id for p in b.playthroughs("first-week", lang="es")] == [played.id]
        texts = [r.text for r in b.reflections_for("first-week")]
    assert texts == ["\n".join(r) for r in reflections], texts


def test_a_promise_and_a_skipped_lunch_end_in_spanish_too(tmp_path: Path) -> None:
    reflections = [
        ["Cuando cambiaron a mi jefe, el nuevo director me escribió un correo de dos líneas.",
         "No volví a saber de él en seis meses."],
        ["Le prometí a un compañero que su contrato se renovaría, antes de saberlo.",
         "Cuando no se renovó, tardó un año en volver a confiar en mí."],
        ["En mi primera semana como responsable nadie me explicó nada.",
         "Una compañera de otro equipo me enseñó las herramientas a escondidas."],
    ]
    code, out, err = _play(tmp_path / "home", tmp_path / "bank.sqlite3", _chooser(
        ["Reservar quince minutos", "Cancelar el almuerzo", "Aceptar, con la idea",
         "Decirle que nadie de Precios", "Tomarte el fin de semana"], reflections))
    assert code == 0, err
    for spanish in (
        "El rumor en el chat del equipo es que los recortes empezarán por Precios.",  # {else}
        "Dana dice que todo va bien.",
        "Reflexión: Recuerda una promesa que hiciste para tranquilizar a alguien",
        "El mensaje de Sam del lunes sigue sin respuesta.",  # {if skipped_lunch}
        "Akira dice que nadie se va a la calle.",  # {if promised}
        "Sábado", "FIN — Ochenta nombres en un calendario (final difícil)",
    ):
        assert spanish in out, (spanish, out)
    for english in ENGLISH:
        assert english not in out, (english, out)
