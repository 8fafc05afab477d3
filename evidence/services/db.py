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


def check_store(url: str) -> dict[str, Any]:
    """What `evidence db check` reports: the integrity problems found (none: healthy)."""
    from evidence.store.health import integrity_report, where
    from evidence.store.upgrade import current_revision

    engine = make_engine(url)
    try:
        problems = integrity_report(engine)
        revision = None
        if not problems:
            with reachable(engine):
                revision = current_revision(engine)
        return {"store": where(engine), "ok": not problems, "problems": problems, "revision": revision}
    finally:
        engine.dispose()


def backup_store(url: str, destination: str, force: bool = False) -> str:
    from evidence.store.health import backup

    engine = make_engine(url)
    try:
        return str(backup(engine, destination, force=force))
    finally:
        engine.dispose()
