"""bench/store_bench.py runs end to end on a small store (its figures are not asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "store_bench.py"


@pytest.mark.slow
def test_store_bench_prints_times_and_memory(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("store_bench", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    argv = ["--policies", "3", "--articles", "60", "--refs", "20", "--runs", "1"]
    assert bench.main(argv) == 0
    out = capsys.readouterr().out
    assert "store: 3 policies, 60 articles, 60 references" in out
    for label in ("evidence --help", "policy list", "tag list", "article show", "report text", "report html",
                  "export ris", "export bibtex", "export csljson"):
        assert label in out
