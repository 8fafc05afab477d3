"""`make bench`: run every benchmark in this folder and print its figures.

Each benchmark is a module `bench/<name>_bench.py` with a `main()` that prints its own table;
they run in a fixed order so the output reads the same from run to run.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["speed", "parse", "resolve", "store"]


def _load(path: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> int:
    sys.path.insert(0, str(HERE.parent))
    found = {p.stem.removesuffix("_bench"): p for p in HERE.glob("*_bench.py")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    if len(sys.argv) > 1:
        names = [n for n in names if n in sys.argv[1:]]
    for name in names:
        print(f"\n=== {name} ({time.strftime('%Y-%m-%d %H:%M')}) ===", flush=True)
        sys.argv = [str(found[name])]  # each benchmark parses its own (empty) arguments
        _load(found[name]).main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
