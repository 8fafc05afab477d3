"""bench/parse_bench.py runs end to end on a small batch (its figures are not asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "parse_bench.py"


@pytest.mark.slow
def test_parse_bench_prints_rates_memory_and_ratio(
    shared: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("parse_bench", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--batch", "20", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "batch of 20 articles" in out
    assert out.count("articles/s") == 6 and out.count("peak RSS") == 4
    assert "speed-up vs Bio.Entrez.read:" in out
    assert out.count("speed-up vs parse_efetch before #16:") == 2
