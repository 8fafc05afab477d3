"""The answer every tagging source gives: a design with its provenance.

One shape for all sources (publication types, record text, citation text, manual) so that
`explain` can show side by side what each would have said, and the store keeps one row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from evidence.tagging.vocabulary import level_for, order_modifiers

MANUAL = "manual"
PUBLICATION_TYPE = "publication-type"
RECORD_TEXT = "record-text"
CITATION_TEXT = "citation-text"
SOURCES: tuple[str, ...] = (MANUAL, PUBLICATION_TYPE, RECORD_TEXT, CITATION_TEXT)


@dataclass(frozen=True)
class TagResult:
    """A design decision; `signal` names what decided it (a type, a phrase) so users can check."""

    design: str
    source: str
    signal: str
    confidence: float
    modifiers: tuple[str, ...] = ()
    indexing: str | None = None  # for publication types: "human" | "curated" | "automated"
    alternatives: dict[str, TagResult | None] = field(default_factory=dict, compare=False)

    @property
    def level(self) -> int | None:
        return level_for(self.design, self.modifiers)

    def with_modifiers(self, extra: tuple[str, ...] | list[str] | set[str]) -> TagResult:
        return replace(self, modifiers=tuple(order_modifiers({*self.modifiers, *extra})))

    def to_dict(self, with_alternatives: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "design": self.design,
            "modifiers": list(self.modifiers),
            "level": self.level,
            "source": self.source,
            "signal": self.signal,
            "confidence": round(self.confidence, 2),
            "indexing": self.indexing,
        }
        if with_alternatives and self.alternatives:
            data["alternatives"] = {
                k: (v.to_dict(False) if v else None) for k, v in self.alternatives.items()
            }
        return data


def make(
    design: str,
    source: str,
    signal: str,
    confidence: float,
    modifiers: tuple[str, ...] | list[str] | set[str] = (),
    indexing: str | None = None,
) -> TagResult:
    return TagResult(
        design=design,
        source=source,
        signal=signal,
        confidence=round(min(max(confidence, 0.0), 1.0), 3),
        modifiers=tuple(order_modifiers(set(modifiers))),
        indexing=indexing,
    )
