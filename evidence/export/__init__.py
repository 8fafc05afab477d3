"""Bibliography exporters: `ExportEntry` records in, text out. No store, no terminal.

One module per format, each with `write(entries, stream)` writing UTF-8 text. Output is
deterministic: the same entries give the same bytes (no timestamps, fixed field order,
"\\n" line ends). `writer_for(name)` maps a format name (or its alias) to its module; modules
are imported on demand so `evidence --help` never loads citeproc-py or rispy.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Sequence
from typing import TextIO

from evidence.errors import ExportError
from evidence.export.entry import ExportEntry

Writer = Callable[[Sequence[ExportEntry], TextIO], None]

# format name -> module
FORMATS = {
    "ris": "ris",
    "bibtex": "bibtex",
    "csljson": "csljson",
    "nbib": "nbib",
    "csv": "tabular",
    "ama": "ama",
    "endnote": "endnote",
}
ALIASES = {"bib": "bibtex", "json": "csljson", "csl-json": "csljson", "medline": "nbib",
           "txt": "ama", "xml": "endnote", "endnote-xml": "endnote"}
# output file suffix -> format, for `-o refs.bib` without --format
SUFFIXES = {".ris": "ris", ".bib": "bibtex", ".json": "csljson", ".nbib": "nbib",
            ".csv": "csv", ".txt": "ama", ".xml": "endnote"}


def format_name(name: str) -> str:
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        choices = ", ".join(FORMATS)
        raise ExportError(f"unknown export format {name!r}", hint=f"use one of {choices}")
    return key


def writer_for(name: str) -> Writer:
    """The `write(entries, stream)` function of a format."""
    module = importlib.import_module(f"evidence.export.{FORMATS[format_name(name)]}")
    return module.write  # type: ignore[no-any-return]


def render(writer: Writer, entries: Sequence[ExportEntry]) -> str:
    buffer = io.StringIO(newline="")
    writer(entries, buffer)
    return buffer.getvalue()


__all__ = ["ExportEntry", "FORMATS", "SUFFIXES", "format_name", "render", "writer_for"]
