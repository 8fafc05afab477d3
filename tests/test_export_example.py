"""The example policy, offline: every reference exported from its citation text, in every format."""

from __future__ import annotations

import csv
import io
import json
import re

import bibtexparser
import pytest
import rispy
from Bio import Medline
from conftest import EXAMPLE

from evidence.services.export import export_policy
from evidence.services.policy import add_policy


def _printed() -> list[tuple[str, str]]:
    """(first author's surname, PMID) per entry, read straight from the document's text."""
    section = EXAMPLE.read_text("utf-8").split("REFERENCES", 1)[1]
    return [(m[1], m[2]) for m in re.finditer(r"^\d+\. (.+?) [A-Z]+,.*PMID (\d+)\s*$", section,
                                               re.M)]


def _read(fmt: str, text: str) -> list[tuple[str, str]]:
    if fmt == "ris":
        return [(r["authors"][0].split(",")[0], r["accession_number"]) for r in rispy.loads(text)]
    if fmt == "bibtex":
        lib = bibtexparser.parse_string(text)
        return [(e["author"].split(",")[0].strip("{}"), e["pmid"]) for e in lib.entries]
    if fmt == "csljson":
        return [(i["author"][0]["family"], i["PMID"]) for i in json.loads(text)]
    if fmt == "nbib":
        return [(r["FAU"][0].split(",")[0], r["PMID"]) for r in Medline.parse(io.StringIO(text))]
    rows = csv.DictReader(io.StringIO(text))
    return [(r["authors"].split(",")[0], r["pmid"]) for r in rows]


@pytest.fixture(scope="module")
def example_engine(tmp_path_factory):  # type: ignore[no-untyped-def]
    from evidence.store import open_store

    engine = open_store(f"sqlite:///{tmp_path_factory.mktemp('ex') / 'e.sqlite'}")
    add_policy(engine, EXAMPLE.read_bytes(), EXAMPLE.name, policy_id="example")
    yield engine
    engine.dispose()


@pytest.mark.parametrize("fmt", ["ris", "bibtex", "csljson", "nbib", "csv"])
def test_all_32_references_with_first_author_and_pmid(example_engine, fmt):
    printed = _printed()
    assert len(printed) == 32
    assert _read(fmt, export_policy(example_engine, "example", fmt)[0]) == printed


def test_example_bibtex_keys_are_unique_and_readable(example_engine):
    lib = bibtexparser.parse_string(export_policy(example_engine, "example", "bibtex")[0])
    keys = [e.key for e in lib.entries]
    assert not lib.failed_blocks and len(set(keys)) == 32
    assert keys[0] == "kullo2016peripheral"
    assert all(e["keywords"].endswith("unresolved") for e in lib.entries)
