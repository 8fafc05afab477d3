"""Labelled reference strings: the label set, AnyStyle's XML, and tokens labelled by span.

A labelled reference is a list of `(label, text)` segments whose texts, concatenated, give
the reference string exactly (a segment carries its own trailing space). AnyStyle's
`<sequence>` children are joined with single spaces. Labels AnyStyle has and the parser does
not keep are mapped (`translator` is an `editor`, `isbn` a `note`, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from evidence.citations.tokens import tokenize

LABELS = (
    "citation-number", "author", "editor", "title", "journal", "container-title",
    "collection-title", "date", "volume", "pages", "publisher", "location", "edition",
    "url", "doi", "pmid", "genre", "note",
)  # fmt: skip
_MAP = {
    "translator": "editor",
    "director": "author",
    "producer": "editor",
    "isbn": "note",
    "medium": "note",
    "source": "note",
    "identifier": "note",
    "signal": "note",
    "legal-ref": "note",
    "scale": "note",
    "producer-place": "location",
}

Segments = list[tuple[str, str]]


def map_label(name: str) -> str:
    if name in LABELS:
        return name
    return _MAP.get(name, "note")


def read_anystyle(path: Path) -> Iterator[Segments]:
    """Each `<sequence>` of an AnyStyle XML file as segments joined by single spaces."""
    from lxml import etree  # only the training and evaluation scripts read files

    root = etree.parse(str(path)).getroot()
    for seq in root.iter("sequence"):
        parts = [(map_label(child.tag), " ".join((child.text or "").split())) for child in seq]
        parts = [(label, text) for label, text in parts if text]
        if parts:
            yield [(label, text + (" " if i < len(parts) - 1 else "")) for i, (label, text) in enumerate(parts)]


def text_of(segments: Segments) -> str:
    return "".join(text for _, text in segments)


def token_labels(segments: Segments) -> tuple[str, list[str], list[str]]:
    """(text, token texts, token labels): each token takes the label of the segment it starts in."""
    text = text_of(segments)
    bounds = []
    at = 0
    for label, seg in segments:
        bounds.append((at, at + len(seg), label))
        at += len(seg)
    tokens = tokenize(text)
    labels = []
    k = 0
    for tok in tokens:
        while k < len(bounds) - 1 and tok.start >= bounds[k][1]:
            k += 1
        labels.append(bounds[k][2])
    return text, [t.text for t in tokens], labels
