"""CSV: one row per reference, for spreadsheets and quick filtering by design, level and role.

Lists (authors, flags) are joined with "; ", which no author name or flag contains. Flags are
written in words. The service adds a UTF-8 byte-order mark (Excel needs it to read UTF-8).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from evidence.export.entry import ExportEntry, flag_words

COLUMNS = [
    "number", "pmid", "doi", "pmcid", "authors", "title", "journal", "year", "volume", "issue",
    "pages", "design", "evidence_level", "role", "flags", "decision", "reason", "resolved",
    "url", "abstract",
]


def to_row(e: ExportEntry) -> list[object]:
    authors = "; ".join(a.family_given() for a in e.authors) + ("; et al" if e.et_al else "")
    return [
        e.number, e.pmid, e.doi, e.pmcid, authors, e.title, e.journal, e.year, e.volume, e.issue,
        e.pages, e.design, e.level, e.role, "; ".join(flag_words(f) for f in e.flags), e.decision,
        e.reason, "yes" if e.resolved else "no", e.url, e.abstract,
    ]


def write(entries: Sequence[ExportEntry], stream: TextIO) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for e in entries:
        writer.writerow(["" if v is None else v for v in to_row(e)])
