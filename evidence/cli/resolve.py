"""`evidence resolve` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from evidence.errors import EvidenceError


def resolve(ctx: typer.Context) -> None:
    """Not built yet."""
    raise EvidenceError("'evidence resolve' is not built yet")
