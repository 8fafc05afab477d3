"""Persistence: the only package that knows SQL and database dialects."""

from evidence.store.engine import make_engine, open_store, transaction

__all__ = ["make_engine", "open_store", "transaction"]
