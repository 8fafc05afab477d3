"""How well does infer_finding read Evidence Inference? Run `python -m evidence.extract.evaluate`.

Prints, on validation.jsonl (never used for training): macro-F1 over the three labels, F1 per
label, the share of prompts whose deciding sentence holds at least half of the annotator's
evidence words, and milliseconds per call. Issue #12 asks for macro-F1 >= 0.75 and sentence
accuracy >= 0.70. Skips (exit 0, one line) when ../shared is absent.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from evidence.extract import corpus
from evidence.extract.finding import infer_finding
from evidence.extract.records import LABELS


def f1_scores(pairs: Iterable[tuple[str, str | None]]) -> dict[str, float]:
    """F1 per label (a None prediction is wrong for every label) and their mean, "macro"."""
    pairs = list(pairs)
    out = {}
    for lab in LABELS:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        out[lab] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    out["macro"] = sum(out[lab] for lab in LABELS) / len(LABELS)
    return out


def evaluate(prompts: list[corpus.Prompt]) -> dict[str, float]:
    pairs, right, elapsed = [], 0, 0.0
    infer_finding("warm-up. Results: X was lower than Y (p < 0.05).", "x", "y", "x")  # loads the model
    for p in prompts:
        t0 = time.perf_counter()
        f = infer_finding(p.abstract, p.intervention, p.comparator, p.outcome)
        elapsed += time.perf_counter() - t0
        pairs.append((p.label, f.label))
        right += corpus.evidence_share(f.evidence, p.evidence) >= 0.5
    scores = f1_scores(pairs)
    scores["accuracy"] = sum(g == q for g, q in pairs) / len(pairs)
    scores["sentence"] = right / len(prompts)
    scores["ms_per_abstract"] = 1000 * elapsed / len(prompts)
    scores["n"] = len(prompts)
    return scores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="validation")
    ap.add_argument("--corpus", type=Path, default=corpus.CORPUS)
    args = ap.parse_args(argv)
    if not (args.corpus / f"{args.split}.jsonl").exists():
        print(f"evidence inference: {args.corpus} not present, skipped")
        return 0
    s = evaluate(corpus.load(args.split, args.corpus))
    print(f"Evidence Inference 2.0, {args.split} ({s['n']} prompts), evidence.extract.infer_finding")
    print(f"  macro-F1          {s['macro']:.3f}   (target >= 0.75)")
    for lab in LABELS:
        print(f"    {lab:<26}{s[lab]:.3f}")
    print(f"  label accuracy    {s['accuracy']:.3f}")
    print(f"  sentence right    {s['sentence']:.3f}   (holds >= half the evidence words; target >= 0.70)")
    print(f"  time              {s['ms_per_abstract']:.2f} ms per abstract (target well under 50)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
