"""Relevance ranking for screening, learned from the policy itself.

Positives are what the policy (and earlier cycles) say is evidence about its question: the
direct references and the studies included in earlier cycles and in this one so far. Negatives
are its background references and the studies excluded. A TF-IDF model of title, abstract and
MeSH headings with a logistic regression scores every candidate; the screener sees the most
probable inclusions first, and the model is refit as decisions come in. With no positive or no
negative to learn from there is no ranking (the caller falls back to design order).

scikit-learn is imported inside the functions so `evidence --help` stays fast.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Doc:
    """The text of one study as the ranker reads it."""

    title: str | None = None
    abstract: str | None = None
    mesh: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    def text(self) -> str:
        # MeSH headings are single tokens ("mesh_peripheral_arterial_disease") as well as words,
        # so a heading counts as one strong feature besides its words
        heads = " ".join("mesh_" + "_".join(h.lower().split()) for h in self.mesh)
        parts = [self.title or "", self.title or "", self.abstract or "", " ".join(self.mesh),
                 heads, " ".join(self.keywords)]  # fmt: skip
        return " ".join(p for p in parts if p)


def doc_from(title: str | None, abstract: str | None = None, mesh: Iterable[Any] = (),
             keywords: Iterable[str] = ()) -> Doc:  # fmt: skip
    """A Doc from a record's fields; `mesh` may hold Article.mesh dicts or plain headings."""
    heads = tuple(
        (h.get("descriptor") or h.get("name") or "") if isinstance(h, dict) else str(h)
        for h in mesh
    )
    return Doc(title, abstract, tuple(h for h in heads if h), tuple(keywords))


def can_rank(labels: Sequence[int]) -> bool:
    return 1 in labels and 0 in labels


def score(train: Sequence[Doc], labels: Sequence[int], candidates: Sequence[Doc]) -> list[float]:
    """P(include) for every candidate, from a model fit on `train` (1 = include, 0 = exclude).

    The vocabulary and IDF come from training and candidate texts together (the candidates'
    words are what must be told apart); the classifier sees labelled texts only.
    """
    if not candidates:
        return []
    if not can_rank(labels):
        raise ValueError("ranking needs at least one positive and one negative example")
    texts = [d.text().lower() for d in train] + [d.text().lower() for d in candidates]
    matrix = vectorize(texts)
    return fit_predict(matrix[: len(train)], labels, matrix[len(train) :])


def vectorize(texts: Sequence[str]) -> Any:
    """TF-IDF of unigrams and bigrams (sublinear tf, English stop words dropped)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        sublinear_tf=True, ngram_range=(1, 2), min_df=1, max_features=60_000,
        stop_words="english", token_pattern=r"(?u)\b[a-z][a-z0-9_\-]+\b",
    )  # fmt: skip
    return vectorizer.fit_transform(texts)


def fit_predict(train: Any, labels: Sequence[int], candidates: Any) -> list[float]:
    """Logistic regression, classes balanced (positives are few): P(include) per candidate."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=4.0, class_weight="balanced", solver="liblinear", max_iter=1000)
    model.fit(train, list(labels))
    return [round(float(p), 4) for p in model.predict_proba(candidates)[:, 1]]
