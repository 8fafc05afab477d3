"""`evidence report` (placeholder until its issue lands)."""

from __future__ import annotations

import typer

from evidence.errors import EvidenceError


def report(ctx: typer.Context) -> None:
    """Not built yet."""
    raise EvidenceError("'evidence report' is not built yet")
