"""The shipped CRF (citation_crf.model) and the word table beside it, loaded once, lazily."""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path

from evidence.citations import features
from evidence.citations.tokens import Token

HERE = Path(__file__).resolve().parent
MODEL = HERE / "citation_crf.model"
WORDS = HERE / "journal_words.json"
_LOCK = threading.Lock()


@cache
def word_table() -> dict[str, object]:
    """{"journal_words": [...], "abbrev": {word: abbreviation}, "journals": {title: abbreviation}}."""
    try:
        return json.loads(WORDS.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


@cache
def _tagger():  # type: ignore[no-untyped-def]
    import pycrfsuite

    features.set_journal_words(frozenset(word_table().get("journal_words", ())))  # type: ignore[arg-type]
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL))
    return tagger


def label_tokens(tokens: list[Token]) -> list[str]:
    """One label per token (empty input, empty output)."""
    if not tokens:
        return []
    tagger = _tagger()
    xseq = features.sequence_features(tokens)
    with _LOCK:  # a crfsuite Tagger is not safe to share between threads
        return list(tagger.tag(xseq))
