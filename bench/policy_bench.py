"""Policy parsing speed: reference lists of 5,000 entries in the layouts plans use.

Each layout is a synthetic policy whose reference list has `--refs` entries (numbered `1.`,
unnumbered paragraphs, and subheaded groups with running page chrome every 40 entries);
`parse_policy(read_document(...))` runs best of `--repeat`. Issue 11's bar: 5,000 references
in under 2 s.

    python bench/policy_bench.py [--refs 5000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time

HEAD = "Widget Therapy\n\nPolicy Number: MP-0999\nEffective Date: 01/01/2026\n\nPolicy\n\nWidgets are not covered.\n\n"


def entry(n: int) -> str:
    return (
        f"Author{n} A, Writer B, Reader C, et al. A synthetic study number {n} of widgets in gadgetosis. "
        f"J Synth Med. 2016;37({n % 12 + 1}):{n}-{n + 9}. PMID: {90000000 + n}."
    )


def numbered(refs: int) -> str:
    return HEAD + "References\n\n" + "\n".join(f"{n}. {entry(n)}" for n in range(1, refs + 1)) + "\n"


def unnumbered(refs: int) -> str:
    return HEAD + "References\n\n" + "\n\n".join(entry(n) for n in range(1, refs + 1)) + "\n"


def grouped_with_chrome(refs: int) -> str:
    lines = [HEAD, "References", "", "Peer Reviewed Publications:", ""]
    for n in range(1, refs + 1):
        if n == refs // 2:
            lines += ["", "Government Agency, Medical Society, and Other Authoritative Publications:", ""]
        lines += [entry(n), ""]
        if n % 40 == 0:
            lines += [f"Page {n // 40} of {refs // 40 + 1}", "Acme Health Medical Policy MP-0999", ""]
    return "\n".join(lines) + "\nPolicy History\n"


LAYOUTS = {"numbered 1.": numbered, "unnumbered paragraphs": unnumbered, "groups + page chrome": grouped_with_chrome}


def main(argv: list[str] | None = None) -> int:
    from evidence.policy import parse_policy, read_document

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refs", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"{args.refs} references per policy, best of {args.repeat} (target < 2 s)")
    for name, build in LAYOUTS.items():
        data = build(args.refs).encode()
        best, found = float("inf"), 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            found = len(parse_policy(read_document(data, "policy.txt")).references)
            best = min(best, time.perf_counter() - start)
        print(f"  {name:24} {best:6.2f} s   {found} references found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
