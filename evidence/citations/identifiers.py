"""Identifiers lifted by exact rules, wherever they are in a reference: PMID, PMCID, DOI, NCT, URL.

These were evidence/policy/references.py's; the parser's labels never decide an identifier,
they only keep its tokens out of the other fields.
"""

from __future__ import annotations

import re

# ASCII digits only: `\d` also matches Arabic-Indic and full-width digits, which int() reads
# but NCBI does not. A PMID has no leading zero and at most 9 digits (NCBI_FACTS.md).
PMID = re.compile(r"\bPMID\s*:?\s*([1-9][0-9]{0,8})(?![0-9A-Za-z])\.?", re.I)
#: a PubMed page's address holds the PMID: pubmed.ncbi.nlm.nih.gov/31369359/, ncbi.nlm.nih.gov/pubmed/31369359
PMID_URL = re.compile(
    r"\bhttps?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/)([1-9][0-9]{0,8})(?![0-9])/?\.?",
    re.I,
)
PMID_WRITTEN = re.compile(r"\bPMID\s*:?\s*(\S{1,40})", re.I)
PMCID = re.compile(r"\bPMCID\s*:?\s*(PMC\d+)\b\.?|\b(PMC\d{5,})\b\.?", re.I)
DOI = re.compile(r"(?:\bdoi\s*:?\s*|\bhttps?://(?:dx\.)?doi\.org/)(10\.\d{4,9}/[^\s\"<>]+)", re.I)
NCT = re.compile(r"\b(NCT\d{8})\b\.?", re.I)
URL = re.compile(r"\b(?:available\s+(?:at|from)\s*:?\s*|url\s*:\s*)?(?:https?://|www\.)\S+", re.I)
ACCESSED = re.compile(r"\b(?:accessed|updated|cited|retrieved)\b[^.;]*\d{4}\]?\.?", re.I)
_URL_ONLY = re.compile(r"(?:https?://|www\.)\S+", re.I)


def lift(text: str) -> tuple[dict[str, str | None], list[tuple[int, int, str]]]:
    """The identifiers, and the spans (start, end, label) they and access notes occupy."""
    ids: dict[str, str | None] = {"pmid": None, "doi": None, "nct": None, "pmcid": None, "url": None}
    spans: list[tuple[int, int, str]] = []
    low = _folded(text)
    if (low is None or "pmid" in low) and (m := PMID.search(text)):
        ids["pmid"] = m.group(1)
        spans.append((m.start(), m.end(), "pmid"))
    if (low is None or "pubmed" in low) and (m := PMID_URL.search(text)):
        ids["pmid"] = ids["pmid"] or m.group(1)
        spans.append((m.start(), m.end(), "pmid"))
    if (low is None or "doi" in low) and (m := DOI.search(text)):
        ids["doi"] = m.group(1).rstrip(".,;)]")
        spans.append((m.start(), m.end(), "doi"))
    if (low is None or "nct" in low) and (m := NCT.search(text)):
        ids["nct"] = m.group(1).upper()
        spans.append((m.start(), m.end(), "note"))
    if (low is None or "pmc" in low) and (m := PMCID.search(text)):
        ids["pmcid"] = (m.group(1) or m.group(2)).upper()
        spans.append((m.start(), m.end(), "note"))
    for m in URL.finditer(text) if low is None or "http" in low or "www." in low else ():
        if any(s <= m.start() < e for s, e, _ in spans):
            continue
        if ids["url"] is None and (u := _URL_ONLY.search(m.group())):
            ids["url"] = u.group().rstrip(".,;)>]")
        spans.append((m.start(), m.end(), "url"))
    if low is None or "accessed" in low or "updated" in low or "cited" in low or "retrieved" in low:
        spans.extend((m.start(), m.end(), "note") for m in ACCESSED.finditer(text))
    return ids, spans


# The only characters that IGNORECASE matches to an ASCII letter besides the ASCII letters
# themselves (Python's `re` documentation; the same holds for literals): İ ı ſ K
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def _folded(text: str) -> str | None:
    """`text` lowercased, in which a case-insensitive pattern's ASCII words can be looked for
    as substrings before it is run: most references hold no PMID, DOI, NCT, PMCID, URL or
    access note, and seven regex scans per reference add up over a long list. None when that
    test is not exact (the text holds one of the four letters above): then every pattern runs."""
    if not text.isascii() and _FOLDS_TO_ASCII.search(text):
        return None
    return text.lower()


def may_hold(text: str, *words: str) -> bool:
    """Whether a case-insensitive pattern that needs one of `words` (ASCII, lowercase) can match."""
    low = _folded(text)
    return low is None or any(w in low for w in words)
