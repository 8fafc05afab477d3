"""`evidence review screen` as a person uses it: a real process reading keys from its input,
asked again on a bad key or reason, `u` to undo, Ctrl-C (SIGINT) ending with a summary."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from review_helpers import POLICY, add_cycle, make_policy

from evidence.services import review
from evidence.store import models as m
from evidence.store import transaction

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

CANDS = {"90000101": "meta-analysis", "90000102": "rct", "90000103": "observational"}


@pytest.fixture
def cycle(engine):  # type: ignore[no-untyped-def]
    make_policy(engine)
    add_cycle(engine, 1, CANDS)
    with transaction(engine) as s:
        a = s.get(m.Article, "90000101")
        a.authors = [{"last": "Procházka", "initials": "V"}, {"collective": "PAD Trialists"}]
        a.journal, a.year = "J Vasc Surg", 2026
        s.add(a)
    return engine


def _screen(*args: str, input: str | None = None, **kw):  # type: ignore[no-untyped-def]
    cmd = [sys.executable, "-m", "evidence", "review", "screen", POLICY, "--reviewer", "ana", *args]
    return subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=120, **kw)


def _decisions(engine) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    rows = review.candidates(engine, POLICY, reviewer="ana")["candidates"]
    return {r["pmid"]: r["my_decision"] for r in rows}


def test_bad_keys_and_reasons_are_asked_again_and_u_undoes(cycle):
    keys = "\n".join([
        "x",            # unknown key: asked again
        "i", "",        # include the meta-analysis, no note
        "e", "9", "2", "wrong arm",  # reason 9 does not exist: asked again; 2 = intervention
        "u",            # undo the exclusion: the RCT is shown again
        "m", "",        # maybe
        "q",
    ]) + "\n"  # fmt: skip
    done = _screen(input=keys)
    assert done.returncode == 0, done.stderr
    assert "unknown key 'x'" in done.stderr
    assert "unknown exclusion reason '9'" in done.stderr
    assert "Undid exclude on PMID 90000102." in done.stderr
    assert "Screened 2; 1 left in cycle 1." in done.stderr
    assert "Procházka V, PAD Trialists" in done.stdout and "J Vasc Surg 2026" in done.stdout
    assert "Synthetic abstract." in done.stdout
    assert done.stdout.count("PMID 90000102") == 2  # shown, then shown again after the undo
    assert _decisions(cycle) == {"90000101": "include", "90000102": "maybe", "90000103": None}


def test_end_of_input_keeps_every_decision(cycle):
    done = _screen(input="i\n\n")
    assert done.returncode == 0 and "Screened 1; 2 left in cycle 1." in done.stderr
    assert _decisions(cycle)["90000101"] == "include"


def test_ctrl_c_ends_with_a_summary_and_keeps_the_decisions(cycle):
    cmd = [sys.executable, "-m", "evidence", "review", "screen", POLICY, "--reviewer", "ana"]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())  # fmt: skip
    assert proc.stdin is not None
    proc.stdin.write("i\n\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 60
    while _decisions(cycle)["90000101"] is None:  # the first decision is saved
        assert time.monotonic() < deadline, "the decision never reached the store"
        time.sleep(0.2)
    time.sleep(1.0)  # now waiting at the next prompt
    proc.send_signal(signal.SIGINT)  # what Ctrl-C sends
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Screened 1; 2 left in cycle 1." in err
    assert "Traceback" not in err and "Aborted" not in err
    assert _decisions(cycle)["90000101"] == "include"
