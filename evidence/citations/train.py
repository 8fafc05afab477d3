"""Rebuild citation_crf.model, its weights as arrays (citation_crf.npz) and journal_words.json
(`make train-citations`).

    python -m evidence.citations.train [--shared ../shared] [--copies 8] [--iterations 200]

Training data: AnyStyle's core.xml and good.xml (real labelled references, BSD-2; gold.xml is
kept for `evidence.citations.evaluate` and never read here), plus the real PubMed records in
../shared/corpora/eutils-real rendered in the house styles of `render.py` (labelled because
every field is known) and book/chapter/report/web templates. About a minute on one core.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

from evidence.citations import features
from evidence.citations.abbrev import LTWA, learn
from evidence.citations.corpus import Segments, read_anystyle, token_labels
from evidence.citations.model import MODEL, WORDS
from evidence.citations.render import render_all
from evidence.records import Article

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
ANYSTYLE = Path("corpora") / "citations-anystyle"
EUTILS = Path("corpora") / "eutils-real"


def pubmed_articles(shared: Path) -> list[Article]:
    """Every journal article record in the real efetch samples (unparseable files skipped)."""
    from evidence.entrez.parse import parse_efetch
    from evidence.errors import EvidenceError

    found: dict[str, Article] = {}
    for path in sorted((shared / EUTILS).rglob("*.xml")):
        try:
            for article in parse_efetch(path.read_bytes()):
                if not article.is_book:
                    found.setdefault(article.pmid, article)
        except (EvidenceError, ValueError):
            continue
    return [found[k] for k in sorted(found)]


def _fold(text: str) -> str:
    return re.sub(r"[.\s]+", " ", re.sub(r"\s*\(.*?\)\s*$", "", text)).strip().lower()


def build_words(articles: list[Article], anystyle: list[Segments]) -> dict[str, object]:
    words: set[str] = set()
    journals: dict[str, str] = {}
    pairs = []
    for a in articles:
        if a.journal and a.journal_iso:
            iso = a.journal_iso.replace(".", "")
            pairs.append((a.journal, a.journal_iso))
            journals.setdefault(_fold(a.journal), iso)
            journals.setdefault(_fold(a.journal_iso), iso)
        for name in (a.journal, a.journal_iso):
            words.update((name or "").lower().replace(".", " ").split())
    for segs in anystyle:
        for label, text in segs:
            if label == "journal":
                words.update(text.lower().split())
    words.update(k.lower() for k in LTWA)
    words.update(v.lower() for v in LTWA.values())
    clean = sorted({features._WORD.match(w).group(1) for w in words} - {""})  # type: ignore[union-attr]
    return {"journal_words": clean, "abbrev": learn(pairs), "journals": dict(sorted(journals.items()))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--copies", type=int, default=8, help="renderings of each PubMed record")
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--out", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    if not (args.shared / ANYSTYLE / "core.xml").is_file():
        print(f"{args.shared / ANYSTYLE} is not present; the shipped model is kept", file=sys.stderr)
        return 1
    import pycrfsuite

    started = time.perf_counter()
    anystyle = [s for name in ("core.xml", "good.xml") for s in read_anystyle(args.shared / ANYSTYLE / name)]
    articles = pubmed_articles(args.shared)
    rendered = render_all(articles, args.copies)
    table = build_words(articles, anystyle)
    WORDS.write_text(json.dumps(table, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    features.set_journal_words(frozenset(table["journal_words"]))  # type: ignore[arg-type]
    data = anystyle + rendered
    random.Random(5).shuffle(data)
    trainer = pycrfsuite.Trainer(verbose=False)
    from evidence.citations.tokens import Token

    for segs in data:
        _, toks, labels = token_labels(segs)
        if toks:
            tokens = [Token(t, 0, 0) for t in toks]
            trainer.append(features.sequence_features(tokens), labels)
    trainer.set_params(
        {"c1": 0.05, "c2": 0.02, "max_iterations": args.iterations, "feature.possible_transitions": True}
    )
    trainer.train(str(args.out))
    from evidence.citations.scorer import export_weights

    weights = args.out.with_suffix(".npz")
    export_weights(args.out, weights)  # what the batch scorer reads (reading the model takes ~0.5 s)
    took = time.perf_counter() - started
    print(
        f"trained on {len(anystyle)} AnyStyle + {len(rendered)} rendered references "
        f"({len(articles)} PubMed records) in {took:.0f} s -> {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
