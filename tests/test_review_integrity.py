"""A cycle knows which part of its window was searched: the offline close of issue #13, partial
searches finished without duplicates, empty windows refused, `--force` marked incomplete."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import EXAMPLE
from fake_eutils import FakeEutils, synthetic_pmids
from review_helpers import POLICY, make_policy
from sqlmodel import Session, select

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient
from evidence.errors import EntrezError, InputError
from evidence.services import review
from evidence.store import models as m

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

MATCH = "Bone marrow stem cells for critical limb ischemia: a randomized trial"
OFFLINE_CLOSE = (
    "Error: search not run for 2025-09-17..2026-12-01; "
    "run 'evidence review start' when NCBI can be reached"
)


def _json(result):  # type: ignore[no-untyped-def]
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_offline_close_is_refused_then_the_search_runs_when_ncbi_is_back(cli, monkeypatch):
    """The scenario of the issue: offline, `start` leaves cycle 1 open with nothing searched;
    `close` must not freeze "0 identified"; back online `start` searches the whole window."""
    assert cli("policy", "add", str(EXAMPLE), "--id", "stem-cell-pad").exit_code == 0
    offline = cli("review", "start", "stem-cell-pad", "--until", "2026-12-01")
    assert offline.exit_code == 3
    closing = cli("review", "close", "stem-cell-pad")
    assert closing.exit_code == 1 and closing.stderr.strip().splitlines() == [OFFLINE_CLOSE]
    [cycle] = _json(cli("review", "list", "stem-cell-pad", "--json"))
    assert (cycle["status"], cycle["not_searched"]) == ("open", "2025-09-17..2026-12-01")

    with FakeEutils() as fake:  # NCBI reachable again
        monkeypatch.setenv("EVIDENCE_EUTILS_URL", fake.url)
        fake.add_article("90000101", title=MATCH, edat=date(2026, 3, 1))
        fake.add_article("90000102", title=MATCH, edat=date(2026, 11, 30))
        again = _json(cli("review", "start", "stem-cell-pad", "--json"))
        assert (again["cycle"], again["resumed"], again["added"], again["complete"]) == (
            1, True, 2, True)  # fmt: skip
        assert cli("review", "decide", "stem-cell-pad", "90000101", "include").exit_code == 0
        assert cli("review", "decide", "stem-cell-pad", "90000102", "exclude",
                   "--reason", "1").exit_code == 0  # fmt: skip
        closed = _json(cli("review", "close", "stem-cell-pad", "--json"))
        assert (closed["counts"]["identified"], closed["incomplete"]) == (2, False)
        # the next cycle starts where the search ended: the same day again is an empty window
        empty = cli("review", "start", "stem-cell-pad", "--until", "2026-12-01")
        assert empty.exit_code == 1
        assert empty.stderr.strip().splitlines() == [
            "Error: the window 2026-12-01..2026-12-01 is empty; nothing is new since the last search"
        ]


def test_force_closes_incomplete_and_the_report_says_so(cli):
    assert cli("policy", "add", str(EXAMPLE), "--id", "stem-cell-pad").exit_code == 0
    assert cli("review", "start", "stem-cell-pad", "--until", "2026-12-01").exit_code == 3
    forced = cli("review", "close", "stem-cell-pad", "--force")
    assert forced.exit_code == 0
    assert "incomplete: search not run for 2025-09-17..2026-12-01" in forced.stderr
    [cycle] = _json(cli("review", "list", "stem-cell-pad", "--json"))
    assert cycle["incomplete"] is True
    text = cli("report", "stem-cell-pad")
    assert "Incomplete: cycle 1 was closed with its search not run for 2025-09-17..2026-12-01" in (
        text.stdout.replace("\n", " ").replace("  ", " ")
    )
    section = _json(cli("report", "stem-cell-pad", "--format", "json"))["since_last_review"]
    assert section["not_searched"] == "2025-09-17..2026-12-01"
    # nothing was searched, so the next cycle starts where cycle 1 started
    assert cli("review", "start", "stem-cell-pad", "--until", "2026-12-05").exit_code == 3
    assert [c["since"] for c in _json(cli("review", "list", "stem-cell-pad", "--json"))] == [
        "2025-09-17", "2025-09-17"]  # fmt: skip


@pytest.fixture
def client(fake_eutils):  # type: ignore[no-untyped-def]
    c = EntrezClient(load_settings(), max_tries=2, backoff_base=0.01)
    yield c
    c.close()


def _pmids(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return sorted(s.exec(select(m.Candidate.pmid)))


def test_a_partial_search_is_finished_without_duplicates(engine, fake_eutils, client):
    make_policy(engine)
    early, late = synthetic_pmids(3, start=90000101), synthetic_pmids(3, start=90000201)
    for p in early:
        fake_eutils.add_article(p, title=MATCH, edat=date(2025, 10, 1))
    for p in late:
        fake_eutils.add_article(p, title=MATCH, edat=date(2026, 9, 1))
    calls = {"n": 0}

    def fail_second_part(done: int, total: int) -> None:
        calls["n"] += 1
        if done == total and calls["n"] == 2:  # the first part is fetched: NCBI goes away
            fake_eutils.fail_next(2, "500")  # both tries of the next search

    with pytest.raises(EntrezError):
        review.start_cycle(engine, client, POLICY, until=date(2026, 11, 1), part_days=200,
                           progress=fail_second_part)  # fmt: skip
    [cycle] = review.list_cycles(engine, POLICY)
    assert (cycle["searched_until"], cycle["search_complete"]) == (date(2026, 4, 4), False)
    assert cycle["not_searched"] == "2026-04-05..2026-11-01"
    with pytest.raises(InputError, match=r"search not run for 2026-04-05\.\.2026-11-01"):
        review.close_cycle(engine, POLICY)
    assert _pmids(engine) == early
    fake_eutils.reset_log()
    done = review.start_cycle(engine, client, POLICY, part_days=200)
    assert done.complete and done.identified == 6
    searched = [(r["params"]["mindate"], r["params"]["maxdate"]) for r in fake_eutils.requests
                if r["endpoint"] == "esearch.fcgi"]  # fmt: skip
    assert searched == [("2026/04/05", "2026/10/21"), ("2026/10/22", "2026/11/01")]
    assert _pmids(engine) == early + late


def test_reversed_and_empty_windows_are_refused(engine, fake_eutils, client):
    make_policy(engine)
    with pytest.raises(InputError, match="starts .* after it ends"):
        review.start_cycle(engine, client, POLICY, until=date(2025, 1, 1))
    with pytest.raises(InputError, match="is empty"):
        review.start_cycle(engine, client, POLICY, until=date(2025, 9, 17))
    assert review.list_cycles(engine, POLICY) == []
