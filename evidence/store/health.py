"""Is this file a healthy `evidence` store? Checked before we write to it, never after.

Three things go wrong with a store file in practice, and each gets one line that names the
file, says what is wrong and what to do:

- it is somebody else's SQLite file (EVIDENCE_DB pointed at the wrong place): it has tables
  but none of ours, so we refuse it and leave it exactly as it was;
- its pages are damaged (a disk fault, a copy taken mid-write): `PRAGMA quick_check` before
  the first write of a command finds that, and we refuse to write into it;
- the file or its disk cannot take a write (read-only file or folder, full disk): SQLite's
  errors are turned into the same kind of line by `translate_errors`.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

from evidence.errors import StoreError

if TYPE_CHECKING:  # SQLAlchemy only where an engine is at hand: the lean read path has none
    from sqlalchemy.engine import Connection, Engine

OUR_TABLES = frozenset({"policy", "alembic_version"})


def sqlite_path(engine: Engine) -> Path | None:
    """The store's file, for an SQLite store on disk (None otherwise)."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def where(engine: Engine) -> str:
    path = sqlite_path(engine)
    return str(path) if path else engine.url.render_as_string(hide_password=True)


def _recovery(path: str) -> str:
    return (
        f"recover what it holds with: sqlite3 {path} .recover | sqlite3 recovered.sqlite, "
        "or restore a backup (evidence db backup makes one)"
    )


def refuse_foreign(conn: Connection, shown: str) -> None:
    """A database with tables but not ours is another application's: never add ours to it."""
    from sqlalchemy import inspect

    refuse_foreign_tables(set(inspect(conn).get_table_names()), shown)


def refuse_foreign_tables(tables: set[str], shown: str) -> None:
    """The refusal itself, from the database's table names (shared with `evidence.store.read`)."""
    if tables and "policy" not in tables:
        listed = ", ".join(sorted(tables)[:5]) + (" ..." if len(tables) > 5 else "")
        raise StoreError(
            f"{shown} is not an evidence store (it holds other tables: {listed}); left unchanged",
            hint="point EVIDENCE_DB or --db at an evidence store or a new file",
        )


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def quick_check(engine: Engine) -> None:
    """Refuse a damaged SQLite store before anything is written into it."""
    path = sqlite_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(_read_only(path)) as conn:
            rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"the store at {path} is damaged ({exc}); {_recovery(str(path))}") from None
    problems = [r[0] for r in rows if r and r[0] != "ok"]
    if problems:
        first = next(ln for ln in problems[0].splitlines() if ln.strip() and not ln.startswith("***"))
        raise StoreError(f"the store at {path} is damaged ({first.strip()}); {_recovery(str(path))}")


def refuse_foreign_file(engine: Engine) -> None:
    """The same refusal as `refuse_foreign`, read with a plain read-only connection before the
    engine's first connection: that one switches the file to WAL, which is already a change."""
    path = sqlite_path(engine)
    if path is None or not path.exists() or path.stat().st_size == 0:
        return
    try:
        with closing(_read_only(path)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot use {path} as a store: {exc}") from None
    refuse_foreign_tables(tables, str(path))


def integrity_report(engine: Engine) -> list[str]:
    """Everything `evidence db check` finds wrong (an empty list: healthy)."""
    path = sqlite_path(engine)
    if path is None:
        return []
    if not path.exists():
        return [f"{path} does not exist"]
    try:
        with closing(_read_only(path)) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    problems = [r[0] for r in rows if r and r[0] != "ok"]
    if broken:
        problems.append(f"{len(broken)} rows point at rows that do not exist")
    return problems


def backup(engine: Engine, destination: str | Path, force: bool = False) -> Path:
    """Copy a live SQLite store with SQLite's online backup API (consistent while others
    write), into a temporary file renamed into place, so a half-made backup never exists."""
    source = sqlite_path(engine)
    if source is None:
        raise StoreError(
            "evidence db backup copies SQLite stores; for PostgreSQL use pg_dump",
            hint="pg_dump --format=custom --file evidence.dump DATABASE_URL",
        )
    target = Path(destination)
    if target.exists() and not force:
        raise StoreError(f"{target} exists", hint="use --force to replace it")
    if target.resolve() == source.resolve():
        raise StoreError("the backup must go to another file than the store")
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    os.close(fd)
    try:
        with closing(_read_only(source)) as src, closing(sqlite3.connect(tmp)) as dst:
            src.backup(dst)
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"cannot back up {source} to {target}: {exc}") from None
    return target


_CAUSES = (
    ("readonly database", "it is read-only (check the file's and its folder's permissions)"),
    ("disk is full", "the disk is full"),
    ("disk i/o error", "the disk reported an I/O error"),
    ("malformed", "it is damaged"),
    ("file is not a database", "it is not an SQLite database"),
    ("unable to open database", "the file cannot be opened"),
)


def translate_errors(engine: Engine) -> None:
    """Turn SQLite's low-level failures into one StoreError line naming the file."""
    if engine.dialect.name != "sqlite":
        return
    from sqlalchemy import event

    shown = where(engine)

    @event.listens_for(engine, "handle_error")
    def _translate(context) -> None:  # type: ignore[no-untyped-def]
        error = sqlite_error(context.original_exception, shown)
        if error is not None:
            raise error from None


def sqlite_error(exc: BaseException, shown: str) -> StoreError | None:
    """The one line for an SQLite failure whose cause we know (None: not one of those)."""
    message = str(exc).lower()
    for needle, cause in _CAUSES:
        if needle in message:
            hint = f"; {_recovery(shown)}" if needle in ("malformed", "file is not a database") else ""
            return StoreError(f"cannot use the store at {shown}: {cause}{hint}")
    return None
