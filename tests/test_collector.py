"""The collector pause that big parses, resolves and reports run under (evidence.collector)."""

from __future__ import annotations

import gc

import pytest

from evidence import collector


def test_the_collector_is_back_on_and_nothing_stays_frozen_even_after_an_error():
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    with pytest.raises(RuntimeError), collector.paused():
        assert not gc.isenabled() and gc.get_freeze_count() >= frozen
        raise RuntimeError("the work failed")
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_pause_inside_a_pause_leaves_the_collector_off_until_the_outer_one_ends():
    with collector.paused():
        with collector.paused(freeze=False):
            pass
        assert not gc.isenabled()
    assert gc.isenabled()
