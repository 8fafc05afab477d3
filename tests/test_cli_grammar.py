"""One grammar: the policy is positional wherever it is the subject; --policy stays an alias."""

from __future__ import annotations

import json

import pytest
from _export_data import POLICY, build_store


@pytest.fixture
def store(engine):  # type: ignore[no-untyped-def]
    build_store(engine)
    return engine


@pytest.mark.parametrize("form", [("tag", POLICY), ("tag", "--policy", POLICY)])
def test_tag_takes_the_policy_either_way(cli, store, form):
    result = cli(*form, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["policies"] == [POLICY]


@pytest.mark.parametrize("form", [("tag", "list", POLICY), ("tag", "list", "--policy", POLICY)])
def test_tag_list_takes_the_policy_either_way(cli, store, form):
    result = cli(*form, "--json")
    assert result.exit_code == 0, result.stderr
    assert [r["number"] for r in json.loads(result.stdout)] == [1, 2, 3, 4, 5]


def test_resolve_takes_the_policy_positionally(cli, store):
    result = cli("resolve", POLICY, "--offline", "--json")
    assert result.exit_code in (0, 3), result.stderr
    assert "unexpected extra argument" not in result.stderr


@pytest.mark.parametrize("form", [("report", "--policy", POLICY), ("export", "--policy", POLICY)])
def test_report_and_export_accept_the_alias(cli, store, form):
    assert cli(*form).exit_code == 0


@pytest.mark.parametrize(
    "form",
    [("tag", POLICY, "--all"), ("resolve", POLICY, "--all"), ("report", "a", "--policy", "b"), ("report",)],
)
def test_conflicting_or_missing_policies_are_usage_errors(cli, store, form):
    result = cli(*form)
    assert result.exit_code == 2, result.output


def test_unknown_policy_is_one_line_exit_1(cli, store):
    result = cli("tag", "no-such-policy")
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1


def test_tag_unset_removes_a_manual_tag(cli, store):
    rows = json.loads(cli("tag", "list", POLICY, "--json").stdout)
    pmid = next(r["pmid"] for r in rows if r["pmid"])
    assert cli("tag", "set", pmid, "editorial").exit_code == 0
    result = cli("tag", "unset", pmid, "--json")
    assert result.exit_code == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["source"] != "manual"
    again = cli("tag", "unset", pmid)
    assert again.exit_code == 1 and "no manual tag" in again.stderr


def test_messages_pluralise(cli, store):
    result = cli("tag", POLICY)
    assert "1 policy" in result.stderr and "1 policies" not in result.stderr
