"""bench/speed_bench.py runs end to end on a small policy (its figures are not asserted)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "speed_bench.py"


@pytest.mark.slow
def test_speed_bench_prints_the_issue_table(capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("speed_bench", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--refs", "40", "--runs", "1", "--library", "5"]) == 0
    out = capsys.readouterr().out
    for label in bench.ROWS:
        assert label in out
