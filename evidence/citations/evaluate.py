"""How good is the citation parser? Field and token accuracy on AnyStyle's gold.xml.

Run from a checkout: `python -m evidence.citations.evaluate` (`make eval`). gold.xml (1,669
real labelled references, never used in training) is read from
../shared/corpora/citations-anystyle/; the evaluation is skipped when that folder is absent.

How a field is judged: the gold segment of that label (the first one, as the parser takes the
first) goes through the same normalisation as the parser's own segment -- first author as
"Surname AB" (authors.normalise), year as a number, volume without its issue, the first page
of the range -- and both sides are then compared after Unicode NFKC, case folding and dropping
everything but letters and digits (so "Am. J. Med." = "Am J Med", and a title's closing
period or quotes do not count). A field is scored on the journal articles (sequences with a
`journal` label) whose gold has that field; a missing prediction is wrong.
Token accuracy is over every token of every sequence (after the parser's label mapping).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from pathlib import Path

from evidence.citations import label_runs, normalise, parse_citation
from evidence.citations.corpus import Segments, read_anystyle, token_labels
from evidence.citations.tokens import tokenize

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
GOLD = Path("corpora") / "citations-anystyle" / "gold.xml"
FIELDS = ("first author", "year", "title", "journal", "volume", "first page")
THRESHOLD = 0.95


def _key(value: object) -> str:
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def _first_page(pages: str | None) -> str | None:
    return pages.split("-")[0] if pages else None


def _token_labels(text: str) -> list[str]:
    """The parser's final label of each token (after its post-fixes), by character span."""
    _, runs = label_runs(text)
    if not runs:
        return ["note"] * len(tokenize(text))
    out = []
    k = 0
    for tok in tokenize(text):
        while k < len(runs) - 1 and tok.start >= runs[k][2]:
            k += 1
        out.append(runs[k][0])
    return out


def gold_fields(segments: Segments) -> dict[str, object]:
    first: dict[str, str] = {}
    for label, text in segments:
        first.setdefault(label, text)
    authors, _ = normalise.authors(first.get("author"))
    return {
        "first author": authors[0] if authors else None,
        "year": normalise.date(first.get("date"))[0],
        "title": normalise.title(first.get("title")),
        "journal": normalise.journal(first.get("journal")),
        "volume": normalise.volume_issue(first.get("volume"))[0],
        "first page": _first_page(normalise.pages(first.get("pages"))),
    }


def predicted_fields(text: str) -> dict[str, object]:
    c = parse_citation(text)
    return {
        "first author": c.authors[0] if c.authors else None,
        "year": c.year,
        "title": c.title,
        "journal": c.journal,
        "volume": c.volume,
        "first page": _first_page(c.pages),
    }


def evaluate(path: Path) -> dict[str, object]:
    sequences = list(read_anystyle(path))
    right = dict.fromkeys(FIELDS, 0)
    total = dict.fromkeys(FIELDS, 0)
    tokens_right = tokens_total = articles = 0
    misses: dict[str, list[tuple[object, object]]] = {f: [] for f in FIELDS}
    for segments in sequences:
        text, _, labels = token_labels(segments)
        got = _token_labels(text)
        tokens_total += len(labels)
        tokens_right += sum(a == b for a, b in zip(labels, got, strict=True))
        if not any(label == "journal" for label, _ in segments):
            continue
        articles += 1
        gold = gold_fields(segments)
        pred = predicted_fields(text)
        for name in FIELDS:
            if gold[name] is None or _key(gold[name]) == "":
                continue
            total[name] += 1
            if _key(gold[name]) == _key(pred[name] or ""):
                right[name] += 1
            else:
                misses[name].append((gold[name], pred[name]))
    return {
        "sequences": len(sequences),
        "articles": articles,
        "token_accuracy": tokens_right / max(1, tokens_total),
        "tokens": tokens_total,
        "fields": {name: (right[name] / max(1, total[name]), total[name]) for name in FIELDS},
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", type=int, default=0, help="show N misses per field")
    args = parser.parse_args(argv)
    path = args.shared / GOLD
    if not path.is_file():
        print(f"skipped: {path} is not present (the shared corpus is needed)")
        return 0
    started = time.perf_counter()
    result = evaluate(path)
    took = time.perf_counter() - started
    fields: dict[str, tuple[float, int]] = result["fields"]  # type: ignore[assignment]
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "misses"}, indent=2))
        return 0
    print(
        f"citation parser on AnyStyle gold.xml: {result['sequences']} references, "
        f"{result['articles']} journal articles ({took:.1f} s)"
    )
    print(f"  token accuracy, all sequences  {result['token_accuracy']:.3f}  ({result['tokens']} tokens)")
    for name, (acc, n) in fields.items():
        mark = "" if acc >= THRESHOLD else f"   below {THRESHOLD}"
        print(f"  {name:<14} {acc:.3f}  (n={n}){mark}")
        for gold, pred in result["misses"][name][: args.misses]:  # type: ignore[index]
            print(f"      gold {gold!r:<60.60} got {pred!r:.60}")
    return 0  # the figures are reported here; tests/test_citations_evaluate.py holds the bar


if __name__ == "__main__":
    sys.exit(main())
