"""Every real efetch sample in ../shared parses into a complete Article, equal to Bio.Entrez's.

Only efetch (PubmedArticleSet) samples: the other E-utilities and the known Bio.Entrez
ValueError on an old http:// elink DOCTYPE are not this parser's concern.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from evidence.entrez.parse import parse_efetch, parse_with_biopython

CORPUS = "corpora/eutils-real"
EFETCH_GLOBS = [
    "metapub/pmid_xml/*.xml",
    "metapub/data/pmid_*.xml",
    "metapub/test_data/*.xml",
    "biopython/Entrez/pubmed*.xml",
    "biocommons-eutils/extracted/test_efetch.*.body.xml",
    "biocommons-eutils/extracted/*pubmedarticle*.body.xml",
    "ncbi-biomedical-citation-selector/*.xml",
]
# Notices (an erratum, a retraction notice) legitimately carry no author.
AUTHORLESS_TYPES = {"Published Erratum", "Retraction of Publication"}


def efetch_samples(shared: Path) -> list[Path]:
    root = shared / CORPUS
    files = sorted({p for pattern in EFETCH_GLOBS for p in root.glob(pattern)})
    return [p for p in files if b"<PubmedArticleSet" in p.read_bytes()[:2000]]


@pytest.fixture
def samples(shared: Path) -> list[Path]:
    files = efetch_samples(shared)
    assert len(files) > 100, "the corpus should hold well over 100 efetch samples"
    return files


def test_every_sample_parses_into_complete_articles(samples: list[Path]) -> None:
    incomplete = []
    total = 0
    for path in samples:
        for article in parse_efetch(path.read_bytes()):
            total += 1
            names = {pt["name"] for pt in article.publication_types}
            missing = [
                field
                for field in ("pmid", "title", "journal", "year", "publication_types", "raw_xml")
                if not getattr(article, field)
            ]
            if not article.authors and not names & AUTHORLESS_TYPES:
                missing.append("authors")
            if missing:
                incomplete.append((path.name, article.pmid, missing))
    assert total > 150
    assert incomplete == []


def test_fast_parser_equals_biopython_field_by_field(samples: list[Path], no_network: None) -> None:
    differences = []
    for path in samples:
        data = path.read_bytes()
        fast = {a.pmid: dataclasses.replace(a, raw_xml=None) for a in parse_efetch(data)}
        reference = {a.pmid: a for a in parse_with_biopython(data)}
        assert fast.keys() == reference.keys(), path.name
        for pmid, article in fast.items():
            for field in dataclasses.fields(article):
                mine, theirs = getattr(article, field.name), getattr(reference[pmid], field.name)
                if mine != theirs:
                    differences.append((path.name, pmid, field.name, mine, theirs))
    assert differences == []


def test_deleted_or_unknown_pmid_gives_an_empty_list(shared: Path) -> None:
    empty = shared / CORPUS / "excerpts" / "efetch_xml_unavailable_pmid_32816848.xml"
    assert parse_efetch(empty.read_bytes()) == []
