"""How well do the derived search and the screening ranker work? `make eval` prints both.

Run from a checkout: `python -m evidence.review.evaluate`.

1. Query recall on the example policy (examples/stem-cell-pad.txt). The derived query is
   evaluated locally with the fake E-utilities server's query evaluator
   (tests/fake_eutils/search.py) against each cited study's text. The issue asks for recall on
   the PubMed records (title, abstract, MeSH) of the 20 direct references; those records are
   used when ../shared/corpora/eutils-real holds them. It holds none of the example's PMIDs, so
   the harness says so and measures what can be measured without inventing PubMed data: each
   citation's title as the policy prints it (no abstract, no MeSH: a lower bound on recall,
   since PubMed also matches the abstract and MeSH). Roles are tagging's, read from the
   citation text; the old query (title/abstract words only, no synonyms) is scored too.

2. WSS@95 of prioritised screening, simulated on the real records in
   ../shared/corpora/eutils-real (skipped when absent). A topic is a MeSH group (records whose
   headings contain a word, e.g. "Neoplasms"); its records are the inclusions, all others the
   exclusions. Screening starts from a few known inclusions and exclusions (as a policy's
   direct and background references would be), then takes candidates in the ranker's order,
   refitting after every 5 decisions, until 95% of the inclusions are found. The ranker sees
   titles and abstracts only (MeSH defines the topics, so showing it would be cheating).
   WSS@95 = (N - screened) / N - 0.05, over the N candidates not used as seeds; random order
   scores 0 on average.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from statistics import mean
from typing import Any

from evidence.review import rank as ranker
from evidence.review.query import build_query, condition_terms, derive_parts, render_query

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "stem-cell-pad.txt"
REAL = ROOT.parent / "shared" / "corpora" / "eutils-real"
TOPICS = {  # topic -> words one of the record's MeSH headings must contain
    "neoplasms": ("neoplasm",),
    "covid-19": ("covid-19", "sars-cov-2", "coronavirus"),
    "infections": ("infection", "infections"),
    "animal studies": ("mice", "rats", "animals"),
    "cardiovascular": ("cardiovascular", "heart", "vascular", "coronary"),
}
SEEDS = (1, 2, 3)
REFIT_EVERY = 5  # decisions between refits in the simulation (the CLI and web refit every 10)
SEED_POSITIVES, SEED_NEGATIVES = 2, 4


def _evaluator() -> Any:
    sys.path.insert(0, str(ROOT / "tests"))
    from fake_eutils.search import compile_query

    return compile_query


def real_records() -> dict[str, Any]:
    """Every PubMed record in ../shared/corpora/eutils-real, by PMID ({} when absent)."""
    from evidence.entrez.parse import parse_efetch

    out: dict[str, Any] = {}
    if not REAL.is_dir():
        return out
    for path in sorted(REAL.rglob("*.xml")):
        data = path.read_bytes()
        if b"<PubmedArticle" not in data:
            continue
        try:
            for a in parse_efetch(data):
                out[a.pmid] = a
        except Exception:  # an intended-failure file of the corpus
            continue
    return out


# ---------------------------------------------------------------- 1. query recall


def _fields(title: str, abstract: str = "", mesh: tuple[str, ...] = ()) -> dict[str, str]:
    tiab = f"{title} {abstract}".lower()
    mh = "\n".join(mesh).lower()
    return {"tiab": tiab, "mh": mh, "pt": "", "all": f"{tiab} ; {mh}"}


def query_recall(records: dict[str, Any]) -> dict[str, Any]:
    from evidence.policy import parse_policy
    from evidence.tagging.role import decide_role, derive_terms

    doc = parse_policy(EXAMPLE.read_text(encoding="utf-8"))
    title = "Stem-Cell Therapy for Peripheral Arterial Disease"  # as `make demo` adds it
    statements = [s.text for s in doc.statements]
    terms = derive_terms(title, statements)
    conditions = condition_terms(title, statements, exclude=terms)
    cited = [records[c.pmid] for c in doc.references if c.pmid in records]
    mesh = [h["descriptor"] for a in cited for h in a.mesh]
    new = _evaluator()(render_query(derive_parts(terms, conditions, mesh)))
    old = _evaluator()(build_query(terms, conditions))
    out: dict[str, Any] = {"records_available": len(cited), "references": len(doc.references)}
    for role in ("direct", "background"):
        refs = [c for c in doc.references if decide_role(terms, c.title or c.raw).role == role]
        rows = []
        for c in refs:
            a = records.get(c.pmid or "")
            f = (_fields(a.title or "", a.abstract or "", tuple(h["descriptor"] for h in a.mesh))
                 if a else _fields(c.title or c.raw))  # fmt: skip
            rows.append((c.number, bool(new(f)), bool(old(f))))
        out[role] = {"n": len(rows), "matched": sum(r[1] for r in rows),
                     "matched_before": sum(r[2] for r in rows),
                     "missed": [n for n, hit, _ in rows if not hit]}  # fmt: skip
    return out


# ---------------------------------------------------------------- 2. WSS@95


def _topic_labels(records: dict[str, Any], words: tuple[str, ...]) -> dict[str, int]:
    def has(a: Any) -> bool:
        heads = [h["descriptor"].lower() for h in a.mesh]
        return any(t.startswith(w) for h in heads for t in h.replace(",", " ").split() for w in words)

    return {p: int(has(a)) for p, a in records.items() if a.mesh}


def simulate(texts: list[str], labels: list[int], seed: int) -> float | None:
    """WSS@95 of one screening run in ranker order, refit every REFIT_EVERY decisions."""
    rng = random.Random(seed)
    pos = [i for i, y in enumerate(labels) if y]
    neg = [i for i, y in enumerate(labels) if not y]
    if len(pos) < SEED_POSITIVES + 3 or len(neg) < SEED_NEGATIVES + 3:
        return None
    known = rng.sample(pos, SEED_POSITIVES) + rng.sample(neg, SEED_NEGATIVES)
    pool = [i for i in range(len(labels)) if i not in known]
    matrix = ranker.vectorize(texts)
    target = -(-0.95 * sum(labels[i] for i in pool) // 1)  # ceil
    found, screened = 0, 0
    while pool and found < target:
        scores = ranker.fit_predict(matrix[known], [labels[i] for i in known], matrix[pool])
        order = sorted(range(len(pool)), key=lambda k: (-scores[k], pool[k]))[:REFIT_EVERY]
        for pick in [pool[k] for k in order]:
            if found >= target:
                break
            pool.remove(pick)
            known.append(pick)
            screened += 1
            found += labels[pick]
    n = len(labels) - SEED_POSITIVES - SEED_NEGATIVES
    return (n - screened) / n - 0.05


def wss(records: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for topic, words in TOPICS.items():
        labels_by = _topic_labels(records, words)
        pmids = sorted(labels_by)
        texts = [ranker.doc_from(records[p].title, records[p].abstract).text().lower()
                 for p in pmids]  # fmt: skip
        labels = [labels_by[p] for p in pmids]
        runs = [r for r in (simulate(texts, labels, s) for s in SEEDS) if r is not None]
        if runs:
            out.append({"topic": topic, "records": len(labels), "inclusions": sum(labels),
                        "wss95": round(mean(runs), 3), "runs": len(runs)})  # fmt: skip
    return out


def main() -> int:
    records = real_records()
    print("== review: derived query on the example policy (make eval) ==")
    q = query_recall(records)
    if not q["records_available"]:
        print(f"PubMed records of the example's {q['references']} PMIDs in ../shared: none; "
              "recall is measured on the cited titles (no abstract, no MeSH: a lower bound).")  # fmt: skip
    for role in ("direct", "background"):
        r = q[role]
        print(f"  {role:10s} references matched: {r['matched']}/{r['n']} "
              f"(title/abstract-only query before #13: {r['matched_before']}/{r['n']})"
              + (f"; missed: {', '.join(map(str, r['missed']))}" if r["missed"] else ""))  # fmt: skip
    print("== review: prioritised screening, WSS@95 (simulation on ../shared eutils-real) ==")
    if not records:
        print("  ../shared/corpora/eutils-real is absent: skipped")
        return 0
    rows = wss(records)
    for r in rows:
        print(f"  {r['topic']:15s} {r['inclusions']:3d}/{r['records']} records  "
              f"WSS@95 {r['wss95']:.3f}  ({r['runs']} runs)")  # fmt: skip
    if rows:
        print(f"  mean WSS@95 over {len(rows)} topics: {mean(r['wss95'] for r in rows):.3f} "
              "(random order: 0)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
