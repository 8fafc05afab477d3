"""The batch scorer (numpy Viterbi over the exported weights) gives crfsuite's labels, token
for token, and a reference list parsed in one batch gives what parsing each entry alone gives.

The strings are written for this test (synthetic authors, titles and journals); gold.xml, when
../shared is present, adds 1,669 real references.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from evidence.citations import forget, parse_citation, parse_citations
from evidence.citations.corpus import read_anystyle, text_of
from evidence.citations.features import sequence_features
from evidence.citations.model import BATCH_FROM, MODEL, WEIGHTS, _scorer, _tagger
from evidence.citations.scorer import export_weights
from evidence.citations.tokens import tokenize

SURNAMES = ["Harrow", "Okonkwo", "Lindqvist", "Procházka", "de la Cruz", "O'Brien", "Van der Berg", "SMITH"]
WORDS = ["widget", "gadget", "therapy", "outcomes", "(the WIDGET trial)", "randomized", "“quoted”", "*italic*"]
JOURNALS = ["Br J Widg Surg.", "*JAMA Surg.*", "Lancet.", "Am Heart J", "J Gadget Med", "Widget Research"]


def synthetic(rng: random.Random) -> str:
    """A reference string in one of several house styles, with brackets, quotes and italics."""
    authors = ", ".join(
        f"{rng.choice(SURNAMES)} {rng.choice(['A', 'AB', 'J.A.', 'C'])}" for _ in range(rng.randint(1, 7))
    )
    if rng.random() < 0.2:
        authors += ", et al"
    title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 12))).capitalize()
    year, vol, page = rng.randint(1960, 2026), rng.randint(1, 400), rng.randint(1, 2000)
    journal = rng.choice(JOURNALS)
    styles = [
        f"{authors}. {title}. {journal} {year};{vol}({rng.randint(1, 12)}):{page}-{page + 9}.",
        f"{authors} ({year}) {title}, {journal}, {vol}: {page}–{page + 12}.",
        f'{rng.randint(1, 99)}. {authors}. "{title}". {journal}. {year} Jun;{vol}:e{page}. PMID: 9{page:07d}',
        f"{authors}. {title}. New York: Widget Press; {year}.",
        f"{title}. {journal} {year}",
        journal,
        f"{authors}. {title}. Available at: https://example.org/{page}. Accessed May 1, {year}.",
    ]
    return rng.choice(styles)


def crfsuite_labels(texts: list[str]) -> list[list[str]]:
    tagger = _tagger()
    return [list(tagger.tag(sequence_features(tokenize(t)))) if t else [] for t in texts]


def scorer_labels(texts: list[str]) -> list[list[str]]:
    return _scorer().label([[tok.text for tok in tokenize(t)] for t in texts])


def test_the_weights_ship_beside_the_model_and_are_the_models_own(tmp_path):
    """`make train-citations` writes both; a model retrained without its weights fails here."""
    assert WEIGHTS.is_file()
    fresh = tmp_path / "w.npz"
    export_weights(MODEL, fresh)
    with np.load(WEIGHTS) as shipped, np.load(fresh) as exported:
        assert sorted(shipped.files) == sorted(exported.files)
        for name in shipped.files:
            assert np.array_equal(shipped[name], exported[name]), name


def test_the_scorer_gives_crfsuites_labels():
    rng = random.Random(11)
    texts = [synthetic(rng) for _ in range(600)] + ["", "x", "Lancet.", "a " * 300]
    forget()
    assert scorer_labels(texts) == crfsuite_labels(texts)


def test_the_scorer_gives_crfsuites_labels_on_gold(shared):
    texts = [text_of(s) for s in read_anystyle(shared / "corpora" / "citations-anystyle" / "gold.xml")]
    texts = [" ".join(t.split())[:2000] for t in texts]
    forget()
    assert scorer_labels(texts) == crfsuite_labels(texts)


def test_a_list_parsed_in_one_batch_reads_as_each_entry_alone():
    rng = random.Random(7)
    texts = [synthetic(rng) for _ in range(BATCH_FROM + 50)]
    texts += texts[:5]  # a list repeats entries
    forget()
    batch = parse_citations(texts, list(range(1, len(texts) + 1)))
    forget()
    alone = [parse_citation(t, n) for n, t in enumerate(texts, 1)]
    assert batch == alone
    assert [c.number for c in batch] == list(range(1, len(texts) + 1))


@pytest.mark.parametrize("count", [0, 1, 3])
def test_short_lists_parse_too(count):
    texts = ["Harrow PL, Quenby ST. Widget implants. Br J Widg Surg. 2014;101(7):812-9."] * count
    assert [c.journal for c in parse_citations(texts)] == ["Br J Widg Surg"] * count
