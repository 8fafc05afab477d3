"""Insert-or-update that is one statement on SQLite and PostgreSQL alike.

"Look up, then insert if missing" races: two processes (or a re-run after a crash) both miss
and one fails on the unique key, or, without a key, both insert. `INSERT ... ON CONFLICT DO
UPDATE` lets the database decide atomically. `key_cols` must be the primary key or carry a
unique constraint/index (SQLite and PostgreSQL both require that for ON CONFLICT).

    upsert(session, Article, [{"pmid": "90000001", "title": "..."}], ["pmid"])
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import JSON
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session


def _defaults(model_cls: Any, table: Any) -> list[tuple[str, Any, Any]]:
    """(column, default, default_factory) per column of the model, worked out once per class."""
    cached = _DEFAULTS.get(model_cls)
    if cached is None:
        fields_ = model_cls.model_fields
        cached = []
        for column in table.columns:
            info = fields_.get(column.name)
            factory = getattr(info, "default_factory", None)
            default = getattr(info, "default", None)
            cached.append((column.name, None if factory or _undefined(default) else default, factory))
        _DEFAULTS[model_cls] = cached
    return cached


def _undefined(value: Any) -> bool:
    return type(value).__name__ == "PydanticUndefinedType"


_DEFAULTS: dict[Any, list[tuple[str, Any, Any]]] = {}


def _full_row(model_cls: Any, table: Any, row: Mapping[str, Any]) -> dict[str, Any]:
    """The row as the model would insert it: model defaults (default_factory) filled in,
    an autoincrement primary key left to the database. Built from the class's defaults, not
    by constructing the model: a table model does not validate, and constructing one per row
    was most of a large resolve's write time."""
    full = {
        name: row[name] if name in row else (factory() if factory else default)
        for name, default, factory in _defaults(model_cls, table)
    }
    for column in table.primary_key.columns:
        if full.get(column.name) is None:
            full.pop(column.name, None)
    return full


def insert_rows(session: Session, model_cls: Any, rows: Iterable[Mapping[str, Any]]) -> int:
    """INSERT new rows in one executemany, each with the model's defaults (`_full_row`):
    what `session.add` of a model per row would store, without building thousands of models
    (a 5,000-reference policy spent 3 s of its `policy add` doing that). The session's pending
    objects are flushed first, so rows may point at them. Returns the number of rows."""
    table = model_cls.__table__
    full = [_full_row(model_cls, table, r) for r in rows]
    if full:
        session.flush()
        session.execute(table.insert(), full)
    return len(full)


def upsert(
    session: Session | Connection,
    model_cls: Any,
    rows: Iterable[Mapping[str, Any]],
    key_cols: Sequence[str],
    update_cols: Sequence[str] | None = None,
) -> int:
    """Insert `rows`; where `key_cols` already match a row, update it instead.

    New rows get the model's defaults. On conflict, updates the non-key columns the rows
    carry (or only `update_cols`; [] means "insert if missing, else leave it alone").
    Runs in the session's (or connection's) transaction: the caller commits. Returns the
    number of rows sent (after folding repeated keys).

    The rows go to the driver as prepared values, many rows per statement, each value through
    its column's own bind processor (the JSON text, dates and booleans are what the ORM would
    store, byte for byte): compiling the statement and processing it row by row in
    SQLAlchemy was a third of a cached resolve's write time."""
    table = model_cls.__table__
    given = [dict(r) for r in rows]
    if not given:
        return 0
    # PostgreSQL refuses to update one row twice in a statement: the last row per key wins.
    # Sorted by key, so concurrent writers lock rows in the same order and cannot deadlock.
    by_key = {tuple(r.get(k) for k in key_cols): r for r in given}
    given = [by_key[k] for k in sorted(by_key, key=lambda key: [str(v) for v in key])]
    batch = [_full_row(model_cls, table, r) for r in given]
    columns = sorted({c for r in batch for c in r})
    if update_cols is None:
        carried = {c for r in given for c in r}
        update_cols = [c for c in columns if c in carried and c not in key_cols]
    connection = session.connection() if isinstance(session, Session) else session
    shape = _shape(connection.dialect, table, tuple(columns), tuple(key_cols), tuple(update_cols))
    processors = shape[3]
    params = [
        value if process is None else process(value)
        for r in batch
        for value, process in zip([r.get(c) for c in columns], processors, strict=True)
    ]
    insert_values(connection, shape, params, len(columns))
    return len(batch)


MAX_PARAMS = 30_000  # per statement (SQLite allows 32,766; PostgreSQL 65,535)


def insert_values(connection: Connection, shape: tuple[str, str, str, Any], params: list[Any], width: int) -> None:
    """Run `shape` (head, row marks, tail) with as many rows per statement as MAX_PARAMS
    allows: one multi-row VALUES is one step in SQLite, which releases the GIL once for the
    whole batch (executemany takes it back after every row, so a writer thread beside a busy
    parser crawled)."""
    head, marks, tail = shape[:3]
    per = max(1, MAX_PARAMS // width) * width
    for i in range(0, len(params), per):
        chunk = params[i : i + per]
        sql = head + ", ".join([marks] * (len(chunk) // width)) + tail
        connection.exec_driver_sql(sql, tuple(chunk))


def insert_many(connection: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Plain INSERT of `rows` (values the driver takes as they are), many rows per statement."""
    if not rows:
        return
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    quote = connection.dialect.identifier_preparer.quote
    shape = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES ",
        "(" + ", ".join(mark for _ in columns) + ")",
        "",
        None,
    )
    insert_values(connection, shape, [v for row in rows for v in row], len(columns))


def _processor(dialect: Any, type_: Any) -> Any:
    """The column type's bind processor; for JSON that SQLAlchemy writes with `json.dumps` (SQLite),
    the same encoder without its cycle check (rows are trees: the text is identical, and
    encoding the JSON columns was the largest part of turning records into rows)."""
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    plain_json = isinstance(type_, JSON) and dialect._json_serializer is None
    if process is None or not plain_json or dialect.name != "sqlite":  # psycopg wraps in Json
        return process
    fallback, encode = process, _ENCODER.encode

    def fast(value: Any) -> Any:
        return encode(value) if type(value) in (list, dict) else fallback(value)

    return fast


_ENCODER = json.JSONEncoder(check_circular=False)


def delete_in(connection: Connection, table: str, column: str, values: Sequence[Any]) -> None:
    """DELETE the rows of `table` whose `column` is one of `values`, 500 values a statement,
    in the driver's parameter style."""
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    quote = connection.dialect.identifier_preparer.quote
    for i in range(0, len(values), 500):
        chunk = tuple(values[i : i + 500])
        marks = ", ".join(mark for _ in chunk)
        connection.exec_driver_sql(f"DELETE FROM {quote(table)} WHERE {quote(column)} IN ({marks})", chunk)


_SHAPES: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], tuple[str, str, str, list[Any]]]] = (
    weakref.WeakKeyDictionary()
)


def _shape(
    dialect: Any, table: Any, columns: tuple[str, ...], keys: tuple[str, ...], updates: tuple[str, ...]
) -> tuple[str, str, str, list[Any]]:
    """The INSERT ... VALUES head, one row's marks (in the driver's parameter style), the
    ON CONFLICT tail, and each column's bind processor (None where the driver takes the value
    as it is); made once per shape."""
    made = _SHAPES.setdefault(dialect, {})
    cache_key = (table.name, columns, keys, updates)
    found = made.get(cache_key)
    if found is not None:
        return found
    quote = dialect.identifier_preparer.quote
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(quote(c) for c in columns)
    head = f"INSERT INTO {dialect.identifier_preparer.format_table(table)} ({names}) VALUES "
    marks = "(" + ", ".join(mark for _ in columns) + ")"
    target = ", ".join(quote(k) for k in keys)
    if updates:
        sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in updates)
        tail = f" ON CONFLICT ({target}) DO UPDATE SET {sets}"
    else:
        tail = f" ON CONFLICT ({target}) DO NOTHING"
    processors = [_processor(dialect, table.columns[c].type) for c in columns]
    made[cache_key] = found = (head, marks, tail, processors)
    return found
