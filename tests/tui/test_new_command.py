"""``crossroads new``: writes a clean starter, refuses to overwrite, rejects bad ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from crossroads.tui.cli import main


def test_new_writes_a_story_that_checks_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "stories"
    assert main(["new", "night-shift", "--title", "The Night Shift", "--dir", str(out)]) == 0
    path = out / "night-shift.yaml"
    assert path.is_file()
    assert 'title: "The Night Shift"' in path.read_text(encoding="utf-8")
    assert str(path) in capsys.readouterr().out
    assert main(["check", str(out)]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out


def test_new_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text("keep me", encoding="utf-8")
    assert main(["new", "demo", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err
    assert path.read_text(encoding="utf-8") == "keep me"
    assert main(["new", "demo", "--dir", str(tmp_path), "--force"]) == 0
    assert "format: crossroads/1" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", ["../escape", "with space", ".x", "a:b"])
def test_bad_id_is_one_line_and_exit_2(
    bad: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["new", bad, "--dir", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a valid story id" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_default_dir_is_stories(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "demo"]) == 0
    assert (tmp_path / "stories" / "demo.yaml").is_file()


@pytest.mark.parametrize("length", [101, 300])
def test_a_very_long_id_is_one_clean_line(length: int, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "a" * length, "--dir", str(tmp_path / "out")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and "too long" in err
    assert not (tmp_path / "out").exists()
