"""The issue's bar on AnyStyle's gold.xml (evaluation data only, never trained on): every field
of the journal articles and the token accuracy over all sequences >= 0.95."""

from __future__ import annotations

import pytest
from conftest import SHARED

from evidence.citations.evaluate import FIELDS, GOLD, THRESHOLD, evaluate, main


@pytest.fixture(scope="module")
def figures():  # type: ignore[no-untyped-def]
    if not (SHARED / GOLD).is_file():
        pytest.skip("../shared is not present")
    return evaluate(SHARED / GOLD)


def test_token_accuracy_over_all_sequences(figures):
    assert figures["sequences"] == 1669
    assert figures["token_accuracy"] >= THRESHOLD


@pytest.mark.parametrize("name", FIELDS)
def test_field_accuracy_on_journal_articles(figures, name):
    accuracy, n = figures["fields"][name]
    assert n > 800
    assert accuracy >= THRESHOLD, f"{name}: {accuracy:.3f}"


def test_without_the_shared_corpus_it_says_skipped(tmp_path, capsys):
    assert main(["--shared", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("skipped:")
