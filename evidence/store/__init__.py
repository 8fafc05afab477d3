"""Persistence: the only package that knows SQL and database dialects."""

from evidence.store.engine import in_transaction, make_engine, open_store, transaction

__all__ = ["in_transaction", "make_engine", "open_store", "transaction"]
