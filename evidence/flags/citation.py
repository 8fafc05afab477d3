"""Does a policy's citation describe the PubMed record its PMID names? Pure: records in, flags out.

`check_citation` compares field by field and returns (kind, detail) pairs; each detail says
what the policy says and what PubMed says. A field missing on either side is never a
mismatch: a policy that omits the issue has not mis-cited it.

Equivalences accepted, because policies write citations the way journals print them:
  * year: a citation one year *earlier* than PubMed's issue year is the online-first year
    (epub ahead of print in December, issue in January) and is accepted; one year *later*
    is accepted only while PubMed still holds the record as ahead of print (its date is the
    epub date, the citation may give the print year). Anything else is a mismatch.
  * volume and issue compare without punctuation, spaces or case, with "Suppl"/"Supplement"
    read as "S" and parts in any order: "6S" == "6 Suppl" == "Suppl 6".
  * pages: only the first page is compared ("861-71" and "861-871" both start at 861);
    "3S-125S.e40" starts at "3S"; an article number "7528464" matches the e-locator PubMed
    gives as pages; a leading "e" is optional ("e71" == "71"). A DOI standing in for pages
    is not compared.
  * first author: surname only, accents and case folded ("Prochazka V" == "Procházka");
    a collective author compares by fuzzy token match.
  * journal: accents, case, punctuation, "&"/"and" and a leading "The" are folded, and the
    citation may be the full title, the ISO abbreviation, or any abbreviation whose words
    begin the title's significant words in order ("Int J Mol Sci" == "International journal
    of molecular sciences").
  * title: rapidfuzz token_set_ratio of the folded titles without stopwords; below 80 is a
    mismatch.

"pmid-likely-wrong" is raised, first, when the record agrees with almost nothing the citation
says: title similarity below 50 (or no titles to compare: then all three of year, journal and
first author must be comparable) and at most one of year, journal and first author agreeing,
out of at least two that could be compared. 50, not 40: token_set_ratio between random pairs
of unrelated real PubMed titles (the metapub samples) has median 36, 90th percentile 42 and
99th percentile 49, so 40 would miss nearly half of the truly unrelated records.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz

from evidence.records import Article, Citation

TITLE_MISMATCH_BELOW = 80
TITLE_UNRELATED_BELOW = 50  # random pairs of real PubMed titles: median 36, p90 42, p99 49
_STOPWORDS = frozenset({"the", "of", "and", "for", "in", "on", "a", "an", "de", "la", "le", "der"})
_INITIALS = re.compile(r"^[A-Z]{1,4}$")
_TOKENS = re.compile(r"[a-z]+|\d+")
_NON_WORD = re.compile(r"[^\w]+")


def fold(text: str | None) -> str:
    """Accents stripped, case folded, punctuation to spaces, whitespace collapsed."""
    if not text:
        return ""
    return _fold(text)


@lru_cache(maxsize=4096)  # journal names and first authors repeat across a policy's references
def _fold(text: str) -> str:
    if text.isascii():  # nothing to decompose, and casefold is lower (most of PubMed)
        plain = text.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        plain = plain.replace("ß", "ss")
    plain = plain.replace("&", " and ")
    return " ".join(_NON_WORD.sub(" ", plain).replace("_", " ").split())


def check_citation(citation: Citation, article: Article) -> list[tuple[str, str]]:
    """Every disagreement between a citation and its PubMed record, as (kind, detail)."""
    checks = {
        "year": _year_agrees(citation.year, article.year, article.publication_status),
        "volume": _parts_agree(citation.volume, article.volume),
        "issue": _parts_agree(citation.issue, article.issue),
        "first-page": _first_page_agrees(citation.pages, article.pages),
        "first-author": _author_agrees(citation.authors, article.authors),
        "journal": _journal_agrees(citation.journal, article.journal, article.journal_iso),
    }
    similarity = _title_similarity(citation.title, article.title)
    checks["title"] = None if similarity is None else similarity >= TITLE_MISMATCH_BELOW
    flags = [
        (kind, _detail(kind, citation, article, similarity))
        for kind, ok in checks.items()
        if ok is False
    ]
    if _likely_wrong(checks, similarity):
        flags.insert(0, ("pmid-likely-wrong", _wrong_detail(citation, article, similarity)))
    return flags


def _likely_wrong(checks: dict[str, bool | None], similarity: float | None) -> bool:
    if similarity is not None and similarity >= TITLE_UNRELATED_BELOW:
        return False
    core = [checks[k] for k in ("year", "journal", "first-author") if checks[k] is not None]
    if similarity is None and len(core) < 3:
        return False  # too little to go on
    return len(core) >= 2 and sum(core) <= 1


# ---------------------------------------------------------------- field comparisons


def _year_agrees(cited: int | None, year: int | None, status: str | None) -> bool | None:
    if cited is None or year is None:
        return None
    if cited in (year, year - 1):
        return True
    return cited == year + 1 and status == "aheadofprint"


def _parts(value: str) -> frozenset[str]:
    text = re.sub(r"suppl(?:ement)?\.?", " s ", value.casefold())
    return frozenset(_TOKENS.findall(text))


def _parts_agree(cited: str | None, recorded: str | None) -> bool | None:
    if not cited or not recorded:
        return None
    return _parts(cited) == _parts(recorded)


def first_page(pages: str | None) -> str | None:
    """'861-71' -> '861'; '3S-125S.e40' -> '3s'; 'e71-e126' -> '71'; '7528464' -> '7528464'."""
    if not pages or pages.strip().startswith("10."):  # a DOI standing in for pages
        return None
    first = re.split(r"[-\u2013\u2014,;]", pages.strip(), maxsplit=1)[0]
    first = re.sub(r"[^0-9a-z]", "", first.casefold())
    return first.removeprefix("e").lstrip("0") or None


def _first_page_agrees(cited: str | None, recorded: str | None) -> bool | None:
    a, b = first_page(cited), first_page(recorded)
    if a is None or b is None:
        return None
    return a == b


def cited_surname(author: str) -> str:
    """'Kullo IJ' -> 'Kullo'; 'van der Berg AB' -> 'van der Berg'; a collective name as is."""
    tokens = author.replace(",", " ").split()
    while len(tokens) > 1 and _INITIALS.match(tokens[-1].replace(".", "")):
        tokens.pop()
    return " ".join(tokens)


def _author_agrees(cited: tuple[str, ...], authors: list[dict]) -> bool | None:  # type: ignore[type-arg]
    if not cited or not authors:
        return None
    first = authors[0]
    surname = fold(cited_surname(cited[0])).replace(" ", "")
    if first.get("last") and surname == fold(first["last"]).replace(" ", ""):
        return True
    recorded = first.get("last") or first.get("collective") or ""
    return fuzz.token_set_ratio(fold(cited[0]), fold(recorded)) >= 90


def _significant(name: str) -> list[str]:
    words = fold(name).split()
    return [w for w in words if w not in _STOPWORDS]


def _abbreviates(short: list[str], full: list[str]) -> bool:
    """Each abbreviated word begins the next significant word of the full title, in order."""
    return len(short) == len(full) and all(
        f.startswith(s) for s, f in zip(short, full, strict=True)
    )


def _journal_agrees(cited: str | None, title: str | None, iso: str | None) -> bool | None:
    if not cited or not (title or iso):
        return None
    short = _significant(cited)
    for name in filter(None, (title, iso)):
        full = _significant(name)
        if short == full or _abbreviates(short, full) or _abbreviates(full, short):
            return True
    return False


def _title_similarity(cited: str | None, recorded: str | None) -> float | None:
    if not cited or not recorded:
        return None
    # stopwords out: two unrelated titles share "of", "in", "the" and score too high
    return fuzz.token_set_ratio(" ".join(_significant(cited)), " ".join(_significant(recorded)))


# ---------------------------------------------------------------- details


def _detail(kind: str, citation: Citation, article: Article, similarity: float | None) -> str:
    if kind == "title":
        return (
            f"title similarity {similarity:.0f}/100: policy says {citation.title!r}; "
            f"PubMed says {article.title!r}"
        )
    cited, recorded = {
        "year": (citation.year, article.year),
        "volume": (citation.volume, article.volume),
        "issue": (citation.issue, article.issue),
        "first-page": (citation.pages, article.pages),
        "first-author": (citation.authors[0] if citation.authors else None, _author_name(article)),
        "journal": (citation.journal, _journal_name(article)),
    }[kind]
    return f"{kind}: policy says {cited}; PubMed says {recorded}"


def _author_name(article: Article) -> str | None:
    if not article.authors:
        return None
    first = article.authors[0]
    if first.get("collective"):
        return first["collective"]
    return " ".join(filter(None, (first.get("last"), first.get("initials"))))


def _journal_name(article: Article) -> str | None:
    if article.journal and article.journal_iso:
        return f"{article.journal_iso} ({article.journal})"
    return article.journal or article.journal_iso


def _wrong_detail(citation: Citation, article: Article, similarity: float | None) -> str:
    said = ", ".join(
        str(x) for x in (_first(citation.authors), citation.year, citation.journal) if x
    )
    found = ", ".join(str(x) for x in (_author_name(article), article.year, article.journal) if x)
    score = "" if similarity is None else f" (title similarity {similarity:.0f}/100)"
    return (
        f"PMID {article.pmid} does not look like the cited work{score}: policy cites "
        f"{said or 'a work'} {citation.title!r}; PubMed has {found} {article.title!r}"
    )


def _first(values: tuple[str, ...]) -> str | None:
    return values[0] if values else None
