"""infer_finding: what an abstract says the intervention did to an outcome, versus the comparator.

Two steps, as Evidence Inference frames the task: pick the sentence that reports the outcome
(`rank`), then read the finding off that sentence (`classify`). Both use the trained weights in
`findings_model.json` when they are shipped (see `train.py`); the rules below are the fallback
and the features the model learns from.
"""

from __future__ import annotations

from evidence.extract import cues
from evidence.extract.effects import effect
from evidence.extract.records import DECREASED, INCREASED, NO_DIFFERENCE, Finding
from evidence.extract.sentences import Sentence, sentences


def _overlap(words: set[str], text_words: set[str]) -> float:
    return len(words & text_words) / len(words) if words else 0.0


def rule_score(s: Sentence, intervention: str, comparator: str, outcome: str) -> float:
    """How likely a sentence reports this outcome's result (rules: word overlap, statistics, section)."""
    words = {cues.stem(t) for t in cues.tokens(s.text)}
    score = 3.0 * _overlap(cues.content_words(outcome), words)
    score += 0.7 * _overlap(cues.content_words(f"{intervention} {comparator}"), words)
    score += 0.8 * bool(cues.STATS.search(s.text)) + 0.6 * bool(cues.SIGNIFICANT.search(s.text))
    score += 0.4 * bool(cues.NO_DIFF.search(s.text))
    score += {"results": 1.0, "conclusions": 0.4, "methods": -0.8, "background": -1.0}.get(s.section, 0.0)
    return score


def _arm_position(text: str, arm: str) -> int:
    """Where the sentence first names an arm (by any of its content words), or -1."""
    low = text.lower()
    best = -1
    for w in sorted(cues.content_words(arm), key=len, reverse=True):
        i = low.find(w[:5] if len(w) > 5 else w)
        if i >= 0 and (best < 0 or i < best):
            best = i
    return best


def rule_label(text: str, intervention: str, comparator: str) -> str:
    """The finding a sentence states, read by rules."""
    if cues.NO_DIFF.search(text) and not cues.SIGNIFICANT.search(cues.NO_DIFF.sub("", text)):
        return NO_DIFFERENCE
    up, down = len(cues.UP.findall(text)), len(cues.DOWN.findall(text))
    if not up and not down:
        return NO_DIFFERENCE if not cues.SIGNIFICANT.search(text) else INCREASED
    label = INCREASED if up >= down else DECREASED
    i, c = _arm_position(text, intervention), _arm_position(text, comparator)
    if c >= 0 and (i < 0 or c < i):  # "the comparator group had lower X than the intervention group"
        label = DECREASED if label == INCREASED else INCREASED
    return label


def infer_finding(
    abstract: str,
    intervention: str,
    comparator: str,
    outcome: str,
    sections: list[dict] | None = None,
) -> Finding:
    """The finding for `intervention` vs `comparator` on `outcome`, with its deciding sentence.

    The label is None (and evidence None) when no sentence of the abstract speaks to the outcome.
    """
    from evidence.extract import model

    sents = [s for s in sentences(abstract, sections) if s.section not in ("title", "registration")]
    if not sents:
        return Finding(None, None)
    scorer = model.load()
    if scorer is not None:
        return scorer.infer(sents, intervention, comparator, outcome)
    scored = sorted(((rule_score(s, intervention, comparator, outcome), -s.index, s) for s in sents), reverse=True)
    best_score, _, best = scored[0]
    outcome_words = cues.content_words(outcome)
    if outcome_words and not outcome_words & {cues.stem(t) for t in cues.tokens(best.text)}:
        return Finding(None, None)
    return Finding(rule_label(best.text, intervention, comparator), best.text, effect(best.text))
