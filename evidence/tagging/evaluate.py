"""How good are the rules? Precision and recall per design for each source, on labelled data.

Run from a checkout: `python -m evidence.tagging.evaluate` (`make eval`). It reads the labelled
sets in tests/data/tagging/:
  citations.json    citation title + journal -> design (the example policy's 32 and synthetic ones)
  records.json      synthetic PubMed-like records (every rule) -> design
  real_labels.json  labels for the real records in ../shared/corpora/eutils-real/ (skipped when
                    that folder is absent)
Each source is scored on what it would see in practice:
  publication-type  the record's types (records whose types say nothing count as unanswered);
  record-text       title, abstract, journal and MeSH with the types hidden (an In-Process record);
  citation-text     the citation's title and journal (for records: their title and journal).
Accuracy counts an unanswered item as wrong; coverage says how many were answered.

The real records are XML; this harness reads the few fields tagging needs into
`evidence.records.Article` with a small, network-free lxml reader (the tagging code itself only
ever sees Article records).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence.records import Article
from evidence.tagging import tag_article
from evidence.tagging.pubtypes import tag_publication_types
from evidence.tagging.result import TagResult
from evidence.tagging.text_rules import tag_citation_text, tag_record_text
from evidence.tagging.vocabulary import DESIGNS

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "tagging"
SHARED = ROOT.parent / "shared"
REAL = Path("corpora") / "eutils-real"


@dataclass
class Score:
    """Predictions of one source against labels."""

    name: str
    pairs: list[tuple[str, str | None]] = field(default_factory=list)  # (label, predicted)

    def add(self, label: str, predicted: str | None) -> None:
        self.pairs.append((label, predicted))

    @property
    def total(self) -> int:
        return len(self.pairs)

    @property
    def answered(self) -> int:
        return sum(1 for _, p in self.pairs if p not in (None, "unknown"))

    @property
    def correct(self) -> int:
        return sum(1 for label, p in self.pairs if label == p)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def accuracy_answered(self) -> float:
        answered = [(la, p) for la, p in self.pairs if p not in (None, "unknown")]
        return sum(1 for la, p in answered if la == p) / len(answered) if answered else 0.0

    def per_design(self) -> list[dict[str, Any]]:
        labels = Counter(la for la, _ in self.pairs)
        preds = Counter(p for _, p in self.pairs if p is not None)
        hits = Counter(la for la, p in self.pairs if la == p)
        rows = []
        for d in DESIGNS:
            if not labels[d] and not preds[d]:
                continue
            rows.append(
                {
                    "design": d,
                    "labelled": labels[d],
                    "predicted": preds[d],
                    "correct": hits[d],
                    "precision": hits[d] / preds[d] if preds[d] else None,
                    "recall": hits[d] / labels[d] if labels[d] else None,
                }
            )
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.name,
            "total": self.total,
            "answered": self.answered,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 3),
            "accuracy_answered": round(self.accuracy_answered, 3),
            "per_design": self.per_design(),
        }


# ---------------------------------------------------------------- loading labelled data


def load_citations(data: Path = DATA) -> list[dict[str, Any]]:
    return json.loads((data / "citations.json").read_text("utf-8"))["citations"]


def load_synthetic_records(data: Path = DATA) -> list[tuple[str, Article]]:
    out = []
    for i, r in enumerate(json.loads((data / "records.json").read_text("utf-8"))["records"]):
        article = Article(
            pmid=str(90100000 + i),
            title=r["title"],
            abstract=r.get("abstract") or None,
            journal=r.get("journal"),
            publication_types=[{"ui": "", "name": t} for t in r.get("types", [])],
            mesh=[{"descriptor": d, "major": False, "qualifiers": []} for d in r.get("mesh", [])],
            indexing_method=r.get("indexing_method"),
            citation_status=r.get("citation_status"),
        )
        out.append((r["design"], article))
    return out


def load_real_records(shared: Path = SHARED, data: Path = DATA) -> list[tuple[str, Article]]:
    """The labelled real records, or [] when ../shared is not there."""
    base = shared / REAL
    if not base.is_dir():
        return []
    labels = json.loads((data / "real_labels.json").read_text("utf-8"))["labels"]
    cache: dict[str, list[Article]] = {}
    out = []
    for key, design in sorted(labels.items()):
        path, _, pmid = key.partition("#")
        if path not in cache:
            cache[path] = read_pubmed_xml((base / path).read_bytes())
        for article in cache[path]:
            if not pmid or article.pmid == pmid:
                out.append((design, article))
                break
    return out


def read_pubmed_xml(data: bytes) -> list[Article]:
    """The fields tagging uses, from efetch XML; no DTD, no entities, no network."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    root = etree.fromstring(data, parser)
    out = []
    for node in root.iter("PubmedArticle"):
        cit = node.find("MedlineCitation")
        text = lambda el: "".join(el.itertext()).strip() if el is not None else None  # noqa: E731
        abstract = " ".join(text(a) or "" for a in cit.iterfind(".//Abstract/AbstractText")) or None
        out.append(
            Article(
                pmid=cit.findtext("PMID") or "",
                title=text(cit.find(".//ArticleTitle")),
                abstract=abstract,
                journal=cit.findtext(".//Journal/Title"),
                journal_iso=cit.findtext(".//Journal/ISOAbbreviation"),
                publication_types=[
                    {"ui": pt.get("UI"), "name": text(pt)}
                    for pt in cit.iterfind(".//PublicationTypeList/PublicationType")
                ],
                mesh=[
                    {"descriptor": text(h.find("DescriptorName")), "major": False, "qualifiers": []}
                    for h in cit.iterfind(".//MeshHeadingList/MeshHeading")
                ],
                indexing_method=(cit.get("IndexingMethod") or "human").lower(),
                citation_status=cit.get("Status"),
            )
        )
    return out


# ---------------------------------------------------------------- scoring


def _design(result: TagResult | None) -> str | None:
    return result.design if result is not None else None


def score_records(name: str, records: Iterable[tuple[str, Article]]) -> dict[str, Score]:
    """Score every source on labelled PubMed records."""
    sources: dict[str, Callable[[Article], str | None]] = {
        "publication-type": lambda a: _design(
            tag_publication_types(
                a.publication_types, a.mesh, a.journal, a.journal_iso, a.indexing_method
            )
        ),
        "record-text": lambda a: (
            tag_record_text(a.title, a.abstract, a.journal, a.mesh, a.journal_iso).design
        ),
        "citation-text": lambda a: tag_citation_text(a.title, a.journal_iso or a.journal).design,
        "combined": lambda a: tag_article(a).design,
    }
    scores = {s: Score(f"{name} / {s}") for s in sources}
    for label, article in records:
        for s, fn in sources.items():
            scores[s].add(label, fn(article))
    return scores


def score_citations(citations: Iterable[dict[str, Any]]) -> Score:
    score = Score("citations / citation-text")
    for c in citations:
        score.add(c["design"], tag_citation_text(c["title"], c.get("journal")).design)
    return score


def run(data: Path = DATA, shared: Path = SHARED) -> dict[str, Any]:
    """Every score, as data (the tests assert on it; main() prints it)."""
    results: dict[str, Any] = {"citations": score_citations(load_citations(data))}
    results["synthetic"] = score_records("synthetic records", load_synthetic_records(data))
    real = load_real_records(shared, data)
    results["real"] = score_records("real records", real) if real else None
    return results


def _fmt(x: float | None) -> str:
    return "   -" if x is None else f"{x:4.2f}"


def format_score(score: Score) -> str:
    lines = [
        f"{score.name}: accuracy {score.accuracy:.3f} ({score.correct}/{score.total}); "
        f"answered {score.answered}/{score.total}, accuracy when answered "
        f"{score.accuracy_answered:.3f}",
        f"  {'design':<22}{'labelled':>9}{'predicted':>10}{'correct':>8}{'prec':>7}{'recall':>7}",
    ]
    for r in score.per_design():
        lines.append(
            f"  {r['design']:<22}{r['labelled']:>9}{r['predicted']:>10}{r['correct']:>8}"
            f"{_fmt(r['precision']):>7}{_fmt(r['recall']):>7}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m evidence.tagging.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", type=Path, default=DATA, help="folder with the labelled sets")
    parser.add_argument(
        "--shared", type=Path, default=SHARED, help="the shared folder (real records)"
    )
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    if not (args.data / "citations.json").is_file():
        print(
            f"error: no labelled sets in {args.data} (run from a checkout, or pass --data)",
            file=sys.stderr,
        )
        return 2
    results = run(args.data, args.shared)
    blocks = [results["citations"]]
    for key in ("synthetic", "real"):
        if results[key]:
            blocks.extend(results[key].values())
    if args.json:
        print(json.dumps([b.to_dict() for b in blocks], indent=2))
        return 0
    for b in blocks:
        print(format_score(b))
        print()
    if results["real"] is None:
        print(f"(real records skipped: {args.shared / REAL} is not present)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
