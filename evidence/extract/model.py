"""The trained finding model: weights per feature name, shipped as JSON and loaded once.

The file holds two linear models over `features`: a sentence ranker (which sentence reports this
outcome's result) and a three-way label classifier. Scoring is a few dict look-ups per feature,
so no scikit-learn (and no pickle, which is bound to a library version) is needed at run time.
"""

from __future__ import annotations

import hashlib
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from evidence.extract import features
from evidence.extract.effects import effect
from evidence.extract.records import DECREASED, INCREASED, NO_DIFFERENCE, Finding
from evidence.extract.sentences import Sentence

WEIGHTS = Path(__file__).with_name("findings_model.json")
FORMAT = 1


class Scorer:
    """Rank the sentences for a prompt, then label the best one."""

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("format") != FORMAT:
            raise ValueError(f"findings model format {data.get('format')!r}, expected {FORMAT}")
        self.rank_w: dict[str, float] = data["rank"]["w"]
        self.rank_b: float = data["rank"]["bias"]
        self.classes: list[str] = data["label"]["classes"]
        self.label_w: dict[str, list[float]] = data["label"]["w"]
        self.label_b: list[float] = data["label"]["bias"]
        self.min_rank: float = data.get("min_rank", -math.inf)

    def rank(self, sents: list[Sentence], q: features.Prompt) -> list[tuple[float, Sentence]]:
        """(score, sentence), best first; a score is the ranker's log-odds."""
        have = [set(features._stems(s.text)) for s in sents]
        best_out = max((features._share(q.out, h) for h in have), default=0.0)
        weights = features.outcome_weights(q, have)
        best_w = max((features._weighted_share(weights, h) for h in have), default=0.0)
        scored = []
        for s in sents:
            fs = features.rank_features(s, q, best_out, weights, best_w)
            scored.append((self.rank_b + sum(self.rank_w.get(k, 0.0) * v for k, v in fs.items()), s))
        scored.sort(key=lambda x: (-x[0], x[1].index))
        return scored

    def label_scores(self, text: str, q: features.Prompt) -> list[float]:
        z = list(self.label_b)
        for k, v in features.label_features(text, q).items():
            w = self.label_w.get(k)
            if w:
                for i, wi in enumerate(w):
                    z[i] += wi * v
        return z

    def label(self, text: str, q: features.Prompt) -> str:
        z = self.label_scores(text, q)
        return self.classes[max(range(len(z)), key=z.__getitem__)]

    def infer(self, sents: list[Sentence], intervention: str, comparator: str, outcome: str) -> Finding:
        q = features.Prompt(intervention, comparator, outcome)
        if not any(features._share(q.out, set(features._stems(s.text))) for s in sents):
            return Finding(None, None)  # no sentence names the outcome: the abstract does not say
        ranked = self.rank(sents, q)[:TOP]
        if ranked[0][0] < self.min_rank:
            return Finding(None, None)
        # The label is read from the few best sentences, each weighted by how likely it is the one
        # reporting this outcome; the deciding sentence is the one that contributes most to that label.
        weights = _softmax([score for score, _ in ranked])
        probs = [_softmax(self.label_scores(s.text, q)) for _, s in ranked]
        total = [sum(w * p[j] for w, p in zip(weights, probs, strict=True)) for j in range(len(self.classes))]
        j = max(range(len(total)), key=total.__getitem__)
        k = max(range(len(ranked)), key=lambda i: weights[i] * probs[i][j])
        best = ranked[k][1]
        label = _BY_CI.get(features.ci_reading(best.text, q) or "", self.classes[j])
        return Finding(label, best.text, effect(best.text))


TOP = 3
#: an effect with its CI in the outcome's clause says what it found by itself (post-fix of the label)
_BY_CI = {"none": NO_DIFFERENCE, "up": INCREASED, "down": DECREASED}


def _softmax(z: list[float]) -> list[float]:
    m = max(z)
    e = [math.exp(x - m) for x in z]
    total = sum(e)
    return [x / total for x in e]


@lru_cache(maxsize=1)
def version() -> str:
    """Names the shipped model: "<format>.<first 12 hex of the weights' SHA-256>" ("rules" with no
    weights). Findings stored with one version are stale under another (retraining changes it)."""
    if not WEIGHTS.exists():
        return "rules"
    return f"{FORMAT}.{hashlib.sha256(WEIGHTS.read_bytes()).hexdigest()[:12]}"


@lru_cache(maxsize=1)
def load() -> Scorer | None:
    """The shipped scorer, or None when no weights are shipped (the rules then decide)."""
    if not WEIGHTS.exists():
        return None
    return Scorer(json.loads(WEIGHTS.read_text(encoding="utf-8")))
