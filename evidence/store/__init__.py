"""Persistence: the only package that knows SQL and database dialects.

The engine helpers are imported on first use: they bring SQLAlchemy, which the read commands
do without (`evidence.store.read`)."""

from __future__ import annotations

from typing import Any

__all__ = ["in_transaction", "make_engine", "open_store", "transaction"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from evidence.store import engine

        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
