"""Writing output files so that nobody ever reads half of one.

Reports and exports are written to a temporary file in the target's folder and renamed over
the target: a crash or a full disk leaves the old file (or none), never a truncated one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from evidence.errors import InputError


def _file_mode(target: Path) -> int:
    """The existing file's mode, else what the umask gives a new file (mkstemp's 0600 would
    hide a report from colleagues)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 `text` to `path` via a temporary file and a rename; return the path."""
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{path} is a folder", hint="give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: no such folder {folder}")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {path}: {exc.strerror}") from None
        raise
    return target
