"""The HTTP cache is a convenience, never a reason to stop: open it, or go on without it.

Both web clients (`entrez`, `trials`) keep their answers in a requests-cache SQLite file. That
file can be damaged (a copy taken mid-write, a disk fault), read-only, or impossible to create
(full disk; requests-cache then retries its lock forever). In each case the command goes on
with an in-memory cache and says once, on the `evidence` logger (the CLI prints it as a
warning), which file and why; a damaged file is first moved aside (`*.broken-<time>`) so the
next run starts a fresh one and nothing is deleted.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

from requests_cache import CachedSession

log = logging.getLogger("evidence")

_DAMAGED = ("not a database", "malformed", "disk image")


class GuardedSession(CachedSession):
    """A CachedSession that turns a cache failure in the middle of a run into the same
    warning and an uncached request, instead of an 'unexpected DatabaseError'."""

    cache_file: Path | None = None

    def request(self, method: str, url: str, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def, override]
        try:
            return super().request(method, url, *args, **kwargs)
        except sqlite3.Error as exc:
            if self.settings.disabled:
                raise
            _warn(self.cache_file, exc, moved=None)
            self.settings.disabled = True
            return super().request(method, url, *args, **kwargs)


def _warn(path: Path | None, exc: BaseException, moved: Path | None) -> None:
    where = f" {path}" if path else ""
    aside = f"; set aside as {moved.name}" if moved else ""
    log.warning(f"the HTTP cache{where} cannot be used ({exc}){aside}; going on without it")


def _set_aside(path: Path) -> Path | None:
    target = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d%H%M%S')}")
    try:
        path.rename(target)
    except OSError:
        return None
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return target


def _probe(session: CachedSession) -> None:
    """Touch the file the way the first request would (read the table, write nothing)."""
    session.cache.responses.keys()  # noqa: B018 - the read is the probe
    next(iter(session.cache.responses.keys()), None)


def open_cache(path: Path, **options: Any) -> GuardedSession:
    """A GuardedSession on `path`, or on memory when the file cannot serve (see the module)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        session = GuardedSession(str(path), backend="sqlite", timeout=15, **options)
        _probe(session)
        session.cache_file = path
        return session
    except (sqlite3.Error, OSError) as exc:
        damaged = any(word in str(exc).lower() for word in _DAMAGED)
        moved = _set_aside(path) if damaged and path.exists() else None
        if moved is not None:
            try:
                session = GuardedSession(str(path), backend="sqlite", timeout=15, **options)
                session.cache_file = path
                log.warning(f"the HTTP cache {path} was damaged ({exc}); set aside as {moved.name}, "
                            "starting a new one")
                return session
            except (sqlite3.Error, OSError) as again:
                exc = again
        _warn(path, exc, moved)
        session = GuardedSession(backend="memory", **options)
        session.cache_file = None
        return session
