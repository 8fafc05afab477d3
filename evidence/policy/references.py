"""A policy's numbered reference list -> `Citation` records.

Two steps. `split_entries` turns the lines of the reference section into numbered entries:
an entry starts with `N.` (or `N)` / `[N]`) and runs until the next one, so wrapped lines,
blank lines and page-break gaps between entries do not matter. `parse_citation` reads one
entry with the trained citation parser (`evidence.citations`): any house style, identifiers
lifted by exact rules; whatever cannot be read stays None with a warning, the raw text kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evidence.records import Citation

# ---------------------------------------------------------------- splitting the list

# Up to 5 digits: a list of 20,000 entries must not fold entries 10,000 and up into 9,999
# (`_starts_entry` still insists on the next number, so a wrapped "2016. ..." stays put).
_ENTRY = re.compile(r"^\s*(?:\[([0-9]{1,5})\]|([0-9]{1,5})[.)])\s+(\S.*)$")
_PAGE_FURNITURE = re.compile(
    r"^\s*(?:page\s+\d+(?:\s+of\s+\d+)?|\d+\s*/\s*\d+|-\s*\d+\s*-)\s*$", re.I
)


@dataclass
class Entry:
    number: int
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_wrapped(self.lines)


def join_wrapped(lines: list[str]) -> str:
    """Join wrapped lines; a line ending in a hyphenated URL/DOI piece is glued, not spaced.

    Looks only at the last piece (not the whole text so far), so an entry of thousands of
    lines costs linear time, not quadratic."""
    parts: list[str] = []
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        last = parts[-1] if parts else ""
        if last and re.search(r"(?:doi\.org/|doi:|/)\S*$", last) and last.endswith(("/", "-", ".")):
            parts[-1] = last + line
        else:
            parts.append(line)
    return " ".join(parts)


def split_entries(lines: list[str]) -> tuple[list[Entry], list[str]]:
    """Numbered entries from the reference section's lines, plus document-level warnings."""
    entries: list[Entry] = []
    loose: list[str] = []
    for line in lines:
        if _PAGE_FURNITURE.match(line):
            continue
        match = _ENTRY.match(line)
        if match and _starts_entry(match, entries):
            number = int(match.group(1) or match.group(2))
            entries.append(Entry(number, [match.group(3)]))
        elif entries:
            entries[-1].lines.append(line)
        elif line.strip():
            loose.append(line.strip(" -•*\t"))
    if not entries and loose:
        return _unnumbered(loose)
    return entries, _numbering_warnings(entries)


def _starts_entry(match: re.Match[str], entries: list[Entry]) -> bool:
    """A wrapped line may begin with a number ('2016. ...'): only a plausible number starts one."""
    if not entries:
        return True
    number = int(match.group(1) or match.group(2))
    previous = entries[-1].number
    if number == previous + 1:
        return True
    looks_like_authors = bool(re.match(r"[A-ZÀ-Þ\u0100-\u017f][\w'’\-]", match.group(3)))
    return looks_like_authors and 0 < number <= previous + 50 and _complete(entries[-1].text)


def _complete(text: str) -> bool:
    return bool(re.search(r"(?:\.|\d|\))\s*$", text))


def _unnumbered(loose: list[str]) -> tuple[list[Entry], list[str]]:
    entries = [Entry(i, [text]) for i, text in enumerate(loose, start=1)]
    return entries, ["the reference list is not numbered; numbered in the order written"]


def _numbering_warnings(entries: list[Entry]) -> list[str]:
    warnings = []
    seen: set[int] = set()
    expected = 1
    for entry in entries:
        if entry.number in seen:
            warnings.append(f"reference number {entry.number} appears more than once")
        elif entry.number != expected:
            missing = (
                f"{expected}" if entry.number == expected + 1 else f"{expected}-{entry.number - 1}"
            )
            if entry.number > expected:
                warnings.append(f"reference numbering skips {missing}")
            else:
                warnings.append(f"reference {entry.number} is out of order")
        seen.add(entry.number)
        expected = max(expected, entry.number + 1)
    return warnings


# ---------------------------------------------------------------- parsing one citation

# The identifier rules live with the citation parser now; kept importable from here.
from evidence.citations.identifiers import DOI as _DOI  # noqa: E402,F401
from evidence.citations.identifiers import NCT as _NCT  # noqa: E402,F401
from evidence.citations.identifiers import PMCID as _PMCID  # noqa: E402,F401
from evidence.citations.identifiers import PMID as _PMID  # noqa: E402,F401
from evidence.citations.identifiers import PMID_WRITTEN as _PMID_WRITTEN  # noqa: E402,F401
from evidence.citations.identifiers import URL as _URL  # noqa: E402,F401


def parse_citation(number: int, raw: str) -> Citation:
    """One reference entry -> Citation (the trained parser in `evidence.citations`); never raises."""
    from evidence.citations import parse_citation as parse

    return parse(raw, number)
