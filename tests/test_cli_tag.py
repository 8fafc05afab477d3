"""`evidence tag ...` from the command line: exit codes, JSON, one-line errors."""

from __future__ import annotations

import json

import pytest
from tagging_store import stem_policy

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set


@pytest.fixture
def stem(engine):
    stem_policy(engine)
    return engine


def test_tag_prints_a_summary_by_design(cli, stem):
    result = cli("tag", "--policy", "stem")
    assert result.exit_code == 0, result.output
    assert "Tagged 4 references" in result.stderr
    for design in ("rct", "guideline", "meta-analysis", "narrative-review"):
        assert design in result.stdout


def test_tag_all_policies_json(cli, stem):
    data = json.loads(cli("tag", "--json").stdout)
    assert data["policies"] == ["stem"] and data["by_design"]["rct"] == 1
    assert json.loads(cli("tag", "--json").stdout)["changed"] == 0


def test_tag_with_empty_store(cli, engine):
    result = cli("tag")
    assert result.exit_code == 0 and "No policies" in result.stderr


def test_unknown_policy_is_one_line_exit_1(cli, stem):
    result = cli("tag", "--policy", "nope")
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()  # one line, naming the store it looked in
    assert line.startswith("Error: no policy 'nope' in ") and line.endswith("(see 'evidence policy list')")


def test_set_explain_list_roundtrip(cli, stem):
    cli("tag")
    result = cli("tag", "set", "90000001", "non-randomized-trial", "--note", "no randomisation")
    assert result.exit_code == 0 and "manual" in result.stderr
    cli("tag")
    view = json.loads(cli("tag", "explain", "90000001", "--json").stdout)
    assert (view["design"], view["source"]) == ("non-randomized-trial", "manual")
    assert view["sources"]["publication-type"]["design"] == "rct"
    text = cli("tag", "explain", "90000001").stdout
    assert "Decided by manual" in text and "no randomisation" in text
    rows = json.loads(cli("tag", "list", "--policy", "stem", "--json").stdout)
    assert [r["design"] for r in rows] == [
        "non-randomized-trial",
        "guideline",
        "meta-analysis",
        "narrative-review",
    ]
    assert cli("tag", "list", "--policy", "stem").exit_code == 0


def test_explain_names_the_signal_in_text(cli, stem):
    cli("tag")
    out = cli("tag", "explain", "stem#3").stdout
    assert 'Decided by citation-text: meta-analysis: "meta-analysis" in citation title' in out


def test_set_unknown_design_exit_1_lists_valid(cli, stem):
    result = cli("tag", "set", "90000001", "trial")
    assert result.exit_code == 1
    assert "valid designs: guideline, meta-analysis" in result.stderr
    assert "Traceback" not in result.output


def test_set_unknown_pmid_exit_1(cli, stem):
    assert cli("tag", "set", "90009999", "rct").exit_code == 1


def test_role_by_hand(cli, stem):
    cli("tag")
    assert cli("tag", "role", "stem", "4", "direct").exit_code == 0
    cli("tag")
    rows = json.loads(cli("tag", "list", "--policy", "stem", "--json").stdout)
    assert (rows[3]["role"], rows[3]["role_source"]) == ("direct", "manual")
    assert cli("tag", "role", "stem", "4", "main").exit_code == 1


def test_terms_show_and_edit(cli, stem):
    data = json.loads(cli("tag", "terms", "stem", "--json").stdout)
    assert "bone marrow" in data["terms"]
    result = cli("tag", "terms", "stem", "--add", "pad", "--remove", "bone marrow")
    assert result.exit_code == 0 and "pad" in result.stdout.split("\n")
    assert "bone marrow" not in result.stdout.split("\n")


def test_usage_errors_exit_2(cli, stem):
    assert cli("tag", "set", "90000001").exit_code == 2
    assert cli("tag", "list").exit_code == 2
