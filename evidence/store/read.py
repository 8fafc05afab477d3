"""Reading the store without the ORM: the stdlib DB-API, plain SELECTs, for the read commands.

Importing SQLAlchemy and SQLModel and building the model classes costs about a third of a
second at every start (issue #16), more than `policy list` or `status` then spend reading. So
the commands that only read open the store with `sqlite3` (or `psycopg` for PostgreSQL) and run
the SELECTs of `evidence.store.queries` over the tables the models define. The models and the
migrations stay the one definition of the schema: this module creates nothing and names only
the columns it selects; tests/test_store_read.py runs every query on a freshly migrated store
(SQLite and PostgreSQL) and checks the values against the ORM's, so a renamed or retyped
column fails a test, not a user.

Opening keeps the checks `open_store` makes: a file that is another application's is refused,
the schema revision is read from `alembic_version` with one query, and a store that is not at
this code's revision (blank, behind, newer, odd) is handed to `open_store` itself, which
upgrades it or refuses it with its usual one line. A store file that does not exist reads as
empty and is not created: a read leaves no trace.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence.config import store_label
from evidence.errors import StoreError

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

BUSY_TIMEOUT_S = 30
#: how many ids one `IN` query carries (well under SQLite's and PostgreSQL's parameter limits)
CHUNK = 500


class Reader:
    """One open connection for reading, with the dialect's small differences smoothed over.

    SQL is written with `?` placeholders (sqlite3's style); for psycopg they become `%s`."""

    def __init__(self, conn: Any, dialect: str, label: str, url: str | None = None,
                 release: Any = None, engine: Engine | None = None) -> None:  # fmt: skip
        self.conn = conn  # None: the store file does not exist yet (every query reads nothing)
        self.dialect = dialect
        self.label = label  # how messages name the store
        self._url = url
        self._release = release
        self._engine = engine
        self._own_engine = False
        self._types: dict[str, dict[str, Any]] = {}

    @property
    def sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.conn is None:
            return []
        if not self.sqlite:
            sql = sql.replace("%", "%%").replace("?", "%s")
        try:
            cursor = self.conn.cursor()
            try:
                cursor.execute(sql, tuple(params))
                return [tuple(r) for r in cursor.fetchall()]
            finally:
                cursor.close()
        except sqlite3.Error as exc:
            raise _sqlite_failure(exc, self.label) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] != "psycopg":
                raise
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"cannot read the store at {self.label}: {reason}") from None

    def chunked(self, sql: str, ids: Sequence[Any], before: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """`sql` with `{ids}` run for each chunk of distinct `ids` (an `IN (?, ...)` list)."""
        unique = list(dict.fromkeys(ids))
        out: list[tuple[Any, ...]] = []
        for i in range(0, len(unique), CHUNK):
            chunk = unique[i : i + CHUNK]
            out += self.rows(sql.format(ids=", ".join("?" * len(chunk))), (*before, *chunk))
        return out

    def converters(self, table: str) -> dict[str, Any]:
        """column -> the converter its declared type needs (SQLite; psycopg decodes itself),
        read from the migrated table, so a column the models add is decoded without a list
        here to keep in step."""
        if table not in self._types:
            found: dict[str, Any] = {}
            if self.sqlite and self.conn is not None:
                for row in self.rows(f"PRAGMA table_info({table})"):
                    convert = _BY_DECLARED.get(str(row[2]).split("(")[0].upper())
                    if convert is not None:
                        found[row[1]] = convert
            self._types[table] = found
        return self._types[table]

    def engine(self) -> Engine:
        """An SQLAlchemy engine on the same store, for the few reads still written for the ORM
        (imports SQLAlchemy: only when such a read has something to read)."""
        if self._engine is None:
            from evidence.store.engine import make_engine

            assert self._url is not None
            self._engine, self._own_engine = make_engine(self._url), True
        return self._engine

    def close(self) -> None:
        if self._release is not None:
            self._release()
        elif self.conn is not None:
            self.conn.close()
        self.conn = None
        if self._own_engine and self._engine is not None:
            self._engine.dispose()


def _sqlite_failure(exc: sqlite3.Error, shown: str) -> StoreError:
    from evidence.store.health import sqlite_error

    return sqlite_error(exc, shown) or StoreError(f"cannot use the store at {shown}: {exc}")


# ---------------------------------------------------------------- opening


@contextmanager
def reading(store: Reader | Engine | str) -> Iterator[Reader]:
    """A Reader on `store`: a database URL (opened and checked here), an SQLAlchemy engine
    that `open_store` opened (its pool lends the connection), or a Reader (used as it is)."""
    if isinstance(store, Reader):
        yield store
        return
    reader = open_reader(store) if isinstance(store, str) else _from_engine(store)
    try:
        yield reader
    finally:
        reader.close()


def _from_engine(engine: Engine) -> Reader:
    raw = engine.raw_connection()
    label = store_label(engine.url.render_as_string(hide_password=True))
    return Reader(raw, engine.dialect.name, label, release=raw.close, engine=engine)


def open_reader(url: str) -> Reader:
    """Open the store at `url` for reading, with the checks `open_store` makes on open."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if path and path != ":memory:" and "?" not in path:
            reader = _open_sqlite(url, Path(path))
            if reader is not None:
                return reader
    elif url.split("://", 1)[0] in ("postgresql", "postgresql+psycopg", "postgres"):
        reader = _open_postgres(url)
        if reader is not None:
            return reader
    return _through_open_store(url)


def _through_open_store(url: str) -> Reader:
    """What the lean path does not settle (a blank, behind or newer store, another URL form):
    `open_store` upgrades it or refuses it in its usual words; then read through its engine."""
    from evidence.store.engine import open_store

    engine = open_store(url, check=False)
    reader = _from_engine(engine)
    reader._url, reader._own_engine = url, True
    return reader


def _open_sqlite(url: str, path: Path) -> Reader | None:
    label = store_label(url)
    if not path.exists():
        return Reader(None, "sqlite", label, url=url)
    if path.stat().st_size == 0:
        return None  # open_store makes the schema in an empty file, as it always has
    from evidence.store.health import refuse_foreign_tables
    from evidence.store.revisions import shipped_head

    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    except sqlite3.Error as exc:
        raise _sqlite_failure(exc, label) from None
    try:
        conn.execute("PRAGMA query_only = ON")  # a read never writes, whatever it runs
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        refuse_foreign_tables(tables, str(path))
        revision = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"cannot use {path} as a store: {exc}") from None
    except BaseException:
        conn.close()
        raise
    if "policy" in tables and revision == shipped_head():
        return Reader(conn, "sqlite", label, url=url)
    conn.close()
    return None


def _open_postgres(url: str) -> Reader | None:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return None
    from evidence.store.revisions import shipped_head

    dsn = "postgresql://" + url.split("://", 1)[1]
    label = store_label(url)
    try:
        conn = psycopg.connect(dsn, autocommit=True)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "no reason"
        raise StoreError(f"cannot open the store at {label}: {reason}") from None
    try:
        ours, versioned = conn.execute(
            "SELECT to_regclass('policy') IS NOT NULL, to_regclass('alembic_version') IS NOT NULL"
        ).fetchone()  # type: ignore[misc]
        revision = None
        if ours and versioned:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
    except BaseException:
        conn.close()
        raise
    if revision == shipped_head():
        return Reader(conn, "postgresql", label, url=url)
    conn.close()
    return None


# ---------------------------------------------------------------- values as the ORM gives them
# SQLite hands back text for dates, times and JSON and 0/1 for booleans; psycopg already
# decodes them. Each turns either into what the models' column types would have produced.


def as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def as_datetime(value: Any) -> datetime | None:
    """In UTC, aware, as SQLModel's UTCDateTime gives it (SQLite keeps UTC without offset)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.utcoffset() is None else value.astimezone(timezone.utc)


_DECODER = json.JSONDecoder()
_SCAN = _DECODER.scan_once  # the C scanner `json.loads` ends in, without its three calls on the way


def as_json(value: Any) -> Any:
    """JSON text decoded as `json.loads` decodes it; a report decodes ~50,000 small values, so
    the common case (one value, nothing around it) goes to the scanner directly."""
    if isinstance(value, str):
        try:
            found, end = _SCAN(value, 0)
        except StopIteration:
            return json.loads(value)  # leading whitespace, or not JSON: as json.loads says
        return found if end == len(value) else json.loads(value)
    return json.loads(value) if isinstance(value, bytes) else value
_BLANK = re.compile(r"[ \t\n\r]*")  # JSON's whitespace


def as_json_items_until(value: Any, stop: Callable[[Any], Any]) -> Any:
    """A JSON array's items up to and including the first that `stop` accepts (every item when
    none does), decoding nothing after it: the report reads only the first named author of a
    record, and decoding every author (with affiliations) of 10,000 records took a tenth of
    its time. A value psycopg already decoded is cut the same way."""
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if not isinstance(value, str):
        return _items_until(value, stop) if isinstance(value, list) else value
    i = _BLANK.match(value).end()
    if value[i : i + 1] != "[":
        return _items_until(json.loads(value), stop)  # not an array: as the full decode gives it
    items: list[Any] = []
    i = _BLANK.match(value, i + 1).end()
    if value[i : i + 1] == "]":
        return items
    while True:
        item, i = _DECODER.raw_decode(value, i)
        items.append(item)
        if stop(item):
            return items
        i = _BLANK.match(value, i).end()
        if value[i : i + 1] == "]":
            return items
        if value[i : i + 1] != ",":
            return _items_until(json.loads(value), stop)  # malformed: fails as the full decode does
        i = _BLANK.match(value, i + 1).end()


def _items_until(items: Any, stop: Callable[[Any], Any]) -> Any:
    if not isinstance(items, list):
        return items
    for n, item in enumerate(items):
        if stop(item):
            return items[: n + 1]
    return items


def as_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


#: SQLite declared type (as the migrations create the columns) -> its converter
_BY_DECLARED = {"JSON": as_json, "DATE": as_date, "DATETIME": as_datetime, "BOOLEAN": as_bool}
