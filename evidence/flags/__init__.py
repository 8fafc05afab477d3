"""Flags: what is wrong with a policy's evidence, decided from records alone (pure, no store)."""

from evidence.flags.citation import check_citation

__all__ = ["check_citation"]
