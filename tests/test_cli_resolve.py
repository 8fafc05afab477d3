"""`evidence resolve` and `evidence article show` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_eutils import add_many, synthetic_pmids
from resolve_helpers import make_policy

from evidence.config import load_settings
from evidence.store import open_store

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

KEY = "a-secret-key-123"


def store():  # type: ignore[no-untyped-def]
    return open_store(load_settings().db_url)


def test_resolve_prints_a_summary_and_exits_0(cli, fake_eutils):
    pmids = synthetic_pmids(5)
    add_many(fake_eutils, pmids)
    make_policy(store(), pmids)
    result = cli("resolve", "--policy", "synthetic-policy")
    assert result.exit_code == 0, result.stderr
    assert "Resolved 5 PMIDs (0 from cache, 5 fetched, 1 request); 0 unresolved" in result.stderr


def test_unknown_pmids_are_listed_and_exit_3(cli, fake_eutils):
    add_many(fake_eutils, ["90000001"])
    make_policy(store(), ["90000001", "90000099"])
    result = cli("resolve", "--json")
    assert result.exit_code == 3
    summary = json.loads(result.stdout)
    assert summary["unresolved"] == {"90000099": "not in PubMed (deleted or never existed)"}
    assert summary["resolved"] == 1


def test_offline_with_an_empty_cache_is_one_line_and_exit_3(cli, fake_eutils):
    make_policy(store(), ["90000001"])
    result = cli("resolve", "--offline")
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert (
        len(lines) == 1
        and lines[0].startswith("Error: offline")
        and "Traceback" not in result.output
    )
    assert fake_eutils.requests == []


def test_unreachable_ncbi_is_one_line_and_exit_3(cli):
    make_policy(store(), ["90000001"])
    result = cli("resolve")
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1 and "unreachable" in result.stderr


def test_offline_after_a_run_answers_from_the_cache(cli, fake_eutils, tmp_path, monkeypatch):
    pmids = synthetic_pmids(30)
    add_many(fake_eutils, pmids)
    make_policy(store(), pmids)
    assert cli("resolve").exit_code == 0
    sent = len(fake_eutils.requests)
    monkeypatch.setenv("EVIDENCE_DB", str(tmp_path / "fresh.sqlite"))  # same cache, empty store
    make_policy(store(), pmids)
    result = cli("resolve", "--offline", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["from_cache"] == 30 and summary["requests"] == 0
    assert len(fake_eutils.requests) == sent


def test_the_api_key_reaches_neither_cache_nor_store_nor_output(
    cli, fake_eutils, tmp_path, monkeypatch
):
    monkeypatch.setenv("NCBI_API_KEY", KEY)
    pmids = synthetic_pmids(25)  # POST
    add_many(fake_eutils, pmids)
    make_policy(
        store(),
        pmids + ["90000999"],
        extra=[
            {
                "journal": "J Synth Med",
                "year": 2020,
                "volume": "12",
                "pages": "100-10",
                "authors": ["Synthetic A"],
            }
        ],
    )
    outputs = [
        cli("resolve"),
        cli("resolve", "--json"),
        cli("resolve", "--refresh"),
        cli("article", "show", pmids[0], "--json"),
        cli("article", "show", pmids[0]),
    ]
    small = synthetic_pmids(3, 91000001)
    add_many(fake_eutils, small)
    make_policy(store(), small, policy_id="small")  # GET
    outputs.append(cli("resolve", "--policy", "small"))
    assert all(KEY not in r.stdout + r.stderr for r in outputs)
    assert all(r["params"].get("api_key") == "REDACTED" for r in fake_eutils.requests)
    for path in tmp_path.rglob("*.sqlite*"):
        assert KEY.encode() not in path.read_bytes(), path.name
    assert Path(load_settings().cache_path).exists()


def test_article_show_text_and_json(cli, fake_eutils):
    fake_eutils.add_article(
        "90000001",
        title="Cells for limbs.",
        journal="Journal of limbs",
        year=2019,
        authors=["Kullo IJ", "Rooke TW"],
        publication_types=["Journal Article", "Randomized Controlled Trial"],
    )
    make_policy(store(), ["90000001"])
    cli("resolve")
    text = cli("article", "show", "90000001")
    assert text.exit_code == 0
    assert "Cells for limbs." in text.stdout and "Randomized Controlled Trial" in text.stdout
    view = json.loads(cli("article", "show", "90000001", "--json").stdout)
    assert view["journal"] == "Journal of limbs" and view["year"] == 2019


def test_article_show_unknown_pmid_is_one_line_exit_1(cli):
    result = cli("article", "show", "90000404")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: PMID 90000404 is not in the store (run 'evidence resolve')"
    ]
