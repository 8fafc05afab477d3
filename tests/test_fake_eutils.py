"""The fake server answers in the shapes of the real E-utilities answers in ../shared."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
import requests
from fake_eutils import article_xml, pubmed_article_set
from lxml import etree

PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)


def corpus(shared: Path, name: str) -> Path:
    return shared / "corpora" / "eutils-real" / name


def paths(root) -> set[str]:  # type: ignore[no-untyped-def]
    """Every element path in a tree, e.g. /PubmedArticleSet/PubmedArticle/MedlineCitation/PMID."""
    tree = root.getroottree()
    return {re.sub(r"\[\d+\]", "", tree.getpath(e)) for e in root.iter()}


def get(fake, endpoint: str, **params) -> requests.Response:  # type: ignore[no-untyped-def]
    return requests.get(fake.url + endpoint, params=params, timeout=10)


def test_empty_efetch_is_byte_identical_to_ncbi(shared, fake_eutils):
    real = corpus(shared, "metapub/pmid_xml/37909814.xml").read_bytes()
    r = get(fake_eutils, "efetch.fcgi", db="pubmed", id="90000404", retmode="xml")
    assert r.status_code == 200 and r.content == real
    assert r.headers["Content-Type"] == "text/xml; charset=UTF-8"
    assert r.headers["X-RateLimit-Limit"] == "3"


def test_synthetic_records_use_the_2025_layout(shared):
    real_file = corpus(shared, "metapub/pmid_xml/35649368.xml").read_bytes()
    ours = pubmed_article_set(
        [
            article_xml(
                90000001,
                abstract="Text.",
                mesh=["Ischemia"],
                comments_corrections=[("ErratumIn", "90000002")],
                keywords=["cells"],
                doi="10.1/x",
                authors=["Kullo IJ"],
            )
        ]
    )
    assert ours.split(b"\n")[:3] == real_file.split(b"\n")[:3]  # declaration, DOCTYPE, root
    real_paths = paths(etree.fromstring(real_file, PARSER))
    our_paths = paths(etree.fromstring(ours, PARSER))
    # Everything we emit is where NCBI puts it (ArticleDate / ReferenceList are in other records).
    extra = {
        p for p in our_paths - real_paths if not p.endswith(("ArticleDate", "Year", "Month", "Day"))
    }
    assert extra <= {"/PubmedArticleSet/PubmedArticle/MedlineCitation/Article/ArticleDate"}, extra


def test_synthetic_records_parse_with_biopython_offline(monkeypatch):
    from Bio import Entrez
    from Bio.Entrez import Parser

    def no_network(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("Bio.Entrez reached for the network")

    monkeypatch.setattr(Parser, "urlopen", no_network, raising=False)
    body = pubmed_article_set(
        [
            article_xml(
                90000001,
                abstract=[("Background", "B."), ("Results", "R.")],
                mesh=["Ischemia"],
                publication_types=["Randomized Controlled Trial"],
            )
        ]
    )
    (art,) = Entrez.read(io.BytesIO(body))["PubmedArticle"]
    assert str(art["MedlineCitation"]["PMID"]) == "90000001"


@pytest.mark.parametrize(
    ("corpus_file", "params"),
    [
        ("biopython/Entrez/esearch2.xml", {"term": "cells", "usehistory": "y", "retmax": "2"}),
        ("biopython/Entrez/esearch8.xml", {"term": "abcXYZ"}),
    ],
)
def test_esearch_matches_the_corpus_structure(shared, fake_eutils, corpus_file, params):
    fake_eutils.add_article(90000001, title="Stem cells.", edat=date(2024, 1, 1))
    fake_eutils.add_article(90000002, title="Stem cells again.", edat=date(2024, 1, 2))
    real = etree.fromstring(corpus(shared, corpus_file).read_bytes(), PARSER)
    r = get(fake_eutils, "esearch.fcgi", db="pubmed", **params)
    ours = etree.fromstring(r.content, PARSER)
    assert [e.tag for e in ours] == [e.tag for e in real]
    assert r.content.split(b"\n")[:2] == corpus(shared, corpus_file).read_bytes().split(b"\n")[:2]


def test_epost_and_esummary_match_the_corpus(shared, fake_eutils):
    fake_eutils.add_article(90000001, title="Stem cells.")
    post = requests.post(
        fake_eutils.url + "epost.fcgi", data={"db": "pubmed", "id": "90000001"}, timeout=10
    )
    real_post = etree.fromstring(corpus(shared, "biopython/Entrez/epost1.xml").read_bytes(), PARSER)
    ours_post = etree.fromstring(post.content, PARSER)
    assert [e.tag for e in ours_post] == [e.tag for e in real_post]
    assert ours_post.findtext("WebEnv").startswith("MCID_")
    summary = get(fake_eutils, "esummary.fcgi", db="pubmed", id="90000001")
    real_sum = etree.fromstring(
        corpus(shared, "biopython/Entrez/esummary1.xml").read_bytes(), PARSER
    )
    ours_sum = etree.fromstring(summary.content, PARSER)
    real_items = {i.get("Name") for i in real_sum.find("DocSum").iter("Item")}
    assert {i.get("Name") for i in ours_sum.find("DocSum").iter("Item")} <= real_items
    fetched = get(
        fake_eutils,
        "efetch.fcgi",
        db="pubmed",
        WebEnv=ours_post.findtext("WebEnv"),
        query_key=ours_post.findtext("QueryKey"),
        retmode="xml",
    )
    assert b'<PMID Version="1">90000001</PMID>' in fetched.content


def test_esummary_json_unknown_uid_matches_the_excerpt(shared, fake_eutils):
    real = json.loads(
        corpus(shared, "excerpts/esummary_json_pubmed_unavailable_uid.json").read_text()
    )
    r = get(fake_eutils, "esummary.fcgi", db="pubmed", id="40482261", retmode="json")
    assert r.json() == real


def test_the_429_body_matches_ncbi(shared, fake_eutils):
    real = json.loads(corpus(shared, "excerpts/rate_limit_429_observed.json").read_text())
    statuses = [
        get(fake_eutils, "esearch.fcgi", db="pubmed", term="x").status_code for _ in range(5)
    ]
    assert statuses[:3] == [200, 200, 200] and 429 in statuses
    r = get(fake_eutils, "esearch.fcgi", db="pubmed", term="x")
    assert r.status_code == 429 and set(r.json()) == set(real)
    assert r.json()["limit"] == "3" and fake_eutils.rate_violations >= 1


def test_retstart_past_9998_is_ncbis_error_body(fake_eutils):
    r = get(fake_eutils, "esearch.fcgi", db="pubmed", term="x", retstart="9999")
    assert r.status_code == 200
    assert (
        b"<ERROR>Search Backend failed: Exception:\n'retstart' cannot be larger than 9998."
        in r.content
    )


def test_ecitmatch_answers_in_ncbis_plain_text(shared, fake_eutils):
    fake_eutils.add_article(
        90000001,
        journal_iso="Proc Natl Acad Sci U S A",
        year=1991,
        volume="88",
        pages="3248-52",
        authors=["Mann BJ"],
    )
    r = get(
        fake_eutils,
        "ecitmatch.cgi",
        db="pubmed",
        retmode="xml",
        bdata="proc natl acad sci u s a|1991|88|3248|mann bj|citation_1|",
    )
    real = corpus(shared, "excerpts/ecitmatch_match_biopython_docstring.txt").read_text()
    assert r.text.replace("90000001", "2014248") == real


def test_api_key_is_redacted_in_the_log(fake_eutils):
    get(fake_eutils, "esearch.fcgi", db="pubmed", term="x", api_key="a-secret-key-123")
    assert fake_eutils.requests[0]["params"]["api_key"] == "REDACTED"


@pytest.mark.parametrize(
    ("term", "hits"),
    [
        ("limb[ti] AND ischemia[ti]", ["90000011"]),  # [ti] is the title alone
        ("bone[ti]", []),  # "bone" is only in the abstract
        ("bone[tiab]", ["90000011"]),
        ("prochazka[au]", ["90000011"]),  # accents folded, as PubMed does
        ("prochazka v[au]", ["90000011"]),  # initials from the start
        ("prochazka x[au]", []),
        ("prochaz[au]", []),  # a surname is not a prefix search
        ("gumulec[au]", ["90000011"]),
        ("gumulec[1au]", []),  # [1au]: the first author only
        ("2018[dp]", ["90000011"]),
        ("2017:2019[dp] AND limb[ti]", ["90000011"]),
        ("2019[dp]", []),
    ],
)
def test_esearch_field_tags_behave_as_pubmed(fake_eutils, term, hits):
    fake_eutils.add_article(
        "90000011",
        title="Cells for critical limb ischemia.",
        abstract="Bone marrow cells were given.",
        year=2018,
        authors=["Procházka V", "Gumulec J"],
    )
    assert fake_eutils.search(term, None, None, "edat") == hits
