"""Whole policies in six house styles, each citing real PubMed records with no PMID printed:
`policy add` -> `resolve` -> `policy show --json` gives every reference, the right PMIDs and
never a wrong one, and the title and dates as written. The figures over all records are
`make eval` (bench/e2e_eval.py); this runs a dozen records per policy."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))


@pytest.fixture(scope="module")
def corpus():  # type: ignore[no-untyped-def]
    from match_eval import CORPUS, load_records

    if not CORPUS.is_dir():
        pytest.skip("../shared/corpora/eutils-real is not present")
    return load_records()


@pytest.fixture(scope="module")
def policies(corpus):  # type: ignore[no-untyped-def]
    from e2e_eval import DEJAVU, build

    if not DEJAVU.exists():
        pytest.skip(f"{DEJAVU} absent (Debian package fonts-dejavu-core)")
    records, _ = corpus
    return build(records, per_policy=12)


@pytest.mark.parametrize("k", range(6), ids=["cigna", "aetna", "premera-md", "anthem-html", "medicaid-pdf", "hta-pdf"])
def test_policy_in_house_style_resolves_without_printed_pmids(
    k, corpus, policies, cli, fake_eutils, tmp_path, monkeypatch
):
    from e2e_eval import compare

    _, files = corpus
    for path in files:
        fake_eutils.add_xml(path.read_bytes())
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    built = policies[k]
    path = tmp_path / built.name
    path.write_bytes(built.data)
    added = cli("policy", "add", str(path), "--id", "p")
    assert added.exit_code == 0, added.output
    assert cli("resolve", "p").exit_code in (0, 3)
    outcome = compare(built, json.loads(cli("policy", "show", "p", "--json").stdout))
    assert (outcome.found, outcome.metadata_wrong) == (outcome.written, []), outcome.misses
    assert outcome.wrong == 0 and outcome.others_given_pmid == 0, outcome.misses
    assert outcome.right >= 0.97 * outcome.articles, outcome.misses
