# ruff: noqa: E501  (XML bodies are clearer on one line)
"""A fake NCBI E-utilities server: a real HTTP server on 127.0.0.1, in a thread.

It answers efetch (GET and POST), esummary, esearch (history server, paging, the 9,998
retstart wall), epost and ecitmatch with bodies shaped like the real answers kept in
../shared/corpora/eutils-real/, enforces NCBI's rate limit (3/s, 10/s with an api_key) with
NCBI's own 429 JSON body, and injects faults on demand. Every request is logged with the
api_key redacted, so tests can count requests and check rates.
"""

from __future__ import annotations

import json
import random
import re
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from lxml import etree

from fake_eutils.records import article_xml, pubmed_article_set
from fake_eutils.search import compile_query, fold, translate

ESEARCH_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)
EPOST_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE ePostResult PUBLIC "-//NLM//DTD epost 20090526//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20090526/epost.dtd">'
)
ESUMMARY_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" ?>\n'
    '<!DOCTYPE eSummaryResult PUBLIC "-//NLM//DTD esummary v1 20041029//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20041029/esummary-v1.dtd">\n'
)
RETSTART_ERROR = (
    "Search Backend failed: Exception:\n'retstart' cannot be larger than 9998. For PubMed, "
    "ESearch can only retrieve the first 9,999 records matching the query. To obtain more than "
    "9,999 PubMed records, consider using EDirect that contains additional logic to batch "
    "PubMed search results automatically so that an arbitrary number can be retrieved. For "
    "details see https://www.ncbi.nlm.nih.gov/books/NBK25499/"
)
HTML_BLOCK = (
    b"<!DOCTYPE html>\n<html><head><title>NCBI - WWW Error Blocked Diagnostic</title></head>"
    b"<body><h1>Access Denied</h1><p>Your access to the NCBI website at www.ncbi.nlm.nih.gov "
    b"has been temporarily blocked due to a possible misuse/abuse situation involving your site. "
    b"Please see https://misuse.ncbi.nlm.nih.gov/error/abuse.shtml</p></body></html>\n"
)
FAULT_KINDS = ("500", "429", "truncated", "error_body", "html_block", "slow", "reset", "503")
# issue #15: what a hostile or broken network does (on demand only, never drawn at random)
HOSTILE_KINDS = (
    "empty_set", "redirect_other_host", "redirect_307", "redirect_302", "trickle", "huge",
    "huge_unsized",
)
REDIRECT_KINDS = {"redirect_other_host": 307, "redirect_307": 307, "redirect_302": 302}
XML_TYPE = "text/xml; charset=UTF-8"
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False, huge_tree=True)


@dataclass
class Stored:
    """One article the fake knows: its XML and what esearch / ecitmatch look at."""

    pmid: str
    xml: str
    title: str = ""
    abstract: str = ""
    mesh: list[str] = field(default_factory=list)
    pub_types: list[str] = field(default_factory=list)
    edat: date | None = None
    pdat: date | None = None
    journal: str = ""
    journal_iso: str = ""
    year: str = ""
    volume: str = ""
    first_page: str = ""
    first_author: str = ""
    authors: list[str] = field(default_factory=list)

    def fields(self) -> dict[str, str]:
        tiab = fold(f"{self.title} {self.abstract}")
        mh = "\n".join(fold(m) for m in self.mesh)  # one heading a line: [mh] matches whole headings
        pt = fold(" ; ".join(self.pub_types))
        names = [" ".join(re.sub(r"[^\w\s]", " ", fold(a)).split()) for a in self.authors]
        return {
            "tiab": tiab,
            "ti": fold(self.title),
            "mh": mh,
            "pt": pt,
            "all": f"{tiab} ; {mh}",
            "au": " ; ".join(names),
            "1au": names[0] if names else "",
            "dp": self.year,
        }


def _text(node: Any, path: str) -> str:
    found = node.find(path)
    return "".join(found.itertext()).strip() if found is not None else ""


def _history_date(node: Any, status: str) -> date | None:
    d = node.find(f".//PubmedData/History/PubMedPubDate[@PubStatus='{status}']")
    if d is None:
        return None
    return date(int(_text(d, "Year")), int(_text(d, "Month") or 1), int(_text(d, "Day") or 1))


def stored_from_xml(element: Any) -> Stored:
    """Read what the fake needs from one PubmedArticle element."""
    xml = etree.tostring(element, encoding="unicode", with_tail=False)
    if element.tag == "PubmedBookArticle":
        return _stored_book(element, xml)
    pmid = _text(element, ".//MedlineCitation/PMID")
    art = element.find(".//MedlineCitation/Article")
    authors = []
    for a in element.findall(".//AuthorList/Author"):
        name = (
            _text(a, "CollectiveName") or f"{_text(a, 'LastName')} {_text(a, 'Initials')}".strip()
        )
        authors.append(name)
    year = (
        _text(art, "Journal/JournalIssue/PubDate/Year")
        or _text(art, "Journal/JournalIssue/PubDate/MedlineDate")[:4]
    )
    pdat = date(int(year), 1, 1) if year.isdigit() else None
    return Stored(
        pmid=pmid,
        xml=xml,
        title=_text(art, "ArticleTitle"),
        abstract=" ".join("".join(t.itertext()) for t in art.findall("Abstract/AbstractText")),
        mesh=[
            _text(m, "DescriptorName") for m in element.findall(".//MeshHeadingList/MeshHeading")
        ],
        pub_types=[
            "".join(p.itertext()) for p in art.findall("PublicationTypeList/PublicationType")
        ],
        edat=_history_date(element, "entrez") or _history_date(element, "pubmed") or pdat,
        pdat=pdat,
        journal=_text(art, "Journal/Title"),
        journal_iso=_text(art, "Journal/ISOAbbreviation"),
        year=year,
        volume=_text(art, "Journal/JournalIssue/Volume"),
        first_page=_text(art, "Pagination/StartPage")
        or _text(art, "Pagination/MedlinePgn").split("-")[0],
        first_author=authors[0] if authors else "",
        authors=authors,
    )


def _stored_book(element: Any, xml: str) -> Stored:
    """A PubmedBookArticle (GeneReviews, StatPearls): PMID, titles and authors under BookDocument."""
    doc = element.find("BookDocument")
    authors = [
        f"{_text(a, 'LastName')} {_text(a, 'Initials')}".strip() or _text(a, "CollectiveName")
        for a in doc.findall("AuthorList/Author")
    ]
    year = _text(doc, "Book/PubDate/Year")
    return Stored(
        pmid=_text(doc, "PMID"),
        xml=xml,
        title=_text(doc, "ArticleTitle") or _text(doc, "Book/BookTitle"),
        abstract=" ".join("".join(t.itertext()) for t in doc.findall("Abstract/AbstractText")),
        pub_types=["".join(p.itertext()) for p in doc.findall("PublicationType")],
        year=year,
        pdat=date(int(year), 1, 1) if year.isdigit() else None,
        edat=date(int(year), 1, 1) if year.isdigit() else None,
        first_author=authors[0] if authors else "",
        authors=authors,
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64
    fake: FakeEutils


class FakeEutils:
    """The fake server. Use as a context manager; `url` ends in "/" like EVIDENCE_EUTILS_URL."""

    def __init__(self, *, enforce_rate: bool = True, slow_seconds: float = 1.5) -> None:
        self.articles: dict[str, Stored] = {}
        self.requests: list[dict[str, Any]] = []
        self.enforce_rate = enforce_rate
        self.slow_seconds = slow_seconds
        self.max_rate_seen = 0
        self.rate_violations = 0
        self._arrivals: deque[tuple[float, bool]] = deque()
        self._history: dict[str, dict[int, list[str]]] = {}
        self._lock = threading.Lock()
        self._fault_rate = 0.0
        self._fault_kinds: tuple[str, ...] = FAULT_KINDS
        self._rng = random.Random(0)
        self._fail_next: deque[str] = deque()
        self.faults_injected: dict[str, int] = {}
        self.synthesize: Callable[[str], str | None] | None = None  # PMID -> XML for unknown ids
        self.merged: dict[str, str] = {}  # old PMID -> the PMID PubMed keeps (duplicates merged)
        self.other_host_url = ""  # where "redirect_other_host" points (another server)
        self.trickle_seconds = 2.0  # "trickle": one byte of the answer this often
        self.huge_bytes = 70 * 2**20  # "huge": an answer this large
        self._fields: dict[str, dict[str, Any]] = {}  # add_article's fields, for change_article
        self._down_after: tuple[int, str | None] | None = None
        self.down = False
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> FakeEutils:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="fake-eutils", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()

    def __enter__(self) -> FakeEutils:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/entrez/eutils/"

    # ------------------------------------------------------------ data

    def add_article(self, pmid: str | int, **fields: Any) -> str:
        """Store a synthetic record built by `records.article_xml`; returns its XML."""
        xml = article_xml(pmid, **fields)
        self.add_xml(xml)
        self._fields[str(pmid)] = dict(fields)
        return xml

    # ------------------------------------------------------------ records changing in PubMed

    def change_article(self, pmid: str | int, **changes: Any) -> str:
        """Rebuild a record `add_article` made, with some fields changed (a later PubMed)."""
        fields = {**self._fields[str(pmid)], **changes}
        return self.add_article(pmid, **fields)

    def retract(self, pmid: str | int, notice: str | int) -> str:
        """The record gains "Retracted Publication" and a RetractionIn link to the notice."""
        return self._mark(pmid, "Retracted Publication", ("RetractionIn", str(notice)))

    def add_erratum(self, pmid: str | int, erratum: str | int) -> str:
        return self._mark(pmid, None, ("ErratumIn", str(erratum)))

    def add_expression_of_concern(self, pmid: str | int, notice: str | int) -> str:
        return self._mark(pmid, None, ("ExpressionOfConcernIn", str(notice)))

    def reindex(self, pmid: str | int, *types: str) -> str:
        """Re-indexing adds publication types (e.g. "Randomized Controlled Trial")."""
        old = list(self._fields[str(pmid)].get("publication_types", ("Journal Article",)))
        return self.change_article(pmid, publication_types=old + [t for t in types if t not in old])

    def _mark(self, pmid: str | int, pub_type: str | None, link: tuple[str, str]) -> str:
        fields = self._fields[str(pmid)]
        types = list(fields.get("publication_types", ("Journal Article",)))
        links = list(fields.get("comments_corrections", ())) + [link]
        return self.change_article(
            pmid,
            publication_types=types + ([pub_type] if pub_type and pub_type not in types else []),
            comments_corrections=links,
        )

    def go_down_after(self, n: int, endpoint: str | None = None) -> None:
        """After `n` answers (to `endpoint`, or any), stop listening: NCBI gone mid-run."""
        self._down_after = (self.count(endpoint) + n, endpoint)

    def _maybe_go_down(self, endpoint: str) -> None:
        if self._down_after is None:
            return
        n, only = self._down_after
        if self.count(only) >= n and (only is None or endpoint == only):
            self._down_after = None
            self.down = True  # open keep-alive connections are dropped too
            threading.Thread(target=self.stop, daemon=True).start()

    def add_xml(self, raw: str | bytes) -> list[str]:
        """Store real records (a PubmedArticleSet file or one PubmedArticle); returns the PMIDs."""
        data = raw.encode() if isinstance(raw, str) else raw
        root = etree.fromstring(data, PARSER)
        elements = [root] if root.tag in ("PubmedArticle", "PubmedBookArticle") else list(root)
        pmids = []
        for el in elements:
            if el.tag not in ("PubmedArticle", "PubmedBookArticle"):
                continue
            stored = stored_from_xml(el)
            with self._lock:
                self.articles[stored.pmid] = stored
            pmids.append(stored.pmid)
        return pmids

    def remove(self, pmid: str | int) -> None:
        with self._lock:
            self.articles.pop(str(pmid), None)

    # ------------------------------------------------------------ faults

    def faults(self, rate: float = 0.3, kinds: Sequence[str] = FAULT_KINDS, seed: int = 1) -> None:
        """Fail each request with probability `rate`, with a kind drawn from `kinds`."""
        unknown = set(kinds) - set(FAULT_KINDS)
        assert not unknown, f"unknown fault kinds {unknown}"
        self._fault_rate, self._fault_kinds, self._rng = rate, tuple(kinds), random.Random(seed)

    def fail_next(self, n: int, kind: str) -> None:
        assert kind in FAULT_KINDS + HOSTILE_KINDS, kind
        self._fail_next.extend([kind] * n)

    def _draw_fault(self) -> str | None:
        with self._lock:
            if self._fail_next:
                return self._fail_next.popleft()
            if self._fault_rate and self._rng.random() < self._fault_rate:
                return self._rng.choice(self._fault_kinds)
        return None

    # ------------------------------------------------------------ log helpers

    def count(self, endpoint: str | None = None, status: int | None = None) -> int:
        return sum(
            1
            for r in self.requests
            if (endpoint is None or r["endpoint"] == endpoint)
            and (status is None or r["status"] == status)
        )

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def _admit(self, has_key: bool) -> tuple[bool, int, int]:
        """Record an arrival; say whether it is within NCBI's limit (count in the last 1 s)."""
        now = time.monotonic()
        limit = 10 if has_key else 3
        with self._lock:
            self._arrivals.append((now, has_key))
            while self._arrivals and self._arrivals[0][0] <= now - 1.0:
                self._arrivals.popleft()
            seen = sum(1 for _, k in self._arrivals if k == has_key)
            self.max_rate_seen = max(self.max_rate_seen, seen)
            over = seen > limit
            if over:
                self.rate_violations += 1
        return (not over or not self.enforce_rate), seen, limit

    # ------------------------------------------------------------ endpoints

    def efetch_text(self, params: dict[str, str]) -> bytes:
        """efetch without retmode=xml: text, with NCBI's error line for each PMID it cannot give
        ("not available"; "is a duplicate of" for a merged PMID; PathwayCommons/semantic-search
        #100 and #106 quote both)."""
        out = []
        with self._lock:
            for i in self._ids(params):
                if i in self.merged:
                    out.append(f"id: {i} Error occurred: PMID {i} is a duplicate of PMID {self.merged[i]}")
                elif i in self.articles:
                    s = self.articles[i]
                    out.append(f"{s.journal_iso}. {s.year};{s.volume}:{s.first_page}.\n\n{s.title}\n\nPMID: {i}\n")
                else:
                    out.append(f"id: {i} Error occurred: The following PMID is not available: {i}")
        return ("\n".join(out) + "\n").encode()

    def efetch(self, params: dict[str, str]) -> bytes:
        ids = self._ids(params)
        with self._lock:
            parts = [self.articles[i].xml if i in self.articles else None for i in ids]
        if self.synthesize is not None:  # benchmarks: records made on demand, not held in memory
            parts = [
                p if p is not None else self.synthesize(i) for p, i in zip(parts, ids, strict=True)
            ]
        return pubmed_article_set(p for p in parts if p is not None)

    def _ids(self, params: dict[str, str]) -> list[str]:
        if params.get("id"):
            return [i.strip() for i in params["id"].split(",") if i.strip()]
        env, key = params.get("WebEnv", ""), params.get("query_key", "")
        ids = self._history.get(env, {}).get(int(key) if key.isdigit() else -1, [])
        start = int(params.get("retstart", 0) or 0)
        size = int(params.get("retmax", 20) or 20)
        return ids[start : start + size]

    def _new_history(self, ids: list[str], env: str | None = None) -> tuple[str, int]:
        with self._lock:
            if not env or env not in self._history:
                env = "MCID_" + secrets.token_hex(12)
                self._history[env] = {}
            key = len(self._history[env]) + 1
            self._history[env][key] = ids
        return env, key

    def esearch(self, params: dict[str, str]) -> bytes:
        term = params.get("term", "")
        start = int(params.get("retstart", 0) or 0)
        size = int(params.get("retmax", 20) or 20)
        if start > 9998:
            return self._error_body("eSearchResult", RETSTART_ERROR)
        ids = self.search(
            term, params.get("mindate"), params.get("maxdate"), params.get("datetype", "edat")
        )
        history = ""
        if params.get("usehistory", "n").lower() == "y":
            env, key = self._new_history(ids, params.get("WebEnv"))
            history = f"<QueryKey>{key}</QueryKey><WebEnv>{env}</WebEnv>"
        page = ids[start : start + size]
        text = translate(term, params.get("mindate"), params.get("maxdate"), params.get("datetype", "edat"))
        translation = f"<QueryTranslation>{escape(text)}</QueryTranslation>"
        if not ids:
            return (
                f"{ESEARCH_HEAD}<eSearchResult><Count>0</Count><RetMax>0</RetMax><RetStart>{start}</RetStart>"
                f"{history}<IdList/><TranslationSet/>{translation}<ErrorList><PhraseNotFound>{escape(term)}"
                "</PhraseNotFound></ErrorList><WarningList><OutputMessage>No items found.</OutputMessage>"
                "</WarningList></eSearchResult>\n"
            ).encode()
        id_xml = "".join(f"<Id>{i}</Id>\n" for i in page)
        return (
            f"{ESEARCH_HEAD}<eSearchResult><Count>{len(ids)}</Count><RetMax>{len(page)}</RetMax>"
            f"<RetStart>{start}</RetStart>{history}<IdList>\n{id_xml}</IdList><TranslationSet/>"
            f"{translation}</eSearchResult>\n"
        ).encode()

    def search(
        self, term: str, mindate: str | None, maxdate: str | None, datetype: str
    ) -> list[str]:
        """PMIDs matching `term` in the date window, newest PMID first (PubMed's default order)."""
        match = compile_query(term)
        lo, hi = _parse_date(mindate, end=False), _parse_date(maxdate, end=True)
        with self._lock:
            stored = list(self.articles.values())
        hits = []
        for s in stored:
            when = s.pdat if datetype == "pdat" else s.edat
            if (lo or hi) and when is None:
                continue
            if lo and when < lo or hi and when > hi:
                continue
            if match(s.fields()):
                hits.append(s.pmid)
        return sorted(hits, key=lambda p: int(p) if p.isdigit() else 0, reverse=True)

    def epost(self, params: dict[str, str]) -> bytes:
        ids = [i.strip() for i in params.get("id", "").split(",") if i.strip()]
        env, key = self._new_history(ids, params.get("WebEnv"))
        return f"{EPOST_HEAD}<ePostResult>\n\t<QueryKey>{key}</QueryKey>\n\t<WebEnv>{env}</WebEnv>\n</ePostResult>\n".encode()

    def esummary(self, params: dict[str, str]) -> tuple[bytes, str]:
        ids = self._ids(params)
        with self._lock:
            found = {i: self.articles.get(i) for i in ids}
        if params.get("retmode") == "json":
            result: dict[str, Any] = {"uids": ids}
            for i, s in found.items():
                result[i] = _summary_json(i, s)
            body = {"header": {"type": "esummary", "version": "0.3"}, "result": result}
            return json.dumps(
                body, separators=(",", ":")
            ).encode(), "application/json; charset=UTF-8"
        docs = "".join(_docsum(s) for s in found.values() if s is not None)
        return f"{ESUMMARY_HEAD}<eSummaryResult>\n{docs}</eSummaryResult>\n".encode(), XML_TYPE

    def ecitmatch(self, params: dict[str, str]) -> bytes:
        lines = []
        for line in params.get("bdata", "").replace("%0D", "\r").replace("\n", "\r").split("\r"):
            if not line.strip():
                continue
            parts = line.split("|")
            parts += [""] * (7 - len(parts))
            journal, year, volume, page, author, key = (p.strip() for p in parts[:6])
            answer = self._citmatch(journal, year, volume, page, author)
            lines.append("|".join([journal, year, volume, page, author, key, answer]))
        return ("\n".join(lines) + "\n").encode()

    def _citmatch(self, journal: str, year: str, volume: str, page: str, author: str) -> str:
        j, a = fold(journal).replace(".", ""), fold(author)
        with self._lock:
            stored = list(self.articles.values())
        hits = [
            s.pmid
            for s in stored
            if j in (s.journal.lower(), s.journal_iso.lower().replace(".", ""))
            and (not year or s.year == year)
            and (not volume or s.volume == volume)
            and (not page or s.first_page == page)
            and (not a or fold(s.first_author).startswith(a.split()[0]))
        ]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            return "AMBIGUOUS " + ",".join(hits)
        known = any(
            j in (s.journal.lower(), s.journal_iso.lower().replace(".", "")) for s in stored
        )
        return "NOT_FOUND" if known else "NOT_FOUND;INVALID_JOURNAL"

    @staticmethod
    def _error_body(root: str, message: str) -> bytes:
        head = (
            ESEARCH_HEAD if root == "eSearchResult" else '<?xml version="1.0" encoding="UTF-8" ?>\n'
        )
        return f"{head}<{root}>\n\t<ERROR>{escape(message)}</ERROR>\n</{root}>\n".encode()


def _parse_date(value: str | None, end: bool) -> date | None:
    if not value:
        return None
    parts = [int(p) for p in value.replace("-", "/").split("/") if p]
    if len(parts) == 1:
        return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)
    if len(parts) == 2:
        if end:
            nxt = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return date.fromordinal(nxt.toordinal() - 1)
        return date(parts[0], parts[1], 1)
    return date(*parts[:3])


def _summary_json(uid: str, s: Stored | None) -> dict[str, Any]:
    if s is None:
        return {"uid": uid, "error": "cannot get document summary"}
    return {
        "uid": uid,
        "pubdate": s.year,
        "source": s.journal_iso,
        "authors": [{"name": a, "authtype": "Author", "clusterid": ""} for a in s.authors],
        "lastauthor": s.authors[-1] if s.authors else "",
        "title": s.title,
        "volume": s.volume,
        "pages": s.first_page,
        "pubtype": s.pub_types,
        "fulljournalname": s.journal,
    }


def _docsum(s: Stored) -> str:
    def item(name: str, value: str, typ: str = "String") -> str:
        return f'\t<Item Name="{name}" Type="{typ}">{escape(value)}</Item>\n'

    authors = "".join(
        f'\t\t<Item Name="Author" Type="String">{escape(a)}</Item>\n' for a in s.authors
    )
    pts = "".join(
        f'\t\t<Item Name="PubType" Type="String">{escape(p)}</Item>\n' for p in s.pub_types
    )
    return (
        f"<DocSum>\n\t<Id>{s.pmid}</Id>\n"
        + item("PubDate", s.year, "Date")
        + item("EPubDate", "", "Date")
        + item("Source", s.journal_iso)
        + f'\t<Item Name="AuthorList" Type="List">\n{authors}\t</Item>\n'
        + item("LastAuthor", s.authors[-1] if s.authors else "")
        + item("Title", s.title)
        + item("Volume", s.volume)
        + item("Pages", s.first_page)
        + f'\t<Item Name="PubTypeList" Type="List">\n{pts}\t</Item>\n'
        + item("FullJournalName", s.journal)
        + "</DocSum>\n\n"
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle(urlsplit(self.path).query)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        query = urlsplit(self.path).query
        self._handle("&".join(p for p in (query, body) if p))

    def _handle(self, query: str) -> None:
        fake = self.server.fake
        if fake.down:
            self._reset()
            return
        params = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
        endpoint = urlsplit(self.path).path.rsplit("/", 1)[-1]
        has_key = bool(params.get("api_key"))
        entry = {
            "method": self.command,
            "endpoint": endpoint,
            "params": {k: ("REDACTED" if k == "api_key" else v) for k, v in params.items()},
            "ids": len([i for i in params.get("id", "").split(",") if i.strip()]),
            "status": 0,
            "time": time.monotonic(),
        }
        with fake._lock:
            fake.requests.append(entry)
        allowed, seen, limit = fake._admit(has_key)
        if not allowed:
            entry["status"] = 429
            self._rate_limited(seen, limit)
            return
        fault = fake._draw_fault()
        if fault:
            fake.faults_injected[fault] = fake.faults_injected.get(fault, 0) + 1
            entry["fault"] = fault
        if fault == "reset":
            entry["status"] = -1
            self._reset()
            return
        if fault == "429":
            entry["status"] = 429
            self._rate_limited(limit + 1, limit)
            return
        if fault == "500":
            entry["status"] = 500
            self._send(
                500,
                b"<html><body><h1>500 Internal Server Error</h1></body></html>\n",
                "text/html",
                limit,
            )
            return
        if fault == "html_block":
            entry["status"] = 200
            self._send(200, HTML_BLOCK, "text/html; charset=UTF-8", limit)
            return
        if fault == "error_body":
            entry["status"] = 200
            root = {
                "esearch.fcgi": "eSearchResult",
                "epost.fcgi": "ePostResult",
                "esummary.fcgi": "eSummaryResult",
            }.get(endpoint, "eFetchResult")
            self._send(
                200,
                fake._error_body(
                    root,
                    "Search Backend failed: Unable to open connection to #PMQuerySrv?dbaf=pubmed",
                ),
                XML_TYPE,
                limit,
            )
            return
        if fault == "503":
            entry["status"] = 503
            self._send(503, b"<html><body><h1>503 Service Unavailable</h1></body></html>\n", "text/html", limit)
            return
        if fault in REDIRECT_KINDS:
            entry["status"] = REDIRECT_KINDS[fault]
            self._redirect(fault, endpoint)
            return
        if fault == "slow":
            time.sleep(fake.slow_seconds)
        status, body, ctype = self._answer(fake, endpoint, params)
        if fault == "empty_set" and endpoint == "efetch.fcgi" and params.get("retmode") == "xml":
            body = pubmed_article_set([])
        if fault in ("trickle", "huge", "huge_unsized"):
            entry["status"] = status
            self._stream(fault, body, ctype, limit)
            return
        if fault == "truncated":
            body = body[: max(1, len(body) // 2)]
        entry["status"] = status
        self._send(status, body, ctype, limit)
        fake._maybe_go_down(endpoint)

    def _answer(
        self, fake: FakeEutils, endpoint: str, params: dict[str, str]
    ) -> tuple[int, bytes, str]:
        if endpoint == "efetch.fcgi" and params.get("retmode", "").lower() != "xml":
            return 200, fake.efetch_text(params), "text/plain; charset=UTF-8"
        if endpoint == "efetch.fcgi":
            return 200, fake.efetch(params), XML_TYPE
        if endpoint == "esearch.fcgi":
            return 200, fake.esearch(params), XML_TYPE
        if endpoint == "epost.fcgi":
            return 200, fake.epost(params), XML_TYPE
        if endpoint == "esummary.fcgi":
            body, ctype = fake.esummary(params)
            return 200, body, ctype
        if endpoint == "ecitmatch.cgi":
            return 200, fake.ecitmatch(params), "text/plain; charset=UTF-8"
        return 404, b"<html><body>404 Not Found</body></html>\n", "text/html"

    def _redirect(self, fault: str, endpoint: str) -> None:
        """307/302 to the same server under another path, or to `other_host_url`."""
        fake = self.server.fake
        query = urlsplit(self.path).query
        base = fake.other_host_url if fault == "redirect_other_host" else "/entrez/eutils/moved/"
        location = base + endpoint + (f"?{query}" if query else "")
        try:
            self.send_response(REDIRECT_KINDS[fault])
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _stream(self, fault: str, body: bytes, ctype: str, limit: int) -> None:
        """"trickle": the real answer one byte at a time; "huge": far more than any answer."""
        fake = self.server.fake
        size = len(body) if fault == "trickle" else fake.huge_bytes
        try:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            if fault == "huge_unsized":
                self.send_header("Connection", "close")
                self.close_connection = True
            else:
                self.send_header("Content-Length", str(size))
            self.send_header("X-RateLimit-Limit", str(limit))
            self.end_headers()
            if fault == "trickle":
                for i in range(len(body)):
                    self.wfile.write(body[i : i + 1])
                    self.wfile.flush()
                    time.sleep(fake.trickle_seconds)
                return
            block = b" " * (1 << 20)
            for _ in range(size // len(block)):
                self.wfile.write(block)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass

    def _rate_limited(self, seen: int, limit: int) -> None:
        body = json.dumps(
            {
                "error": "API rate limit exceeded",
                "api-key": "127.0.0.1",
                "count": str(seen),
                "limit": str(limit),
            },
            separators=(",", ":"),
        ).encode()
        self._send(429, body, "application/json", limit, remaining=0)

    def _send(
        self, status: int, body: bytes, ctype: str, limit: int, remaining: int | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-RateLimit-Limit", str(limit))
            self.send_header(
                "X-RateLimit-Remaining", str(max(0, limit - 1) if remaining is None else remaining)
            )
            self.send_header(
                "Access-Control-Expose-Headers", "X-RateLimit-Limit,X-RateLimit-Remaining"
            )
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _reset(self) -> None:
        """Drop the connection without an answer (RST), like a dying load balancer."""
        try:
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def synthetic_pmids(n: int, start: int = 90000001) -> list[str]:
    return [str(start + i) for i in range(n)]


def add_many(fake: FakeEutils, pmids: Iterable[str], **fields: Any) -> None:
    """Store one plain synthetic record per PMID (title names the PMID, so answers are checkable)."""
    for p in pmids:
        fake.add_article(p, title=f"Synthetic study {p}.", **fields)
