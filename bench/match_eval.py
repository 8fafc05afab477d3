"""`make eval`: how many citations without a PMID the matcher resolves, and how many wrongly.

The real PubMed records in ../shared/corpora/eutils-real are served by the fake E-utilities
server (tests/fake_eutils); each is written as a citation in several house styles with its
PMID removed, some with the typos policies carry (a wrong first page, a journal written out
or abbreviated differently, no issue, the year off by one, the subtitle dropped, no volume),
stored as references with the fields a correct parser gives, and `resolve` is run. A book
record becomes a book citation, which must never get a PMID. Prints right / wrong / ambiguous
/ unmatched per variant and overall. Issue #11 asks for >= 0.97 right and 0 wrong.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "eutils-real"
for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

VARIANTS = (
    "vancouver", "ama", "apa", "author-year",
    "wrong-page", "full-journal", "no-issue", "year-off-by-one", "subtitle-dropped", "no-volume",
)


@dataclass
class Case:
    pmid: str
    variant: str
    fields: dict[str, Any]


def _efetch_files() -> list[Path]:
    out = []
    for path in sorted(CORPUS.rglob("*.xml")):
        head = path.read_bytes()[:600]
        if b"PubmedArticleSet" in head:
            out.append(path)
    return out


def load_records():  # type: ignore[no-untyped-def]
    from evidence.entrez.parse import parse_efetch

    records, files = {}, []
    for path in _efetch_files():
        try:
            articles = parse_efetch(path.read_bytes())
        except Exception:  # noqa: BLE001 - a file the parser refuses is not a case
            continue
        if articles:
            files.append(path)
        for a in articles:
            records.setdefault(a.pmid, a)
    return records, files


def _authors(article, style: str) -> list[str]:  # type: ignore[no-untyped-def]
    names = []
    for a in article.authors[:6]:
        if a.get("collective"):
            names.append(a["collective"])
            continue
        last, initials = a.get("last") or "", a.get("initials") or ""
        if style == "apa":
            names.append(f"{last}, {'. '.join(initials)}.")
        elif style == "author-year":
            names.append(f"{'.'.join(initials)}. {last}")
        else:
            names.append(f"{last} {initials}".strip())
    return names


def _pages(pages: str | None, style: str) -> str | None:
    if not pages:
        return None
    return pages.replace("-", "\u2013") if style in ("apa", "ama") else pages


def cases_for(article) -> list[Case]:  # type: ignore[no-untyped-def]
    """The citations one record is written as."""
    if article.is_book:
        return [Case(article.pmid, "book", {"kind": "book", "title": article.title,
                                            "year": article.year,
                                            "authors": _authors(article, "vancouver")})]
    if not article.title:
        return []
    base = {
        "title": article.title.rstrip("."),
        "journal": article.journal_iso or article.journal,
        "year": article.year,
        "volume": article.volume,
        "issue": article.issue,
        "pages": article.pages if article.pages and not article.pages.startswith("10.") else None,
        "authors": _authors(article, "vancouver"),
    }
    out = []
    for style in ("vancouver", "ama", "apa", "author-year"):
        out.append(Case(article.pmid, style, base | {
            "authors": _authors(article, style),
            "pages": _pages(base["pages"], style),
            "journal": article.journal if style == "apa" and article.journal else base["journal"],
        }))
    page = base["pages"]
    wrong_page = None
    if page:
        head = page.split("-")[0]
        wrong_page = (str(int(head) + 10) if head.isdigit() else head + "0") + page[len(head):]
    out += [
        Case(article.pmid, "wrong-page", base | {"pages": wrong_page}),
        Case(article.pmid, "full-journal", base | {"journal": article.journal or base["journal"]}),
        Case(article.pmid, "no-issue", base | {"issue": None}),
        Case(article.pmid, "year-off-by-one", base | {"year": (article.year or 2000) + 1}),
        Case(article.pmid, "subtitle-dropped", base | {"title": base["title"].split(":")[0]}),
        Case(article.pmid, "no-volume", base | {"volume": None}),
    ]
    return out


def run_eval() -> dict[str, Counter]:  # type: ignore[type-arg]
    from fake_eutils.server import FakeEutils
    from sqlmodel import Session, select

    from evidence.config import load_settings
    from evidence.entrez.client import EntrezClient
    from evidence.services.resolve import resolve
    from evidence.store import models as m
    from evidence.store import open_store, transaction

    records, files = load_records()
    cases = [c for a in records.values() for c in cases_for(a)]
    tmp = Path(tempfile.mkdtemp(prefix="match-eval-"))
    with FakeEutils() as fake:
        for path in files:
            fake.add_xml(path.read_bytes())
        os.environ.update(
            EVIDENCE_DB=str(tmp / "eval.sqlite"),
            EVIDENCE_CACHE=str(tmp / "cache.sqlite"),
            EVIDENCE_EUTILS_URL=fake.url,
            NCBI_API_KEY="eval-key",  # 10 requests/s at the fake
        )
        settings = load_settings()
        engine = open_store(settings.db_url)
        with transaction(engine) as session:
            session.add(m.Policy(id="eval", title="eval", sha256="0" * 64))
            session.flush()
            for n, case in enumerate(cases, 1):
                session.add(m.Reference(policy_id="eval", revision=1, number=n,
                                        raw=f"{case.variant} {n}", **case.fields))
        started = time.monotonic()
        with EntrezClient(settings) as client:
            summary = resolve(engine, client, "eval")
        elapsed = time.monotonic() - started
        with Session(engine) as session:
            refs = {r.number: r for r in session.exec(select(m.Reference))}
        rate_violations = fake.rate_violations
    tally: dict[str, Counter] = {}  # type: ignore[type-arg]
    for n, case in enumerate(cases, 1):
        ref = refs[n]
        got = ref.matched_pmid
        outcome = (
            "right" if got == case.pmid and case.variant != "book"
            else "wrong" if got
            else ref.match_status or "unmatched"
        )
        tally.setdefault(case.variant, Counter())[outcome] += 1
        tally.setdefault("all", Counter())[outcome] += 1
    print(f"{len(records)} real PubMed records, {len(cases)} citations; resolve took {elapsed:.1f} s, "
          f"{summary.requests} requests, {rate_violations} over the rate limit")
    return tally


def main() -> None:
    if not CORPUS.is_dir():
        print("../shared/corpora/eutils-real is not present; skipped")
        return
    tally = run_eval()
    print(f"{'variant':<18}{'n':>6}{'right':>8}{'wrong':>7}{'ambig.':>8}{'unmatched':>11}{'right %':>9}")
    for variant in (*VARIANTS, "book", "all"):
        c = tally.get(variant)
        if not c:
            continue
        n = sum(c.values())
        unmatched = n - c["right"] - c["wrong"] - c["ambiguous"]
        articles = n if variant != "book" else 0
        share = f"{c['right'] / articles:.3f}" if articles else "-"
        print(f"{variant:<18}{n:>6}{c['right']:>8}{c['wrong']:>7}{c['ambiguous']:>8}{unmatched:>11}{share:>9}")
    books = tally.get("book", Counter())
    articles = sum(tally["all"].values()) - sum(books.values())
    print(f"articles resolved right: {tally['all']['right']}/{articles} = "
          f"{tally['all']['right'] / max(articles, 1):.3f}; wrong PMIDs: {tally['all']['wrong']}; "
          f"books given a PMID: {books['wrong']}")


if __name__ == "__main__":
    main()
