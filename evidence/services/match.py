"""Find the PubMed record of a citation that prints no PMID (or prints a wrong one).

Two steps, each batched and paced through the one EntrezClient (cache, limiter, retries):

1. ECitMatch, 50 citations per request, from journal, year, volume, first page and first
   author. A hit (or the candidates of an AMBIGUOUS answer) is fetched and checked like any
   other candidate: ECitMatch trusts the fields it was given, and those fields come from a
   parser that can be wrong.
2. For what ECitMatch leaves, esearch on title words [ti] + first author [au] + year [dp],
   one query per reference per round; a reference found in no round is relaxed (no year,
   then fewer title words) in the next. All hits of a round are fetched in one batch.

Each candidate record is scored with `evidence.flags.match` (title, year +-1, journal,
first author must agree); the verdict is "matched, unconfirmed" (the user accepts it with
`evidence resolve POLICY --accept`), "ambiguous" (two close candidates kept for the user to
choose), or "not found". A work that is not a journal article is never given a PMID.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evidence.entrez.client import EntrezClient
from evidence.flags.citation import check_citation, first_page, fold
from evidence.flags.match import (
    Candidate,
    Verdict,
    choose,
    is_prefix,
    score,
    search_terms,
    surname_and_initials,
    title_similarity,
)
from evidence.records import Article, Citation

SEARCH_RETMAX = 20
TRUST_TITLE = 60  # an ECitMatch hit with every other field agreeing: the title need only be close
MATCHED = "matched, unconfirmed"
CONFIRMED = "confirmed"
AMBIGUOUS = "ambiguous"
NOT_FOUND = "not found"
NOT_ARTICLE = "not an article"
SUGGESTED = "suggested"
NO_BETTER = "no better match"
_DASH = re.compile(r"[-\u2010-\u2015\u2212,;]")  # hyphen, en/em dashes, minus sign
SaveArticles = Callable[[list[Article]], None]


@dataclass
class Found:
    """What the matcher concluded for one citation, and how."""

    verdict: Verdict
    method: str


def citmatch_fields(c: Citation) -> dict[str, Any] | None:
    """The ECitMatch fields of a citation (first page split on any dash), or None when it
    lacks journal or year."""
    journal = c.journal_abbrev or c.journal
    if not journal or not c.year:
        return None
    page = None
    if c.pages and not c.pages.strip().startswith("10."):
        page = _DASH.split(c.pages.strip(), maxsplit=1)[0].strip() or None
    return {
        "journal": journal,
        "year": c.year,
        "volume": c.volume,
        "first_page": page,
        "author": _author(c.authors[0]) if c.authors else None,
    }


def _author(name: str) -> str:
    surname, initials = surname_and_initials(name)
    return f"{surname} {initials}".strip()


def find(
    client: EntrezClient, citations: dict[str, Citation], save: SaveArticles | None = None
) -> dict[str, Found]:
    """key -> what was found, for every citation given (articles only; see `kind`)."""
    records: dict[str, Article] = {}
    out: dict[str, Found] = {}
    todo = {k: c for k, c in citations.items() if c.kind == "article"}
    _by_citmatch(client, todo, records, out)
    pending = {k: c for k, c in todo.items() if out.get(k) is None or out[k].verdict.status == NOT_FOUND}
    _by_search(client, pending, records, out)
    for k in todo:
        out.setdefault(k, Found(Verdict(NOT_FOUND), "ecitmatch and esearch: nothing"))
    if save is not None:
        keep = {c.pmid for f in out.values() for c in f.verdict.candidates if f.verdict.status != NOT_FOUND}
        save([records[p] for p in sorted(keep) if p in records])
    return out


def _fetch(client: EntrezClient, pmids: set[str], records: dict[str, Article]) -> None:
    wanted = sorted(p for p in pmids if p not in records)
    if wanted:
        for article in client.fetch_articles(wanted).articles:
            records[article.pmid] = article


def _by_citmatch(
    client: EntrezClient,
    todo: dict[str, Citation],
    records: dict[str, Article],
    out: dict[str, Found],
) -> None:
    queries = {k: q | {"key": k} for k, c in todo.items() if (q := citmatch_fields(c))}
    if not queries:
        return
    answers = client.ecitmatch(list(queries.values()))
    listed = getattr(client, "citmatch_candidates", {})
    candidates = {k: [p] if (p := answers.get(k)) else listed.get(k, []) for k in queries}
    _fetch(client, {p for ps in candidates.values() for p in ps}, records)
    for key, pmids in candidates.items():
        line = "|".join(str(queries[key][f] or "") for f in ("journal", "year", "volume", "first_page", "author"))
        arts = [records[p] for p in pmids if p in records]
        if not arts:
            continue
        verdict = choose(todo[key], arts)
        if verdict.status == NOT_FOUND and len(arts) == 1:
            verdict = _trust_citmatch(todo[key], arts[0]) or verdict
        out[key] = Found(verdict, f"ecitmatch: {line}")


def _trust_citmatch(citation: Citation, article: Article) -> Verdict | None:
    """An ECitMatch hit for a citation without a title: journal, year, volume and first page
    all matched in NCBI's index, and nothing comparable disagrees with the record."""
    cand = score(citation, article)
    if not (citation.volume and first_page(citation.pages)):
        return None
    if citation.title:  # a title cut short, or one the parser took a word too many into
        sim = title_similarity(citation.title, article.title) or 0.0
        if sim < TRUST_TITLE and not _word_prefix(citation.title, article.title or ""):
            return None
    elif cand.why != "no title to compare":
        return None
    kinds = {k for k, _ in check_citation(citation, article)}
    if kinds & {"year", "volume", "first-page", "first-author", "journal", "pmid-likely-wrong"}:
        return None
    return Verdict("matched", article.pmid, (cand,))


def _word_prefix(cited: str, recorded: str) -> bool:
    """"Pembrolizumab" for "Pembrolizumab: a review": the cited words begin the record's."""
    a, b = fold(cited).split(), fold(recorded).split()
    return bool(a) and len(a) <= len(b) and b[: len(a)] == a or is_prefix(cited, recorded)


def _by_search(
    client: EntrezClient,
    pending: dict[str, Citation],
    records: dict[str, Article],
    out: dict[str, Found],
) -> None:
    """Rounds of esearch: round i runs each pending citation's i-th query."""
    plans = {k: search_terms(c) for k, c in pending.items()}
    for round_no in range(max((len(p) for p in plans.values()), default=0)):
        asked: dict[str, tuple[str, list[str]]] = {}
        for key, terms in plans.items():
            if round_no >= len(terms) or (key in out and out[key].verdict.status != NOT_FOUND):
                continue
            result = client.esearch(terms[round_no], retmax=SEARCH_RETMAX, usehistory=False)
            if result.ids:
                asked[key] = (terms[round_no], result.ids)
        _fetch(client, {p for _, ids in asked.values() for p in ids}, records)
        for key, (term, ids) in asked.items():
            verdict = choose(pending[key], [records[p] for p in ids if p in records])
            if verdict.status != NOT_FOUND or key not in out:
                out[key] = Found(verdict, f"esearch: {term}")


def candidates_json(candidates: tuple[Candidate, ...]) -> list[dict[str, Any]]:
    return [c.to_json() for c in candidates]
