"""Tokens keep their spans, and glued fields ("2002;144(5):760-8") come apart; URLs stay whole."""

from __future__ import annotations

import pytest

from evidence.citations.tokens import tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Am Heart J 2002;144(5):760-8.", ["Am", "Heart", "J", "2002;", "144", "(5):", "760-8."]),
        ("J Clin Oncol.2002;20:1-5", ["J", "Clin", "Oncol.", "2002;", "20:", "1-5"]),
        ("Smith, J.A., Doe, B.", ["Smith,", "J.A.,", "Doe,", "B."]),
        ("doi:10.5555/abc(01)23 https://example.org/a:b", ["doi:10.5555/abc(01)23", "https://example.org/a:b"]),
    ],
)
def test_tokens(text, tokens):
    got = tokenize(text)
    assert [t.text for t in got] == tokens
    assert all(text[t.start : t.end] == t.text for t in got)


def test_empty():
    assert tokenize("") == [] and tokenize("   ") == []
