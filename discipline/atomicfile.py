"""Files written whole or not at all: a temporary file beside the target, fsynced, then renamed onto it.

Writing a payroll file in place means a killed process, a full disk or an error halfway through the
rows leaves a file cut mid-row where the last good one was, and Excel opens it without a word. Here
the bytes go to a hidden temporary file in the target's own folder (``.payroll.csv.1a2b3c4d.tmp``, the
same file system, so the rename is atomic); once every byte is written and fsynced, ``os.replace``
puts it in place and the folder is fsynced so the rename survives a power cut. Until that moment the
old file is untouched; on any failure (an exception from the data, ``ENOSPC``, Ctrl-C) the temporary
file is removed and the error goes on up. Only SIGKILL or a power cut can leave a temporary file
behind, never a half-written target::

    write_atomic("payroll.csv", chunks)          # bytes, or any iterable of bytes
    with replacing("backup.db") as partial:      # something else writes the file (SQLite's backup)
        copy_into(partial)

A new file gets the mode the umask gives (0644 under the usual 022, not ``mkstemp``'s 0600); a
replaced file keeps its permission bits. A symbolic link is written through, as ``open("w")`` did.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

#: Bytes gathered before each ``os.write``: payroll rows arrive a few hundred bytes at a time.
BUFFER = 1 << 16


def write_atomic(path: str | os.PathLike[str], data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` to ``path`` so that ``path`` holds either its old content or all of ``data``."""
    chunks: Iterable[bytes] = (data,) if isinstance(data, bytes | bytearray | memoryview) else data
    with _temporary_beside(path) as (fd, _temp):
        pending = bytearray()
        for chunk in chunks:
            pending += chunk
            if len(pending) >= BUFFER:
                _write_all(fd, pending)
                pending.clear()
        _write_all(fd, pending)


@contextlib.contextmanager
def replacing(path: str | os.PathLike[str]) -> Iterator[Path]:
    """An empty temporary file beside ``path`` for another writer to fill; renamed onto ``path`` on success."""
    with _temporary_beside(path) as (_fd, temp):
        yield temp


@contextlib.contextmanager
def _temporary_beside(path: str | os.PathLike[str]) -> Iterator[tuple[int, Path]]:
    """Yield an open descriptor and its temporary path; on a clean exit fsync, close and rename it onto ``path``."""
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    if not target.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(target.parent))
    fd, temp = _create(target)
    try:
        try:
            yield fd, temp
            os.fsync(fd)  # every byte on disk before the name points at it
        finally:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):  # keep a replaced file's permission bits
            os.chmod(temp, stat.S_IMODE(target.stat().st_mode))
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(target.parent)


def _create(target: Path) -> tuple[int, Path]:
    """A new, empty, uniquely named file beside ``target``, created with 0666 so the umask decides its mode."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, 0o666), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable; best effort, since some platforms cannot open or fsync a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
