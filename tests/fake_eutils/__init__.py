"""The fake E-utilities server and its pytest fixture.

`fake_eutils` starts a FakeEutils on loopback, points EVIDENCE_EUTILS_URL at it and yields
it; tests add synthetic records, switch faults on, and read `.requests` afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_eutils.records import article_xml, pubmed_article_set
from fake_eutils.server import FakeEutils, add_many, synthetic_pmids

__all__ = [
    "FakeEutils",
    "add_many",
    "article_xml",
    "fake_eutils",
    "pubmed_article_set",
    "synthetic_pmids",
]


@pytest.fixture
def fake_eutils(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeEutils]:
    with FakeEutils() as fake:
        monkeypatch.setenv("EVIDENCE_EUTILS_URL", fake.url)
        yield fake
