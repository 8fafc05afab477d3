"""Reading the Evidence Inference corpus (../shared/corpora/evidence-inference) for training and scoring.

Only `train.py` and `evaluate.py` use this; the package itself never reads ../shared.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from evidence.extract import cues

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpora" / "evidence-inference"


@dataclass(frozen=True)
class Prompt:
    prompt_id: str
    pmcid: str
    intervention: str
    comparator: str
    outcome: str
    label: str
    evidence: str
    abstract: str


def load(split: str, corpus: Path = CORPUS) -> list[Prompt]:
    """The prompts of one split ("train" or "validation"), each with its abstract's text."""
    out = []
    for line in (corpus / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        abstract = (corpus / "abstracts" / f"PMC{r['pmcid']}.abst").read_text(encoding="utf-8")
        out.append(
            Prompt(
                str(r["prompt_id"]), str(r["pmcid"]), r["intervention"], r["comparator"], r["outcome"],
                r["label"], r["evidence"], abstract,
            )
        )  # fmt: skip
    return out


def evidence_share(sentence: str | None, evidence: str) -> float:
    """The share of the annotator's evidence words that the sentence holds (0..1)."""
    want = cues.tokens(evidence)
    if not want or not sentence:
        return 0.0
    have = set(cues.tokens(sentence))
    return sum(1 for w in want if w in have) / len(want)
