"""`make bench`: run every benchmark in this folder and print its figures.

Each benchmark is a script `bench/<name>_bench.py` that prints its own table. Each runs in a
fresh interpreter, in a fixed order, so that one benchmark's memory peak, caches and garbage
do not show up in the next one's figures and the output reads the same from run to run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["speed", "parse", "citations", "resolve", "store"]


def reference_loop() -> float:
    """Seconds for 10**7 additions in pure Python, best of 3: figures from different days or
    machines compare only through such a yardstick (the same machine class has varied 3x)."""
    best = float("inf")
    for _ in range(3):
        start, total = time.perf_counter(), 0
        for i in range(10**7):
            total += i
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    found = {p.stem.removesuffix("_bench"): p for p in HERE.glob("*_bench.py")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    if len(sys.argv) > 1:
        names = [n for n in names if n in sys.argv[1:]]
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
          f"reference loop (10**7 additions in Python) {reference_loop():.2f} s", flush=True)  # fmt: skip
    failed = []
    for name in names:
        print(f"\n=== {name} ({time.strftime('%Y-%m-%d %H:%M')}) ===", flush=True)
        if subprocess.run([sys.executable, str(found[name])], cwd=HERE.parent).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
