"""The revisions this code ships, read from the migration files without importing Alembic.

Every revision file states `revision = "..."` and `down_revision = ...` on lines of their own
(Alembic's template, and what `autogen.py` writes). Reading those two lines costs well under a
millisecond; importing Alembic to ask it costs a fifth of a second at every command's start.
The test suite checks that this reading and Alembic's own agree.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_ASSIGN = re.compile(r'^(revision|down_revision)\s*(?::[^=]*)?=\s*(?:"([^"]*)"|\'([^\']*)\'|None)', re.M)


@lru_cache(maxsize=1)
def _graph() -> dict[str, str | None]:
    """revision -> down_revision, for every shipped revision file."""
    graph: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = {m.group(1): m.group(2) or m.group(3) for m in _ASSIGN.finditer(path.read_text("utf-8"))}
        if found.get("revision"):
            graph[found["revision"]] = found.get("down_revision")  # type: ignore[assignment]
    return graph


def shipped_revisions() -> set[str]:
    return set(_graph())


def shipped_head() -> str:
    """The one revision no other revision builds on."""
    graph = _graph()
    heads = set(graph) - {down for down in graph.values() if down}
    assert len(heads) == 1, f"migrations must form one line; heads: {sorted(heads)}"
    return heads.pop()
