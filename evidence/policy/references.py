"""A policy's numbered reference list -> `Citation` records.

Two steps. `split_entries` turns the lines of the reference section into numbered entries:
an entry starts with `N.` (or `N)` / `[N]`) and runs until the next one, so wrapped lines,
blank lines and page-break gaps between entries do not matter. `parse_citation` reads one
entry in the two styles policies use:

    AMA-like   Kullo IJ, Rooke TW. Title. *N Engl J Med.* Mar 03 2016; 374(9): 861-71. PMID 26962905
    Vancouver  Kullo IJ, Rooke TW. Title. N Engl J Med. 2016;374(9):861-71. doi:10.1056/...

Identifiers (PMID, DOI, NCT, PMCID) are lifted out first, wherever they are. Then the
journal is the `*asterisked*` part, or else the sentence just before the one that starts
with the date; authors are the first sentence, the title the sentences between. Whatever
cannot be found stays None and the entry gets a warning; the raw text is always kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evidence.policy.dates import month_number
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

# ASCII digits only: `\d` also matches Arabic-Indic and full-width digits, which int() reads
# but NCBI does not. A PMID has no leading zero and at most 9 digits (NCBI_FACTS.md).
_PMID = re.compile(r"\bPMID\s*:?\s*([1-9][0-9]{0,8})(?![0-9A-Za-z])\.?", re.I)
_PMID_WRITTEN = re.compile(r"\bPMID\s*:?\s*(\S{1,40})", re.I)
_PMCID = re.compile(r"\bPMCID\s*:?\s*(PMC\d+)\b\.?|\b(PMC\d{5,})\b\.?", re.I)
_DOI = re.compile(r"(?:\bdoi\s*:?\s*|\bhttps?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", re.I)
_NCT = re.compile(r"\b(NCT\d{8})\b\.?", re.I)
_URL = re.compile(r"\b(?:available\s+(?:at|from)\s*:?\s*)?https?://\S+", re.I)
_ACCESSED = re.compile(r"\b(?:accessed|updated|cited)\b[^.;]*\d{4}\]?\.?", re.I)

_MONTH_WORD = r"[A-Z][a-z]{2,8}\.?"
_DATE = (
    rf"(?:(?P<mon1>{_MONTH_WORD})\s+(?:(?P<day1>\d{{1,2}}),?\s+)?)?"
    r"(?P<year>(?:1[89]|20)\d{2})[a-z]?"
    rf"(?:\s+(?P<mon2>{_MONTH_WORD})(?:\s+(?P<day2>\d{{1,2}}))?)?"
)
_SOURCE = re.compile(
    rf"^\s*{_DATE}\s*"
    r"(?:[;:,]\s*(?P<volume>[A-Za-z]?\d[\w\-]*)?\s*(?:\((?P<issue>[^)]{1,20})\))?"
    r"\s*(?::\s*(?P<pages>[A-Za-z]*\d\w*(?:[-–][A-Za-z]*\w+|\.[A-Za-z]\w*)*))?)?"
    r"\s*[.,;]?\s*(?P<rest>.*)$"
)
_DATE_START = re.compile(rf"^{_DATE}\s*(?:[;:]|\.\s|\.?$)")


def parse_citation(number: int, raw: str) -> Citation:
    """One reference entry -> Citation; never raises, never loses `raw`."""
    raw = re.sub(r"\s+", " ", raw).strip()
    ids, text = _lift_identifiers(raw)
    parts = _split_source(text)
    warnings: list[str] = []
    if parts is None:
        authors, et_al, title = _authors_and_title(text)
        found: dict[str, object] = {}
        warnings.append("could not find the journal and date")
    else:
        head, journal, tail = parts
        authors, et_al, title = _authors_and_title(head)
        found = _source_fields(tail)
        found["journal"] = journal or None
        if found.get("year") is None:
            warnings.append("could not read the date, volume and pages")
    missing = [name for name, value in (("authors", authors), ("title", title)) if not value]
    if missing and parts is not None:
        warnings.append(f"could not find the {' and '.join(missing)}")
    if not ids.get("pmid") and (odd := _PMID_WRITTEN.search(raw)):
        warnings.append(f"{odd.group(1).rstrip('.,;')!r} is not a PMID (ignored)")
    if not (ids.get("pmid") or ids.get("doi") or ids.get("nct")):
        warnings.append("no PMID, DOI or NCT id")
    return Citation(
        number=number,
        raw=raw,
        authors=tuple(authors),
        et_al=et_al,
        title=title,
        warnings=tuple(warnings),
        **ids,
        **found,  # type: ignore[arg-type]
    )


def _lift_identifiers(text: str) -> tuple[dict[str, str | None], str]:
    ids: dict[str, str | None] = {"pmid": None, "doi": None, "nct": None}
    match = _PMID.search(text)
    if match:
        ids["pmid"] = match.group(1)
        text = text[: match.start()] + " " + text[match.end() :]
    match = _DOI.search(text)
    if match:
        ids["doi"] = match.group(1).rstrip(".,;)]")
        text = text[: match.start()] + " " + text[match.end() :]
    match = _NCT.search(text)
    if match:
        ids["nct"] = match.group(1).upper()
    text = _PMCID.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _ACCESSED.sub(" ", text)
    return ids, re.sub(r"\s+", " ", text).strip(" ;,")


def _split_source(text: str) -> tuple[str, str, str] | None:
    """(authors + title, journal, what follows the journal) or None when no journal is found."""
    star = re.search(r"\*{1,2}([^*]+?)\*{1,2}", text)
    if star:
        journal = star.group(1).strip().rstrip(".").strip()
        return text[: star.start()].strip(), journal, text[star.end() :].lstrip(" .")
    bounds = list(re.finditer(r"(?<=[.?!])\s+", text))
    for k in range(1, len(bounds)):
        tail = text[bounds[k].end() :]
        if _DATE_START.match(tail):
            journal = text[bounds[k - 1].end() : bounds[k].start()].rstrip(".").strip()
            return text[: bounds[k - 1].start()].strip(), journal, tail
    return None


def _authors_and_title(head: str) -> tuple[list[str], bool, str | None]:
    head = head.strip().rstrip(".").strip()
    if not head:
        return [], False, None
    match = re.match(r"^(?P<authors>[^.]+?)\.\s+(?P<title>.+)$", head)
    if not match or not _looks_like_authors(match.group("authors")):
        return [], False, head or None
    names = [n.strip() for n in re.split(r"[,;]\s*", match.group("authors")) if n.strip()]
    et_al = bool(names) and names[-1].lower().rstrip(".") in ("et al", "and others")
    if et_al:
        names = names[:-1]
    title = match.group("title").strip().rstrip(".").strip() or None
    return names, et_al, title


def _looks_like_authors(segment: str) -> bool:
    """'Kullo IJ, Rooke TW' or 'American Heart Association'; not a title with a colon."""
    if ":" in segment or len(segment) > 600:
        return False
    names = [n.strip() for n in re.split(r"[,;]\s*", segment) if n.strip()]
    initials = sum(bool(re.search(r"\s[A-Z]{1,3}$", n)) for n in names)
    return initials >= max(1, len(names) // 2) or len(names) == 1 and len(segment.split()) <= 8


def _source_fields(tail: str) -> dict[str, object]:
    match = _SOURCE.match(tail)
    if not match or not match.group("year"):
        return {}
    g = match.groupdict()
    month_text = g["mon1"] or g["mon2"]
    day_text = g["day1"] or g["day2"]
    pages = g["pages"]
    if pages:
        pages = re.sub(r"\s+", "", pages).rstrip(".")
    return {
        "year": int(g["year"]),
        "month": month_number(month_text) if month_text else None,
        "day": int(day_text) if day_text and month_text else None,
        "volume": g["volume"],
        "issue": g["issue"],
        "pages": pages or None,
    }
