"""Store maintenance: which schema a store has, and bringing it to this code's."""

from __future__ import annotations

from typing import Any

from evidence.store.engine import make_engine, reachable


def store_status(url: str) -> dict[str, Any]:
    """The store's schema revision against the code's, without changing anything."""
    from evidence.store.upgrade import status

    engine = make_engine(url)
    try:
        with reachable(engine):
            return status(engine)
    finally:
        engine.dispose()


def upgrade_store(url: str) -> dict[str, Any]:
    """Migrate the store to head (creating it if blank); say where it started."""
    from evidence.store.upgrade import head_revision, upgrade_to_head

    engine = make_engine(url)
    try:
        with reachable(engine):
            before = upgrade_to_head(engine)
        return {
            "url": engine.url.render_as_string(hide_password=True),
            "before": before,
            "after": head_revision(),
            "changed": before != head_revision(),
        }
    finally:
        engine.dispose()
