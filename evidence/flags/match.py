"""Is this PubMed record the work a citation describes? Pure: a citation and records in, a verdict out.

The matcher finds PMIDs for citations that print none, and a wrong PMID must never be stored
silently, so a record is *accepted* only when everything comparable agrees:

  * title: rapidfuzz `token_sort_ratio` of the folded titles without stopwords >= 90, or the
    cited title is a clean prefix of the record's (a subtitle dropped) with `ratio` of the
    prefix >= 95. token_set_ratio, the citation check's measure, is too lenient here: any
    title that is a subset of another scores 100 ("Peripheral artery disease" would match
    every review with those words in it);
  * year: within one year (online-first versus issue year, either way);
  * journal: abbreviation-insensitive (the citation check's comparison: full title, ISO
    abbreviation, or an abbreviation whose words begin the title's significant words);
  * first author: surname, accents and case folded.

A field the citation lacks is not compared, but at least two of year, journal and first
author must be present and agree besides the title. Volume and first page are not required
(a policy's typo in a page must not lose the match) but add to the score that ranks
candidates. Two accepted candidates within `CLOSE` points of each other (a duplicate record,
a republished article, a comment with the same title) are *ambiguous*: both are kept and the
user chooses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from evidence.flags.citation import (
    _author_agrees,
    _first_page_agrees,
    _journal_agrees,
    _parts_agree,
    _significant,
    fold,
)
from evidence.records import Article, Citation

TITLE_ACCEPT = 90
PREFIX_ACCEPT = 95
CLOSE = 5.0
MAX_TITLE_WORDS = 8
_WORD = re.compile(r"[a-z][a-z0-9]{2,}")
_QUERY_STOPWORDS = frozenset(
    {"and", "the", "for", "with", "from", "into", "its", "their", "are", "was", "were", "has",
     "have", "not", "but", "all", "any", "can", "via", "than", "this", "that", "between",
     "among", "after", "before", "during", "versus", "who", "what", "which", "when", "how"}
)


@dataclass(frozen=True)
class Candidate:
    """One record scored against one citation."""

    pmid: str
    score: float  # title similarity plus small bonuses for volume / page / issue
    accepted: bool
    title: str | None = None
    year: int | None = None
    journal: str | None = None
    first_author: str | None = None
    why: str = ""  # the first disagreement, when not accepted

    def to_json(self) -> dict[str, object]:
        return {
            "pmid": self.pmid,
            "score": round(self.score, 1),
            "title": self.title,
            "year": self.year,
            "journal": self.journal,
            "first_author": self.first_author,
        }


@dataclass(frozen=True)
class Verdict:
    status: str  # "matched" | "ambiguous" | "not found"
    pmid: str | None = None
    candidates: tuple[Candidate, ...] = field(default_factory=tuple)


def title_similarity(cited: str | None, recorded: str | None) -> float | None:
    """How alike two titles are for *matching*, 0-100 (None when either is missing)."""
    if not cited or not recorded:
        return None
    a, b = " ".join(_significant(cited)), " ".join(_significant(recorded))
    if not a or not b:
        return None
    return float(fuzz.token_sort_ratio(a, b))


def is_prefix(cited: str | None, recorded: str | None) -> bool:
    """One title is the other with a subtitle dropped ("Title" for "Title: subtitle"); only
    for titles long enough (40 characters, 4 significant words) to be distinctive."""
    if not cited or not recorded:
        return False
    a, b = " ".join(_significant(cited)), " ".join(_significant(recorded))
    short, long = sorted((a, b), key=len)
    if len(short) < 40 or len(short.split()) < 4:
        return False
    return fuzz.ratio(short, long[: len(short)]) >= PREFIX_ACCEPT and long[len(short) : len(short) + 1] in ("", " ")


def _year_close(cited: int | None, recorded: int | None) -> bool | None:
    if cited is None or recorded is None:
        return None
    return abs(cited - recorded) <= 1


def _journal_close(citation: Citation, article: Article) -> bool | None:
    """The journal as printed or as its NLM abbreviation, either agreeing."""
    answers = [
        _journal_agrees(name, article.journal, article.journal_iso)
        for name in (citation.journal, citation.journal_abbrev)
        if name
    ]
    if any(answers):
        return True
    return False if False in answers else None


def _author_close(cited: tuple[str, ...], authors: list[dict]) -> bool | None:  # type: ignore[type-arg]
    """The first author's surname, in whatever form the citation writes the name."""
    if not cited or not authors:
        return None
    surname, initials = surname_and_initials(cited[0])
    return _author_agrees((f"{surname} {initials}".strip(),), authors) or _author_agrees(cited, authors)


def _first_author(article: Article) -> str | None:
    if not article.authors:
        return None
    a = article.authors[0]
    return a.get("collective") or " ".join(filter(None, (a.get("last"), a.get("initials"))))


def score(citation: Citation, article: Article) -> Candidate:
    """Score one record against one citation and say whether it may be accepted."""
    sim = title_similarity(citation.title, article.title)
    checks = {
        "year": _year_close(citation.year, article.year),
        "journal": _journal_close(citation, article),
        "first author": _author_close(citation.authors, article.authors),
    }
    bonus = sum(
        2.0
        for ok in (
            _parts_agree(citation.volume, article.volume),
            _first_page_agrees(citation.pages, article.pages),
            _parts_agree(citation.issue, article.issue),
        )
        if ok
    )
    prefix = sim is not None and sim < TITLE_ACCEPT and is_prefix(citation.title, article.title)
    if prefix:
        sim = float(TITLE_ACCEPT)
    wrong = [k for k, ok in checks.items() if ok is False]
    agreeing = [k for k, ok in checks.items() if ok]
    why = ""
    if sim is None:
        why = "no title to compare"
    elif sim < TITLE_ACCEPT:
        why = f"title similarity {sim:.0f}/100"
    elif wrong:
        why = f"{wrong[0]} differs"
    elif len(agreeing) < (3 if prefix else 2):
        why = "too little besides the title to compare"
    return Candidate(
        pmid=article.pmid,
        score=(sim or 0.0) + bonus,
        accepted=not why,
        title=article.title,
        year=article.year,
        journal=article.journal_iso or article.journal,
        first_author=_first_author(article),
        why=why,
    )


def choose(citation: Citation, articles: list[Article]) -> Verdict:
    """The record the citation describes, "ambiguous" when two are close, or "not found".

    Book records are never candidates (a journal-article citation is not a book chapter)."""
    scored = sorted(
        (score(citation, a) for a in articles if not a.is_book),
        key=lambda c: (-c.score, c.pmid),
    )
    accepted = [c for c in scored if c.accepted]
    if not accepted:
        return Verdict("not found", candidates=tuple(scored[:3]))
    best = accepted[0]
    close = [c for c in accepted if best.score - c.score <= CLOSE and c.pmid != best.pmid]
    if close:
        return Verdict("ambiguous", candidates=(best, *close))
    return Verdict("matched", best.pmid, (best,))


def title_words(title: str | None, limit: int = MAX_TITLE_WORDS) -> list[str]:
    """Distinctive words of a title for a `[ti]` search: no stopwords, no short words, no
    repeats, in the title's order."""
    words: list[str] = []
    for w in _WORD.findall(fold(title)):
        if w in _QUERY_STOPWORDS or w in words or w.isdigit():
            continue
        words.append(w)
    return words[:limit]


_INITIAL_TOKEN = re.compile(r"^(?:[A-Z]\.?-?){1,4}$")


def surname_and_initials(author: str) -> tuple[str, str]:
    """("Kullo", "IJ") from "Kullo IJ", "Kullo, I. J.", "I.J. Kullo", "KULLO IJ" or "Kullo IJ Jr"."""
    head, comma, tail = author.partition(",")
    if comma and tail.strip() and all(_INITIAL_TOKEN.match(t) for t in tail.split()):
        return head.strip(), "".join(c for c in tail if c.isalpha())
    tokens = [t for t in author.split() if t.rstrip(".").casefold() not in ("jr", "sr", "ii", "iii")]
    initials = ""
    while len(tokens) > 1 and _INITIAL_TOKEN.match(tokens[-1]):
        initials = tokens.pop().replace(".", "").replace("-", "") + initials
    while len(tokens) > 1 and _INITIAL_TOKEN.match(tokens[0]) and not initials:
        initials += tokens.pop(0).replace(".", "").replace("-", "")
    return " ".join(tokens), initials


def search_terms(citation: Citation) -> list[str]:
    """esearch queries for a citation, strictest first; each relaxes one thing.

    Title words each tagged [ti] (PubMed maps an untagged phrase in ways that vary), the
    first author's surname [au] and the year [dp] (a year either side: online-first)."""
    words = title_words(citation.title)
    if len(words) < 2:
        return []
    surname = ""
    if citation.authors:
        name = surname_and_initials(citation.authors[0])[0]
        surname = " ".join(re.sub(r"[^\w\s]", " ", fold(name)).split())
    year = f"{citation.year - 1}:{citation.year + 1}[dp]" if citation.year else ""
    title = " AND ".join(f"{w}[ti]" for w in words)
    short = " AND ".join(f"{w}[ti]" for w in words[:4])
    au = f"{surname}[au]" if surname else ""
    queries = [
        " AND ".join(p for p in (title, au, year) if p),
        " AND ".join(p for p in (title, au) if p),
        " AND ".join(p for p in (short, au, year) if p),
        " AND ".join(p for p in (short, year) if p),
    ]
    out: list[str] = []
    for q in queries:
        if q not in out:
            out.append(q)
    return out
