"""bench/policy_bench.py runs end to end on small lists (its times are not asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "policy_bench.py"


def test_policy_bench_finds_every_reference_in_each_layout(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("policy_bench", BENCH)
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--refs", "120", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert out.count("120 references found") == 3
