"""Writing output files so that nobody ever reads half of one, and nothing that was not ours
is ever replaced.

What `-o PATH` does depends on what is at PATH:

- nothing, or a regular file: the text goes to a temporary file in the same folder, which is
  then renamed over the target. A crash or a full disk leaves the old file (or none), never a
  truncated one, and the file keeps its permissions.
- a symbolic link: the same, on the file the link points to; the link itself stays a link.
- a character device or a FIFO (`/dev/null`, `/dev/stdout`, a named pipe): written in place.
  Renaming over it would replace a system file with a regular one (as root, `/dev/null`).
- a read-only regular file (no write bit for anyone): refused, unless `force`. As root every
  file is writable, so the bits, not `os.access`, say what the owner meant.
- a folder, a block device or a socket: refused.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TextIO

from evidence.errors import InputError


def _file_mode(target: Path) -> int:
    """The existing file's mode, else what the umask gives a new file (mkstemp's 0600 would
    hide a report from colleagues)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _real_target(path: Path) -> Path:
    """Where the bytes go: through any symlinks to the file they name (which may not exist)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


#: what `write_output` writes: text (UTF-8 encoded), bytes, or a function that writes text to
#: the stream it is given, so a big export goes out as it is formatted, never whole in memory
Data = str | bytes | Callable[[TextIO], None]


def _put(fh: BinaryIO, data: Data) -> None:
    if isinstance(data, bytes):
        fh.write(data)
    elif isinstance(data, str):
        fh.write(data.encode("utf-8"))
    else:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")  # type: ignore[arg-type]
        try:
            data(text)
            text.flush()
        finally:
            text.detach()


def _write_in_place(target: Path, data: Data, shown: str) -> None:
    try:
        with open(target, "wb") as fh:  # a device or FIFO: no temporary file, no rename
            _put(fh, data)
    except OSError as exc:
        raise InputError(f"cannot write {shown}: {exc.strerror}") from None


def _write_replacing(target: Path, data: Data, shown: str) -> None:
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {shown}: no such folder {folder}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {shown}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            _put(fh, data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {shown}: {exc.strerror}") from None
        raise


def write_output(path: str | Path, data: Data, force: bool = False) -> Path:
    """Write `data` (text is UTF-8 encoded; a function is handed a UTF-8 text stream, with no
    newline translation) to `path` by the rules above; return the path."""
    shown = str(path)
    payload = data
    target = _real_target(Path(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise InputError(f"cannot write {shown}: {exc.strerror}") from None
    if mode is None:
        _write_replacing(target, payload, shown)
    elif stat.S_ISDIR(mode):
        raise InputError(f"{shown} is a folder", hint="give a file name")
    elif stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        _write_in_place(target, payload, shown)
    elif not stat.S_ISREG(mode):
        raise InputError(f"will not write to {shown}: it is not a regular file, a pipe or a terminal")
    elif not mode & 0o222 and not force:
        raise InputError(f"{shown} is read-only", hint="use --force to replace it")
    else:
        _write_replacing(target, payload, shown)
    return Path(path)


def write_atomic(path: str | Path, text: str, force: bool = False) -> Path:
    """Write UTF-8 `text` to `path` (see `write_output`); return the path."""
    return write_output(path, text, force=force)
