"""Writing output files: the one place Crossroads writes a file a person asked for.

Every write is atomic: the bytes go to a temporary file in the same folder, are flushed to disk
(``fsync``), and the temporary file then replaces the target (``os.replace``), so a crash or a full
disk leaves either the old file or the new one, never half of one. Operating-system errors become
:class:`~crossroads.engine.diagnostics.OutputError` with a one-line ``path: reason`` message.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, overload

from crossroads.engine.diagnostics import OutputError

__all__ = ["describe", "make_folder", "open_atomic", "write_bytes", "write_text"]


def describe(err: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """The one-line ``path: reason`` form of an operating-system error.

    Args:
        err: the error.
        path: the path to name when ``err`` names none (or names a temporary file).
    """
    name = path if path is not None else err.filename
    reason = err.strerror or str(err) or type(err).__name__
    if reason and reason[0].isupper() and not reason[:2].isupper():
        reason = reason[0].lower() + reason[1:]
    return f"{os.fspath(name)}: {reason}" if name is not None else reason


@overload
def open_atomic(
    path: str | os.PathLike[str], mode: Literal["w"] = "w", *, fsync_folder: bool = False,
    private: bool = False,
) -> contextlib.AbstractContextManager[IO[str]]: ...


@overload
def open_atomic(
    path: str | os.PathLike[str], mode: Literal["wb"], *, fsync_folder: bool = False,
    private: bool = False,
) -> contextlib.AbstractContextManager[IO[bytes]]: ...


def open_atomic(
    path: str | os.PathLike[str], mode: Literal["w", "wb"] = "w", *, fsync_folder: bool = False,
    private: bool = False,
) -> contextlib.AbstractContextManager[IO[str]] | contextlib.AbstractContextManager[IO[bytes]]:
    """A file to write (text as UTF-8, or bytes) that replaces ``path`` only when the block ends
    without an exception; otherwise ``path`` is untouched and the temporary file removed.

    Args:
        path: the file to write; its folder must exist.
        mode: ``"w"`` (UTF-8 text) or ``"wb"`` (bytes).
        fsync_folder: also flush the folder, so the rename itself survives a power cut.
        private: the file is the user's alone (0600: saves, caches), whatever it was before;
            otherwise it keeps the old file's permissions, else the umask's.

    Raises:
        OutputError: the file cannot be written (``path: reason``).
    """
    return _atomic(Path(path), mode, fsync_folder, private)


@contextlib.contextmanager
def _atomic(  # yields IO[str] or IO[bytes]
    path: Path, mode: str, fsync_folder: bool, private: bool = False
) -> Iterator[Any]:
    if path.is_dir():
        raise OutputError(f"{path}: is a folder, not a file")
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as err:
        raise OutputError(describe(err, _culprit(path, err))) from err
    try:
        try:
            handle = os.fdopen(fd, mode, encoding="utf-8" if mode == "w" else None)
        except BaseException:
            os.close(fd)
            raise
        with handle as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        if not private:  # mkstemp made it 0600
            with contextlib.suppress(OSError):
                os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(describe(err, path)) from err
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if fsync_folder:
        with contextlib.suppress(OSError):  # not every system can open a folder
            dir_fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)


def _culprit(path: Path, err: OSError) -> Path:
    """The path to blame when the temporary file cannot be created: the missing folder, or the
    file itself."""
    if isinstance(err, FileNotFoundError | NotADirectoryError) and not path.parent.is_dir():
        return path.parent
    return path


def _mode_for(path: Path) -> int:
    """The new file's permissions: the old file's, else what ``open`` would give (0o666 less the
    umask; ``mkstemp`` makes 0o600)."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def _read_umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


_UMASK = _read_umask()  # read once, at import: os.umask sets it too, for the whole process


def write_text(path: str | os.PathLike[str], text: str, *, fsync_folder: bool = False) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically; return the path.

    Raises:
        OutputError: the file cannot be written (``path: reason``).
    """
    with open_atomic(path, "w", fsync_folder=fsync_folder) as fh:
        fh.write(text)
    return Path(path)


def write_bytes(
    path: str | os.PathLike[str], data: bytes, *, fsync_folder: bool = False,
    private: bool = False,
) -> Path:
    """Write ``data`` to ``path`` atomically (``private``: mode 0600); return the path.

    Raises:
        OutputError: the file cannot be written (``path: reason``).
    """
    with open_atomic(path, "wb", fsync_folder=fsync_folder, private=private) as fh:
        fh.write(data)
    return Path(path)


def make_folder(path: str | os.PathLike[str]) -> Path:
    """Create the folder ``path`` (and its parents) if it does not exist; return it.

    Raises:
        OutputError: it cannot be created, or a file is in the way (``path: reason``).
    """
    folder = Path(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{folder}: is a file, not a folder") from None
    except OSError as err:
        raise OutputError(describe(err, err.filename or folder)) from err
    return folder
