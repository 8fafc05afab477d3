"""The report's JSON writer (evidence.report.jsontext) gives the very text of
`json.dumps(obj, ensure_ascii=False, indent=2, default=str)`, on data of every kind JSON
takes and on the odd kinds the standard library also accepts, and fails where it fails."""

from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone
from enum import IntEnum
from typing import Any

import pytest

from evidence.report.jsontext import dumps


def _stdlib(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=str)


class Level(IntEnum):
    ONE = 1


class Tag(str):
    pass


SAMPLES: list[Any] = [
    None, True, False, 0, -7, 2**80, 1.5, -0.0, 1e16, 1e-7, float("nan"), float("inf"), float("-inf"),
    "", "plain", 'quote " back \\ slash', "tab\tnew\nline\r\x00\x1f\x7f", "é ü 中文 😀 \u2028",
    [], {}, (), [[]], [{}], {"a": []}, {"a": {}}, (1, "two", None),
    {"nested": {"deeper": [1, [2, [3, {"x": None}]]]}, "after": True},
    {1: "int key", 2.5: "float key", None: "none key", "s": "str key"}, {True: "bool key"},
    {False: 0, -3: [], 0.1: {}}, [{"1": 0}, {1: 0}, {True: 0}, {1.0: 0}, {"1": 1}],
    date(2026, 1, 2), datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    {"when": date(2026, 1, 2), "list": [datetime(2026, 1, 2, 3, 4, 5)]},
    Level.ONE, [Level.ONE, {"level": Level.ONE}], Tag("tagged"), {Tag("k"): Tag("v")},
    {"set": {3}}, [object.__new__(type("Custom", (), {"__str__": lambda self: "custom!"}))],
]  # fmt: skip


@pytest.mark.parametrize("obj", SAMPLES, ids=range(len(SAMPLES)))
def test_same_text_as_the_standard_library(obj):
    assert dumps(obj, str) == _stdlib(obj)


def _random(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(9 if depth < 5 else 6)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randint(-10**6, 10**6)
    if kind == 2:
        return rng.choice([rng.uniform(-1e6, 1e6), rng.random() * 1e-9, 1e300 * 10, 0.1])
    if kind in (3, 4):
        return "".join(rng.choice('ab "\\\n\té中😀{}[],:') for _ in range(rng.randrange(8)))
    if kind == 5:
        return date(2000 + rng.randrange(30), 1 + rng.randrange(12), 1)
    if kind == 6:
        return [_random(rng, depth + 1) for _ in range(rng.randrange(4))]
    if kind == 7:
        return tuple(_random(rng, depth + 1) for _ in range(rng.randrange(3)))
    keys = [rng.choice(["id", "title", "flags", "k" + str(rng.randrange(5)), rng.randrange(3), 1.5, None, True])
            for _ in range(rng.randrange(5))]  # fmt: skip
    return {k: _random(rng, depth + 1) for k in keys}


def test_same_text_on_random_nested_data():
    rng = random.Random(16)
    for _ in range(500):
        obj = {"report": [_random(rng, 0) for _ in range(3)], "same shape": [{"a": 1, "b": [2]}, {"a": 3, "b": []}]}
        assert dumps(obj, str) == _stdlib(obj)


def test_same_errors():
    looped: list[Any] = [1]
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference detected"):
        dumps({"x": looped}, str)
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        dumps({(1, 2): "tuple key"}, str)

    def refuse(o: Any) -> Any:
        raise TypeError(f"Object of type {type(o).__name__} is not JSON serializable")

    with pytest.raises(TypeError, match="Object of type set"):
        dumps([{1}], refuse)
