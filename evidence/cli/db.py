"""`evidence db ...` (placeholder until its issue lands)."""

from __future__ import annotations

from evidence.cli.base import new_app

app = new_app("db commands (not built yet).")


@app.command("todo", hidden=True)
def _todo() -> None:
    """Not built yet."""
