"""Train the finding model on Evidence Inference's train split: `python -m evidence.extract.train`.

(`make train-findings`.) Needs scikit-learn (the `dev` or `train` extra) and
../shared/corpora/evidence-inference. Writes `findings_model.json` beside this module: the weights
of two logistic regressions over `features` (a sentence ranker and a label classifier), pruned
and rounded so the file stays small and loads with no scikit-learn. Never reads validation.jsonl;
`--cv` prints a grouped 5-fold cross-validation on train for choosing the regularisation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from evidence.extract import corpus, features, model
from evidence.extract.records import DECREASED, INCREASED, LABELS, NO_DIFFERENCE
from evidence.extract.sentences import sentences

RANK_C = 0.5
LABEL_C = 0.1
SWAP = False


def _sents(p: corpus.Prompt):
    return [s for s in sentences(p.abstract) if s.section not in ("title", "registration")]


def rank_examples(p: corpus.Prompt) -> tuple[list[dict], list[int]]:
    """Every sentence of the prompt's abstract; positive when it holds the annotator's evidence."""
    q = features.Prompt(p.intervention, p.comparator, p.outcome)
    sents = _sents(p)
    have = [set(features._stems(s.text)) for s in sents]
    best_out = max((features._share(q.out, h) for h in have), default=0.0)
    weights = features.outcome_weights(q, have)
    best_w = max((features._weighted_share(weights, h) for h in have), default=0.0)
    shares = [corpus.evidence_share(s.text, p.evidence) for s in sents]
    top = max(shares, default=0.0)
    X = [features.rank_features(s, q, best_out, weights, best_w) for s in sents]
    y = [int(share >= 0.5 or (share == top and top > 0)) for share in shares]
    return X, y


_FLIP = {INCREASED: DECREASED, DECREASED: INCREASED, NO_DIFFERENCE: NO_DIFFERENCE}


def label_examples(p: corpus.Prompt, swap: bool = SWAP) -> tuple[list[dict], list[str]]:
    """The annotator's evidence text and the abstract sentence that holds most of it (the sentence
    the ranker should pick); with `swap`, each again with the arms exchanged and the direction flipped."""
    texts = [p.evidence]
    sents = _sents(p)
    if sents:
        best = max(sents, key=lambda s: corpus.evidence_share(s.text, p.evidence))
        if best.text.strip() != p.evidence.strip():
            texts.append(best.text)
    arms = [(p.intervention, p.comparator, p.label)]
    if swap:
        arms.append((p.comparator, p.intervention, _FLIP[p.label]))
    X, y = [], []
    for n, (i, c, label) in enumerate(arms):
        q = features.Prompt(i, c, p.outcome)
        for t in texts:
            if n and not {"INT", "CMP"} & set(features.mask(t, q)):
                continue  # a sentence naming neither arm reads the same both ways round
            X.append(features.label_features(t, q))
            y.append(label)
    return X, y


def examples(prompts: list[corpus.Prompt]) -> list[tuple[tuple, tuple]]:
    return [(rank_examples(p), label_examples(p)) for p in prompts]


def fit(ex: list[tuple[tuple, tuple]], rank_c: float = RANK_C, label_c: float = LABEL_C) -> dict:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    Xr = [x for (r, _) in ex for x in r[0]]
    yr = [y for (r, _) in ex for y in r[1]]
    vr = DictVectorizer()
    rank = LogisticRegression(C=rank_c, max_iter=2000, class_weight="balanced").fit(vr.fit_transform(Xr), yr)
    Xl = [x for (_, lab) in ex for x in lab[0]]
    yl = [y for (_, lab) in ex for y in lab[1]]
    vl = DictVectorizer()
    lab = LogisticRegression(C=label_c, max_iter=3000).fit(vl.fit_transform(Xl), yl)
    order = [list(lab.classes_).index(c) for c in LABELS]
    label_w = {}
    for j, name in enumerate(vl.feature_names_):
        w = [round(float(lab.coef_[i, j]), 4) for i in order]
        if any(abs(x) >= 1e-3 for x in w):
            label_w[name] = w
    rank_w = {n: round(float(w), 4) for n, w in zip(vr.feature_names_, rank.coef_[0], strict=True) if abs(w) >= 1e-4}
    return {
        "format": model.FORMAT,
        "trained_on": "Evidence Inference 2.0 train split (MIT; see docs/SOURCES.md)",
        "prompts": len(ex),
        "rank": {"bias": round(float(rank.intercept_[0]), 4), "w": rank_w},
        "label": {"classes": list(LABELS), "bias": [round(float(lab.intercept_[i]), 4) for i in order], "w": label_w},
    }


def cross_validate(prompts: list[corpus.Prompt], rank_c: float, label_c: float, folds: int = 5) -> dict[str, float]:
    """Grouped by abstract, so no abstract is in both a fold's training and its test part."""
    from evidence.extract.evaluate import f1_scores

    ex = examples(prompts)
    pmcids = sorted({p.pmcid for p in prompts})
    pairs, right, gold_pairs = [], 0, []
    for k in range(folds):
        test_ids = set(pmcids[k::folds])
        scorer = model.Scorer(fit([e for p, e in zip(prompts, ex, strict=True) if p.pmcid not in test_ids],
                                  rank_c, label_c))  # fmt: skip
        for p in (p for p in prompts if p.pmcid in test_ids):
            f = scorer.infer(_sents(p), p.intervention, p.comparator, p.outcome)
            pairs.append((p.label, f.label))
            right += corpus.evidence_share(f.evidence, p.evidence) >= 0.5
            q = features.Prompt(p.intervention, p.comparator, p.outcome)
            gold_pairs.append((p.label, scorer.label(p.evidence, q)))
    s = f1_scores(pairs)
    s["sentence"] = right / len(prompts)
    s["gold_sentence_macro"] = f1_scores(gold_pairs)["macro"]
    return s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=corpus.CORPUS)
    ap.add_argument("--out", type=Path, default=model.WEIGHTS)
    ap.add_argument("--cv", action="store_true", help="print grouped 5-fold CV on train and write nothing")
    ap.add_argument("--rank-c", type=float, default=RANK_C)
    ap.add_argument("--label-c", type=float, default=LABEL_C)
    args = ap.parse_args(argv)
    if not (args.corpus / "train.jsonl").exists():
        print(f"error: {args.corpus} not present; the finding model trains on Evidence Inference", file=sys.stderr)
        return 1
    prompts = corpus.load("train", args.corpus)
    t0 = time.perf_counter()
    if args.cv:
        s = cross_validate(prompts, args.rank_c, args.label_c)
        print(f"cv rank_c={args.rank_c} label_c={args.label_c}: macro-F1 {s['macro']:.3f} "
              f"({' '.join(f'{s[lab]:.3f}' for lab in LABELS)}), sentence {s['sentence']:.3f}, "
              f"macro-F1 on the annotators' sentences {s['gold_sentence_macro']:.3f} "
              f"({time.perf_counter() - t0:.0f} s)")  # fmt: skip
        return 0
    data = fit(examples(prompts), args.rank_c, args.label_c)
    args.out.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True) + "\n", encoding="utf-8")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KiB, {len(data['label']['w'])} label features) "
          f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip
    model.load.cache_clear()
    return 0


if __name__ == "__main__":
    sys.exit(main())
