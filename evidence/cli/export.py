"""`evidence export` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from evidence.errors import EvidenceError


def export(ctx: typer.Context) -> None:
    """Not built yet."""
    raise EvidenceError("'evidence export' is not built yet")
