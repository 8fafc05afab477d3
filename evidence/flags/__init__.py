"""Flags: what is wrong with a policy's evidence, decided from records alone (pure, no store).

`check_citation` is imported on first use: it brings rapidfuzz, which the report and `status`
(reading `flags.article`, `flags.changes`, `flags.guidelines`) do without (issue #16)."""

from __future__ import annotations

from typing import Any

__all__ = ["check_citation"]


def __getattr__(name: str) -> Any:
    if name == "check_citation":
        from evidence.flags.citation import check_citation

        return check_citation
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
