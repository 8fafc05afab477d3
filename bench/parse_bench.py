"""Parse throughput on real-sized PubMed records: Bio.Entrez.read vs evidence's parse_efetch.

Batches of 200 articles (the efetch batch size) are built from the real metapub samples in
../shared/corpora/eutils-real (about 26 KB each), repeating samples with their PMIDs
rewritten to distinct synthetic ones. The parsers run on the same bytes in the same process,
best of 3 by CPU time (the machine may be shared; the rounds interleave the parsers):
Bio.Entrez.read as users call it, and with validate=False, which skips the DTD checks and
is faster; parse_efetch; and the plain lxml walk parse_efetch was before issue #16 tuned it
(tests/parse_reference.py, which the tests hold it equal to), so that the gain is measured
in the same run. The resolve benchmark's synthetic 27 KB records (many authors with
affiliations, MeSH, long structured abstracts) are timed too, for ours and the plain walk.
Peak memory is measured in a fresh child process per parser, as the growth of its peak RSS
(lxml allocates outside Python's heap: tracemalloc would under-count).

    python bench/parse_bench.py [--batch 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT, ROOT / "tests", ROOT / "bench"):  # the plain walk, the synthetic records
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))
CORPUS = ROOT.parent / "shared" / "corpora" / "eutils-real" / "metapub"
HEADER = (
    b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, '
    b'1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
)
ARTICLE = re.compile(rb"<PubmedArticle>.*?</PubmedArticle>", re.S)
PMID = re.compile(rb"<PMID Version=\"\d+\">\d+</PMID>|<PMID>\d+</PMID>")


def sample_articles() -> list[bytes]:
    """Every PubmedArticle element of the metapub samples, as bytes."""
    articles = []
    for path in sorted(CORPUS.glob("**/*.xml")):
        articles.extend(ARTICLE.findall(path.read_bytes()))
    return articles


def build_batch(articles: list[bytes], size: int) -> bytes:
    """`size` articles, cycling through the samples, each with its own synthetic PMID."""
    body = []
    for i in range(size):
        article = articles[i % len(articles)]
        pmid = f'<PMID Version="1">{90_000_001 + i}</PMID>'.encode()
        body.append(PMID.sub(pmid, article, count=1))
    return HEADER + b"<PubmedArticleSet>\n" + b"\n".join(body) + b"\n</PubmedArticleSet>\n"


def bio_entrez_read(data: bytes, validate: bool = True) -> int:
    from Bio import Entrez

    record = Entrez.read(io.BytesIO(data), validate=validate)
    return len(record["PubmedArticle"]) + len(record["PubmedBookArticle"])


def bio_entrez_read_unvalidated(data: bytes) -> int:
    return bio_entrez_read(data, validate=False)


def evidence_parse(data: bytes) -> int:
    from evidence.entrez.parse import parse_efetch

    return len(parse_efetch(data))


def plain_walk(data: bytes) -> int:
    from parse_reference import reference_parse

    return len(reference_parse(data))


BASELINE, OURS, BEFORE = "Bio.Entrez.read", "evidence parse_efetch", "parse_efetch before #16"
PARSERS: dict[str, Callable[[bytes], int]] = {
    BASELINE: bio_entrez_read,  # as users call it (validate=True)
    "Bio.Entrez.read validate=F": bio_entrez_read_unvalidated,
    OURS: evidence_parse,
    BEFORE: plain_walk,
}


def synthetic_batch(size: int) -> bytes:
    """`size` of the resolve benchmark's synthetic records (about 27 KB each)."""
    from fake_eutils.records import pubmed_article_set
    from resolve_bench import START, synthetic_record

    return pubmed_article_set(synthetic_record(str(START + i)) for i in range(size))


def best_rates(
    data: bytes, repeat: int, parsers: dict[str, Callable[[bytes], int]] = PARSERS
) -> dict[str, float]:
    """Articles/s per parser, best of `repeat` by CPU time (a parse is single-threaded, and
    CPU time is what another process on a shared machine disturbs least); rounds interleave
    the parsers so that such load hits them alike."""
    best = dict.fromkeys(parsers, float("inf"))
    counts = {name: parse(data) for name, parse in parsers.items()}  # warm-up: imports, DTDs
    for _ in range(repeat):
        for name, parse in parsers.items():
            start = time.process_time()
            parse(data)
            best[name] = min(best[name], time.process_time() - start)
    return {name: counts[name] / best[name] for name in parsers}


def peak_rss_growth_mb(name: str, batch_file: Path) -> float:
    """Peak RSS growth of one parse of one batch, measured in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", name, "--batch-file", str(batch_file)],
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip())


def child(name: str, batch_file: Path) -> None:
    """Read the batch (no big temporaries), warm the parser up, then parse once."""
    data = batch_file.read_bytes()
    batch = data.count(b"<PubmedArticle>")
    parse = PARSERS[name]
    parse(data[: data.index(b"<PubmedArticle>")] + b"</PubmedArticleSet>")  # imports, DTDs
    before = peak_rss_kb()
    records = parse(data)
    after = peak_rss_kb()
    assert records == batch
    print((after - before) / 1024)


def peak_rss_kb() -> int:
    """VmHWM: unlike ru_maxrss, it starts afresh at exec instead of inheriting the parent's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--batch-file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is not present (the shared corpus is needed)")
        return 0
    if args.child:
        child(args.child, args.batch_file)
        return 0
    articles = sample_articles()
    data = build_batch(articles, args.batch)
    print(
        f"{len(articles)} metapub sample articles, batch of {args.batch} articles, "
        f"{len(data) / 1e6:.2f} MB ({len(data) / args.batch / 1024:.1f} KB/article), "
        f"best of {args.repeat}"
    )
    rates = best_rates(data, args.repeat)
    with tempfile.TemporaryDirectory() as tmp:
        batch_file = Path(tmp) / "batch.xml"
        batch_file.write_bytes(data)
        for name in PARSERS:
            growth = peak_rss_growth_mb(name, batch_file)
            print(
                f"  {name:28} {rates[name]:7.0f} articles/s   "
                f"peak RSS +{growth:5.1f} MB parsing one batch"
            )
    for name in PARSERS:
        if name not in (OURS, BEFORE):
            print(f"  speed-up vs {name}: {rates[OURS] / rates[name]:.1f}x (target >= 4x)")
    print(f"  speed-up vs {BEFORE}: {rates[OURS] / rates[BEFORE]:.2f}x")
    synthetic = synthetic_batch(args.batch)
    ours_and_before = {name: PARSERS[name] for name in (OURS, BEFORE)}
    rates = best_rates(synthetic, args.repeat, ours_and_before)
    print(
        f"resolve benchmark's synthetic records, batch of {args.batch} "
        f"({len(synthetic) / args.batch / 1024:.1f} KB/article), best of {args.repeat}:"
    )
    for name in ours_and_before:
        print(f"  {name:28} {rates[name]:7.0f} articles/s")
    print(f"  speed-up vs {BEFORE}: {rates[OURS] / rates[BEFORE]:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
