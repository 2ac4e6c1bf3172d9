"""engine.files: every output is written atomically, and failures are one ``path: reason`` line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crossroads.engine.diagnostics import CrossroadsError, OutputError
from crossroads.engine.files import make_folder, open_atomic, write_bytes, write_text


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder of its own (tmp_path also holds the Crossroads home)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def test_write_text_and_bytes(out: Path) -> None:
    assert write_text(out / "a.txt", "héllo\n") == out / "a.txt"
    assert (out / "a.txt").read_bytes() == "héllo\n".encode()
    write_bytes(out / "b.bin", b"\x00\xff", fsync_folder=True)
    assert (out / "b.bin").read_bytes() == b"\x00\xff"
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.bin"]  # no temp files


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(out: Path) -> None:
    target = out / "report.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), open_atomic(target) as fh:
        fh.write("half of the new")
        raise RuntimeError("the generator failed half-way")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in out.iterdir()] == ["report.html"]


def test_a_replaced_file_keeps_its_permissions_and_a_new_one_follows_the_umask(
    out: Path,
) -> None:
    target = out / "kept.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_text(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    os.umask(umask)
    write_text(out / "fresh.txt", "new")
    assert (out / "fresh.txt").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("/proc/crossroads-x.json", "/proc/crossroads-x.json: no such file or directory"),
        ("{out}/missing/x.json", "{out}/missing: no such file or directory"),
        ("{out}", "{out}: is a folder, not a file"),
        ("{out}/a-file/x.json", "{out}/a-file: not a directory"),
    ],
)
def test_an_unwritable_output_is_one_line_naming_the_path(
    out: Path, where: str, message: str
) -> None:
    (out / "a-file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_text(where.format(out=out), "{}")
    assert isinstance(caught.value, CrossroadsError)
    assert caught.value.lines() == [message.format(out=out)]
    assert isinstance(caught.value.__cause__, OSError) or "folder" in message


def test_make_folder(out: Path) -> None:
    assert make_folder(out / "a" / "b").is_dir()
    assert make_folder(out / "a").is_dir()  # already there
    (out / "f").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="f: is a file, not a folder"):
        make_folder(out / "f")
    with pytest.raises(OutputError, match=r"^/proc/crossroads-x: "):
        make_folder("/proc/crossroads-x/y")
