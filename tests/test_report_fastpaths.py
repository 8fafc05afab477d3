"""The renderers' shortcuts for big reports (issue #16) give exactly what they stand in for."""

from __future__ import annotations

import json
import random
import re
import textwrap

import pytest

from evidence.report.markdown import esc
from evidence.report.model import names_author
from evidence.report.text import WIDTH, _cell, _fill, _wrap
from evidence.store.read import as_json_items_until

PIECES = ["a", "word", " ", "  ", "-", "\t", "\n", "\r", "\xa0", "\u3000", "\x1c", "é", "x" * 12, ".", "—"]


def _texts(n: int, seed: int):  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    for _ in range(n):
        yield "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16))), rng


def test_table_cells_wrap_as_textwrap_does():
    for text, rng in _texts(20_000, 1):
        width = rng.randint(1, 40)
        assert _cell(text, width) == textwrap.wrap(text, width, break_on_hyphens=False), (text, width)


def test_paragraphs_fill_as_textwrap_does():
    for text, rng in _texts(5_000, 2):
        text *= rng.randint(1, 12)
        indent = rng.choice(["", "  ", "    - "])
        flat = " ".join(text.split())
        expected = textwrap.fill(flat, 100, initial_indent=indent, subsequent_indent=indent,
                                 break_on_hyphens=False)  # fmt: skip
        assert _wrap(text, indent) == expected, (text, indent)


def _sentences(n: int, seed: int):  # type: ignore[no-untyped-def]
    """Titles and citations as reports hold them: words parted by single spaces (the fast path)."""
    rng = random.Random(seed)
    words = ["a", "of", "the", "randomised", "trial", "é", "x" * 20, "—", "stem-cell", "(n=45)", "\xa0"]
    for _ in range(n):
        yield " ".join(rng.choice(words) for _ in range(rng.randint(1, 40))), rng


def test_titles_wrap_as_textwrap_does():
    for text, rng in _sentences(10_000, 4):
        width = rng.randint(1, 60)
        assert _cell(text, width) == textwrap.wrap(text, width, break_on_hyphens=False), (text, width)


def test_bullets_fill_as_textwrap_does():
    for text, rng in _sentences(5_000, 5):
        text *= rng.randint(1, 4)
        first, rest = rng.choice([("    - ", "      "), ("", "  "), ("  ", ""), ("x" * 95, "")])
        expected = textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest,
                                 break_on_hyphens=False)  # fmt: skip
        assert _fill(text, first, rest) == expected, (text, first, rest)


def test_markdown_escapes_as_the_regular_expression_did():
    for text, _ in _texts(5_000, 3):
        text += "\\`*_[]<>|#"[len(text) % 10]
        flat = " ".join(text.split())
        assert esc(text) == re.sub(r"([\\`*_\[\]<>|#])", r"\\\1", flat)
    assert esc(None) == "" and esc("a|b") == "a\\|b"


def test_record_authors_are_decoded_up_to_the_first_named_one():
    rng = random.Random(6)
    kinds = [{"last": "Smith", "initials": "J", "affiliations": ["Dept, ]\"{ Univ"]}, {"collective": "Group"},
             {"fore": "Ann"}, {"last": ""}, {}]  # fmt: skip
    for _ in range(2_000):
        authors = [rng.choice(kinds) for _ in range(rng.randint(0, 6))]
        named = next((n for n, a in enumerate(authors) if names_author(a)), len(authors) - 1)
        text = json.dumps(authors, indent=rng.choice([None, 1]), ensure_ascii=rng.random() < 0.5)
        assert as_json_items_until(text, names_author) == authors[: named + 1]
        assert as_json_items_until(authors, names_author) == authors[: named + 1]  # psycopg's
    assert as_json_items_until(" [ ] ", names_author) == []
    with pytest.raises(json.JSONDecodeError):
        as_json_items_until('[{"fore": "A"} {"last": "B"}]', names_author)
