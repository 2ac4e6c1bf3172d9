"""Themes on a labelled set: named, attributed, never joining two people's words, and measured."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from crossroads.engine.diagnostics import UsageError
from crossroads.engine.reflections import find_themes
from crossroads.engine.reflections.codebook import load_codebook, parse_codebook
from crossroads.engine.reflections.corrections import Correction, Corrections
from crossroads.engine.reflections.text import STOPWORDS
from crossroads.engine.reflections.themes import ThemeReport
from crossroads.tui.commands.themes import render
from devtools.agreement import adjusted_mutual_info

DATA = Path(__file__).resolve().parents[2] / "data"
NAMES = ("Eli", "Ben", "Ana", "Cy", None)


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    author: str | None


ROWS = [json.loads(line) for line in (DATA / "themes.jsonl").read_text().splitlines()]
ITEMS = [Item(r["id"], r["text"], NAMES[k % len(NAMES)]) for k, r in enumerate(ROWS)]
TRUTH = {r["id"]: r["theme"] for r in ROWS}
CODEBOOK = load_codebook(DATA / "themes_codebook.yaml")


def _ami(report: ThemeReport) -> float:
    labels = report.labels()
    return adjusted_mutual_info([TRUTH[i.id] for i in ITEMS], [labels[i.id] for i in ITEMS])


def _catch_all(report: ThemeReport) -> float:
    return sum(t.size for t in report.themes if t.other) / report.total


def test_the_labelled_set_is_large_and_varied() -> None:
    assert len(ROWS) >= 60 and len(set(TRUTH.values())) >= 5
    assert len({r["text"] for r in ROWS}) == len(ROWS)
    for theme in set(TRUTH.values()):  # no word gives a theme away (in most of its reflections)
        texts = [r["text"].lower() for r in ROWS if r["theme"] == theme]
        words = {w for t in texts for w in re.findall(r"[a-z]{4,}", t)}
        assert not [w for w in words if sum(w in t for t in texts) > len(texts) / 2], theme


@pytest.mark.parametrize(("codebook", "goal"), [(CODEBOOK, 0.35), (None, 0.2)])
def test_agreement_with_the_labels_meets_the_goals(codebook: dict[str, str] | None,
                                                   goal: float) -> None:
    report = find_themes(ITEMS, codebook=codebook)
    assert _ami(report) >= goal
    assert _catch_all(report) <= 0.2
    assert report.voices == f"{len(ITEMS)} of {len(ITEMS)} voices represented"


def _held_out(*names: str) -> tuple[list[Item], dict[str, str]]:
    rows = [json.loads(line) for name in names
            for line in (DATA / name).read_text(encoding="utf-8").splitlines()]
    return [Item(r["id"], r["text"], None) for r in rows], {r["id"]: r["theme"] for r in rows}


#: Floors below what the method reaches (in brackets) by a margin, so that a regression fails.
#: ``themes_holdout.jsonl`` and ``themes_holdout2.jsonl`` were developed on in issue 14 (the
#: relational phrases and the evidence coding were built looking at them): development sets now.
#: ``themes_holdout3.jsonl`` was written and committed before any of that was scored and measured
#: once with the method frozen: its figures are the honest ones (the codebook figure is short of
#: the 0.35 goal there; the floor says what the method clears, not the goal).
HELD_OUT_FLOORS = [
    (("themes_holdout.jsonl",), CODEBOOK, 0.36),  # 0.432
    (("themes_holdout.jsonl",), None, 0.2),  # 0.265
    (("themes_holdout2.jsonl",), CODEBOOK, 0.38),  # 0.455
    (("themes_holdout2.jsonl",), None, 0.42),  # 0.518
    (("themes_holdout.jsonl", "themes_holdout2.jsonl"), CODEBOOK, 0.36),  # 0.430
    (("themes_holdout.jsonl", "themes_holdout2.jsonl"), None, 0.32),  # 0.394
    (("themes_holdout3.jsonl",), CODEBOOK, 0.2),  # 0.249, measured once
    (("themes_holdout3.jsonl",), None, 0.25),  # 0.310, measured once
]


@pytest.mark.parametrize(("names", "codebook", "floor"), HELD_OUT_FLOORS)
def test_held_out_agreement_stays_above_its_floor(
    names: tuple[str, ...], codebook: dict[str, str] | None, floor: float
) -> None:
    items, truth = _held_out(*names)
    assert len(items) >= 36 and len(set(truth.values())) == 6
    report = find_themes(items, codebook=codebook)
    labels = report.labels()
    ami = adjusted_mutual_info([truth[i.id] for i in items], [labels[i.id] for i in items])
    assert ami >= floor
    assert _catch_all(report) <= 0.2


@pytest.mark.parametrize("name", ["themes_holdout2.jsonl", "themes_holdout3.jsonl"])
def test_the_later_held_out_sets_give_no_theme_away(name: str) -> None:
    items, truth = _held_out(name)
    assert len(items) >= 48 and len({i.text for i in items}) == len(items)
    for theme in set(truth.values()):
        texts = [i.text.lower() for i in items if truth[i.id] == theme]
        words = {w for t in texts for w in re.findall(r"[a-z]{4,}", t)} - STOPWORDS
        assert not [w for w in words if sum(w in t for t in texts) > len(texts) / 2], theme
        assert theme not in " ".join(texts)  # not even the theme's own name


def test_names_are_phrases_and_codes_keep_their_ids() -> None:
    report = find_themes(ITEMS, codebook=CODEBOOK)
    coded = {t.id: t for t in report.themes if t.coded}
    assert set(coded) <= set(CODEBOOK) and len(coded) >= 5
    assert coded["caring"].title == "Looking after family alongside work"
    for theme in find_themes(ITEMS).themes:
        assert "," not in theme.title and len(theme.title.split()) >= 2  # not a list of words


def _shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))
    return {tuple(words[k:k + size]) for k in range(len(words) - size + 1)}


@pytest.mark.parametrize("codebook", [CODEBOOK, None])
def test_no_text_joins_two_people(codebook: dict[str, str] | None) -> None:
    report = find_themes(ITEMS, codebook=codebook)
    by_id = {i.id: i for i in ITEMS}
    for theme in report.themes:
        assert theme.quotes
        for quote in theme.quotes:
            holders = [i for i in ITEMS if quote.text in i.text]
            assert [h.id for h in holders] == [quote.reflection_id]  # verbatim, in exactly one
            assert quote.author == by_id[quote.reflection_id].author
            assert quote.reflection_id in theme.members
            assert quote.text[-1] in ".!?…" or by_id[quote.reflection_id].text.endswith(
                quote.text)  # whole sentences
    text = render(report, "s", None, None, width=70, texts={i.id: i.text for i in ITEMS})
    for line in text.splitlines():
        assert not _joins_two(line), f"a line carries the words of two people: {line!r}"
    # the check itself catches what the old summaries did: Eli's sentence, then Ben's
    assert _joins_two(f"{ITEMS[0].text} {ITEMS[1].text}")


OWN = {i.id: _shingles(i.text) for i in ITEMS}
ALL = set().union(*OWN.values())


def _joins_two(line: str) -> bool:
    """True when the line holds words of two reflections that no one reflection holds alone."""
    words = _shingles(line) & ALL
    return bool(words) and not any(words <= s for s in OWN.values())


def test_assignments_have_confidence_and_the_unsure_are_listed() -> None:
    report = find_themes(ITEMS, codebook=CODEBOOK)
    assert len(report.assignments) == len(ITEMS)
    assert all(0.0 <= a.confidence <= 1.0 for a in report.assignments)
    assert report.unsure and all(a.confidence < 0.3 for a in report.unsure)
    text = render(report, "s", None, None, texts={i.id: i.text for i in ITEMS})
    assert f"Unsure ({len(report.unsure)})" in text
    assert report.unsure[0].reflection_id in text


def test_corrections_move_rename_and_merge() -> None:
    first = find_themes(ITEMS, codebook=CODEBOOK)
    rid = next(m for t in first.themes if t.id == "voice" for m in t.members)
    fixes = Corrections([
        Correction("move", rid, "trust"),
        Correction("rename", "trust", "Promises kept and broken"),
        Correction("merge", "recognition", "fairness"),
        Correction("move", "no-such-reflection", "voice"),
    ])
    report = find_themes(ITEMS, codebook=CODEBOOK, corrections=fixes)
    themes = {t.id: t for t in report.themes}
    assert rid in themes["trust"].members and themes["trust"].title == "Promises kept and broken"
    assert "recognition" not in themes
    before = {t.id: t.size for t in first.themes}
    assert themes["fairness"].size == before["fairness"] + before["recognition"]
    moved = next(a for a in report.assignments if a.reflection_id == rid)
    assert moved.corrected and moved.confidence == 1.0 and not moved.unsure
    assert report.voices == f"{len(ITEMS)} of {len(ITEMS)} voices represented"


def test_a_move_to_a_new_name_makes_that_theme() -> None:
    fixes = Corrections([Correction("move", ITEMS[0].id, "Fear of looking weak")])
    report = find_themes(ITEMS, corrections=fixes)
    theme = next(t for t in report.themes if ITEMS[0].id in t.members)
    assert theme.title == "Fear of looking weak" and theme.size == 1


def test_codebook_errors_name_file_and_line(tmp_path: Path) -> None:
    assert parse_codebook("# c\na: One thing - words\n\nb-2: Other") == {
        "a": "One thing - words", "b-2": "Other"}
    bad = tmp_path / "book.yaml"
    bad.write_text("a: fine\njust words\n")
    with pytest.raises(UsageError, match=r"book.yaml:2:1: expected 'id: description'"):
        load_codebook(bad)
    with pytest.raises(UsageError, match="cannot read the codebook"):
        load_codebook(tmp_path / "missing.yaml")
    with pytest.raises(UsageError, match="given twice"):
        parse_codebook("a: x\na: y")


def test_a_bank_without_corrections_reads_none_and_refuses_to_keep_one() -> None:
    from crossroads.engine.reflections import corrections

    class Remote:
        url = "https://cohort.example"

    assert corrections.load(Remote(), "s/*/*").items == []  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="need a local or PostgreSQL story bank"):
        corrections.record(Remote(), "s/*/*", Correction("move", "r1", "x"))  # type: ignore[arg-type]
