"""The one record every exporter reads: a reference (or review candidate) with everything known.

`services/export.py` builds these from the store; the writers in this package only format them,
so a format never decides what a reference *is*, only how to spell it. Fields hold the PubMed
record when the reference is resolved and the policy's citation text otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: flag kind -> the words every export writes for it (a keyword must say what it means:
#: "flag:year" told a reader nothing)
FLAG_WORDS = {
    "retracted": "retracted",
    "retraction-notice": "retraction notice cited",
    "erratum": "erratum",
    "expression-of-concern": "expression of concern",
    "updated": "updated version",
    "republished": "corrected and republished",
    "superseded": "superseded guideline",
    "pmid-likely-wrong": "PMID likely wrong",
    "year": "citation mismatch: year",
    "volume": "citation mismatch: volume",
    "issue": "citation mismatch: issue",
    "first-page": "citation mismatch: first page",
    "first-author": "citation mismatch: first author",
    "journal": "citation mismatch: journal",
    "title": "citation mismatch: title",
}


def flag_words(kind: str) -> str:
    return FLAG_WORDS.get(kind, kind.replace("-", " "))


_DOI_LIKE = re.compile(r"^\s*(?:doi:\s*)?10\.\d{4,9}/", re.I)


def printable_pages(pages: str | None) -> str | None:
    """Pages as a reader can use them: a DOI that stood in for missing pagination (PubMed's
    ELocationID) is not a page range and is never written as one."""
    if not pages or _DOI_LIKE.match(pages):
        return None
    return pages


@dataclass(frozen=True)
class Author:
    """One author: a person (family + given) or a group (`literal`, e.g. a task force).

    `given` is the fore name as PubMed spells it ("Iftikhar J") or dotted initials built from a
    citation ("I. J."); `initials` is the compact MEDLINE form ("IJ").
    """

    family: str | None = None
    given: str | None = None
    initials: str | None = None
    literal: str | None = None

    @property
    def is_collective(self) -> bool:
        return self.literal is not None

    def family_given(self) -> str:
        """"Family, Given" (RIS, BibTeX, MEDLINE FAU); a group's name as it is."""
        if self.literal is not None:
            return self.literal
        return f"{self.family}, {self.given}" if self.given else str(self.family)

    def short(self) -> str:
        """MEDLINE AU form: "Kullo IJ"."""
        if self.literal is not None:
            return self.literal
        return f"{self.family} {self.initials}" if self.initials else str(self.family)


@dataclass(frozen=True)
class ExportEntry:
    number: int
    resolved: bool
    kind: str = "article"  # "article" | "book" | "other"
    source: str = "reference"  # "reference" | "candidate"
    authors: tuple[Author, ...] = ()
    et_al: bool = False  # the citation cut the author list; the full list is unknown
    title: str | None = None
    journal: str | None = None
    journal_abbrev: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    nct: str | None = None
    abstract: str | None = None
    language: str | None = None  # MEDLINE three-letter code, e.g. "eng"
    citation_status: str | None = None  # MEDLINE STAT: "MEDLINE", "In-Process", "Publisher" ...
    publication_status: str | None = None  # MEDLINE PST: "ppublish", "epublish" ...
    publication_types: tuple[str, ...] = ()
    mesh: tuple[str, ...] = ()
    design: str | None = None
    level: int | None = None
    role: str | None = None
    flags: tuple[str, ...] = ()
    decision: str | None = None
    reason: str | None = None
    citation: str | None = None  # the policy's raw citation text
    publisher: str | None = None
    place: str | None = None
    web_url: str | None = None  # a web page's or report's own address, as cited
    extra_notes: tuple[str, ...] = field(default_factory=tuple)

    def keywords(self) -> list[str]:
        """The filterable tags every format puts in its keyword field, in a fixed order."""
        words = []
        if self.design:
            words.append(f"design:{self.design}")
        if self.level is not None:
            words.append(f"level:{self.level}")
        if self.role:
            words.append(f"role:{self.role}")
        if self.decision:
            words.append(f"decision:{self.decision}")
        words += [f"flag:{flag_words(f)}" for f in self.flags]
        if not self.resolved:
            words.append("unresolved")
        return words

    def notes(self) -> list[str]:
        """Free-text notes: what a reader should know but cannot filter on."""
        out = []
        if self.source == "candidate":
            out.append(f"Review candidate ({self.decision or 'unscreened'})")
        if self.reason:
            out.append(f"Screening reason: {self.reason}")
        if self.et_al:
            out.append("Author list as cited: the citation names the first authors, et al.")
        if not self.resolved and self.citation:
            out.append(f"From the policy's citation (not resolved in PubMed): {self.citation}")
        if self.nct:
            out.append(f"ClinicalTrials.gov: {self.nct}")
        out += list(self.extra_notes)
        return out

    @property
    def is_published_work(self) -> bool:
        """A journal article or a book; anything else is exported as a generic document."""
        return bool(self.journal) or self.kind == "book"

    @property
    def url(self) -> str | None:
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return self.web_url


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_abbrev(month: int | None) -> str | None:
    return _MONTHS[month - 1] if month and 1 <= month <= 12 else None


def page_range(pages: str | None) -> tuple[str | None, str | None]:
    """First and last page, the last expanded from MEDLINE's short form ("861-71" -> 861, 871).

    Anything that is not a plain "first-last" (article numbers, "e71-e126") keeps its parts as
    written, because expanding a non-numeric range would invent a page.
    """
    if not pages:
        return None, None
    parts = re.split(r"\s*[-\u2013]\s*", pages.strip(), maxsplit=1)
    if len(parts) == 1:
        return parts[0], None
    first, last = parts
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first, last


def full_pages(pages: str | None, dash: str = "-") -> str | None:
    first, last = page_range(pages)
    if first is None:
        return None
    return f"{first}{dash}{last}" if last else first


# ---------------------------------------------------------------- citation keys

_STOPWORDS = frozenset(
    "a an the of on in for and or to with without by at from as is are was were vs versus "
    "its into via after before between among under over than".split()
)


def ascii_fold(text: str) -> str:
    """"Procházka" -> "prochazka": letters a citation key can hold on any TeX engine."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", folded.lower())


# A journal's section heading that citations keep before the title ("CLINICAL PRACTICE. ...").
_SECTION_LABEL = re.compile(r"^(?:[A-Z][A-Z'\-]+\s+)*[A-Z][A-Z'\-]+\.\s+")


def _key_base(entry: ExportEntry) -> str:
    first = entry.authors[0] if entry.authors else None
    name = (first.family or (first.literal or "").split(" ")[0]) if first else ""
    author = ascii_fold(name) or "anon"
    year = str(entry.year) if entry.year else "nd"
    title = _SECTION_LABEL.sub("", entry.title or "")
    words = [ascii_fold(w) for w in re.split(r"[\s\-/:,.;()\[\]]+", title)]
    word = next((w for w in words if w and w not in _STOPWORDS and not w.isdigit()), "")
    return f"{author}{year}{word}"


def citation_keys(entries: list[ExportEntry] | tuple[ExportEntry, ...]) -> list[str]:
    """Keys such as `kullo2016peripheral`, unique within the export and stable across runs.

    Entries sharing a base all get a suffix a, b, c ... in entry order, so adding or removing an
    unrelated reference never renames a key, and no key silently means two works.
    """
    bases = [_key_base(e) for e in entries]
    counts: dict[str, int] = {}
    for b in bases:
        counts[b] = counts.get(b, 0) + 1
    seen: dict[str, int] = {}
    keys = []
    for b in bases:
        if counts[b] == 1:
            keys.append(b)
            continue
        i = seen.get(b, 0)
        seen[b] = i + 1
        keys.append(b + _suffix(i))
    return keys


def _suffix(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(97 + r) + letters
    return letters
