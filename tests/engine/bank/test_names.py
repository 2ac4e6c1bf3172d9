"""Learner names: one normal form (NFKC), no controls, and no name that passes for another's."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.engine.bank import Bank, open_bank
from crossroads.engine.bank.names import admit_learner, lookalike, normal_name, skeleton
from crossroads.engine.diagnostics import BankError
from crossroads.tui.cli import main
from tests.engine.bank.helpers import play, reflection

CYRILLIC_ANN = "\u0410nn"  # a Cyrillic capital A
GREEK_BOB = "B\u03bfb"  # a Greek small omicron


def test_skeletons_fold_look_alikes_only() -> None:
    assert CYRILLIC_ANN != "Ann" and skeleton(CYRILLIC_ANN) == skeleton("Ann")
    assert skeleton(GREEK_BOB) == skeleton("Bob")
    assert skeleton("A\u200bnn") == skeleton("Ann")  # a zero-width space
    assert skeleton("Ａｎｎ") == "Ann"  # full-width letters: NFKC
    assert skeleton("ann") != skeleton("Ann")
    assert skeleton("Анна") != skeleton("Ann")  # a real Cyrillic name stays distinct
    assert lookalike(CYRILLIC_ANN, ["Bob", "Ann"]) == "Ann"
    assert lookalike("Ann", ["Ann", "Bob"]) is None


def test_normal_form() -> None:
    assert normal_name("  Ｚｅｄ ") == "Zed"
    assert normal_name("ﬁona") == "fiona"
    for bad in ("", "   ", "Eve\nFAKE", "Eve\x1b[2J", "abc\u202eexe", "x" * 201):
        with pytest.raises(BankError):
            normal_name(bad)


def test_the_bank_refuses_a_look_alike_and_stores_the_normal_form(bank: Bank) -> None:
    play(bank, "Ann", None, [reflection("mine", "bank")])
    with pytest.raises(BankError, match="looks like the learner 'Ann'"):
        play(bank, CYRILLIC_ANN, None, [reflection("pretending", "bank")])
    with pytest.raises(BankError, match="control characters"):
        bank.learner("Eve\nFAKE LINE")
    zed = bank.learner("Ｚｅｄ")
    assert zed is not None and zed.name == "Zed"
    assert bank.learner("Ｚｅｄ", create=False) == zed  # found by its normal form too
    assert sorted(x.name for x in bank.learners()) == ["Ann", "Zed"]
    with pytest.raises(BankError, match="looks like"):
        bank.join(GREEK_BOB.replace("B\u03bfb", "Z\u0435d"), "team")  # Cyrillic e


def test_admit_at_as_name(tmp_path: Path) -> None:
    with open_bank(str(tmp_path / "b.sqlite3")) as bank:
        bank.learner("Ann")
        assert admit_learner(bank, "Ann") == "Ann"
        assert admit_learner(bank, " Ｂｏ ") == "Bo"
        with pytest.raises(BankError, match="looks like"):
            admit_learner(bank, CYRILLIC_ANN)
    assert admit_learner(None, "Ｂｏ") == "Bo"


def test_play_as_a_look_alike_is_refused_before_the_story_starts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = str(tmp_path / "b.sqlite3")
    with open_bank(url) as bank:
        bank.learner("Ann")
    code = main(["play", "first-week", "--plain", "--as", CYRILLIC_ANN, "--bank", url])
    out, err = capsys.readouterr()
    assert code != 0 and out == ""
    assert len(err.splitlines()) == 1 and "looks like the learner 'Ann'" in err
    code = main(["cohort", "team", "first-week", "--as", CYRILLIC_ANN, "--json", "--bank", url])
    assert code != 0 and "looks like" in capsys.readouterr().err
