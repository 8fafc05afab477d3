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
WEIGHTS = HERE / "citation_crf.npz"  # the same model's weights as arrays (scorer.py)
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
def _journal_words() -> None:
    """The journal-word table the features read, set once (both labellers need it)."""
    features.set_journal_words(frozenset(word_table().get("journal_words", ())))  # type: ignore[arg-type]


@cache
def _tagger():  # type: ignore[no-untyped-def]
    import pycrfsuite

    _journal_words()
    tagger = pycrfsuite.Tagger()
    tagger.open(str(MODEL))
    return tagger


# From this many references up, the numpy scorer labels them (one import of numpy, ~0.1 s, pays
# for itself); fewer go through crfsuite's tagger, which loads in milliseconds. Same labels.
BATCH_FROM = 200


@cache
def _scorer():  # type: ignore[no-untyped-def]
    from evidence.citations.scorer import Scorer

    _journal_words()  # not crfsuite's tagger: a batch never opens the model file
    return Scorer(WEIGHTS)


def label_many(sequences: list[list[Token]]) -> list[list[str]]:
    """One label list per token list: crfsuite's labels, computed in batches when there are
    many (a reference list) and the exported weights are present."""
    if len(sequences) >= BATCH_FROM and WEIGHTS.is_file():
        scorer = _scorer()
        with _LOCK:  # the scorer's per-token tables grow as it goes
            return scorer.label([[t.text for t in tokens] for tokens in sequences])
    return [label_tokens(tokens) for tokens in sequences]


def label_tokens(tokens: list[Token]) -> list[str]:
    """One label per token (empty input, empty output)."""
    if not tokens:
        return []
    tagger = _tagger()
    xseq = features.sequence_features(tokens)
    with _LOCK:  # a crfsuite Tagger is not safe to share between threads
        return list(tagger.tag(xseq))
