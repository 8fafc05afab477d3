"""`start` against the fake E-utilities server: window, paging, de-duplication, resuming."""

from __future__ import annotations

from datetime import date

import pytest
from fake_eutils import synthetic_pmids
from review_helpers import POLICY, make_policy
from sqlmodel import Session, select

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient
from evidence.errors import EntrezError
from evidence.services import review
from evidence.store import models as m

pytestmark = pytest.mark.usefixtures("db_url")  # SQLite, and PostgreSQL when EVIDENCE_TEST_PG is set

UNTIL = date(2026, 11, 1)
MATCH = "Bone marrow stem cells for critical limb ischemia: a randomized trial"


@pytest.fixture
def client(fake_eutils):  # type: ignore[no-untyped-def]
    c = EntrezClient(load_settings(), max_tries=2, backoff_base=0.01)
    yield c
    c.close()


def _add(fake, pmids, title=MATCH, edat=date(2026, 1, 10), **fields):  # type: ignore[no-untyped-def]
    for p in pmids:
        fake.add_article(p, title=title, edat=edat, **fields)


def _candidates(engine) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        rows = s.exec(select(m.ReviewCycle.number, m.Candidate.pmid).join(m.ReviewCycle))
        return sorted(rows)


def test_window_and_references(engine, fake_eutils, client):
    make_policy(engine)
    _add(fake_eutils, ["90000001", "90000101", "90000102"])  # 90000001 is cited by the policy
    _add(fake_eutils, ["90000103"], edat=date(2025, 9, 1))  # before the last review
    _add(fake_eutils, ["90000104"], edat=date(2026, 11, 20))  # after --until
    _add(fake_eutils, ["90000105"], title="Stem cells in heart failure")  # other condition
    result = review.start_cycle(engine, client, POLICY, until=UNTIL)
    assert (result.cycle, result.identified, result.duplicates, result.added) == (1, 3, 1, 2)
    assert (result.since, result.date_type) == (date(2025, 9, 17), "edat")
    assert _candidates(engine) == [(1, "90000101"), (1, "90000102")]
    search = [r["params"] for r in fake_eutils.requests if r["endpoint"] == "esearch.fcgi"][0]
    assert (search["datetype"], search["mindate"], search["maxdate"]) == (
        "edat", "2025/09/17", "2026/11/01"
    )  # fmt: skip


def test_candidates_are_tagged(engine, fake_eutils, client):
    make_policy(engine)
    _add(fake_eutils, ["90000101"], publication_types=["Journal Article", "Meta-Analysis"])
    review.start_cycle(engine, client, POLICY, until=UNTIL)
    row = review.candidates(engine, POLICY)["candidates"][0]
    assert (row["design"], row["level"], row["title"]) == ("meta-analysis", 1, MATCH)


def test_paging_through_the_history_server(engine, fake_eutils, client):
    make_policy(engine)
    pmids = synthetic_pmids(120, start=90001001)
    _add(fake_eutils, pmids)
    result = review.start_cycle(engine, client, POLICY, until=UNTIL, page_size=50)
    assert result.added == 120 and len(_candidates(engine)) == 120
    searches = [r["params"] for r in fake_eutils.requests if r["endpoint"] == "esearch.fcgi"]
    assert [int(p["retstart"]) for p in searches] == [0, 50, 100]
    assert all(p.get("WebEnv") and p.get("query_key") for p in searches[1:])
    assert fake_eutils.count("efetch.fcgi") == 1  # 120 PMIDs, one request


def test_running_again_changes_nothing(engine, fake_eutils, client):
    make_policy(engine)
    _add(fake_eutils, synthetic_pmids(5, start=90000101))
    review.start_cycle(engine, client, POLICY, until=UNTIL)
    fake_eutils.reset_log()
    again = review.start_cycle(engine, client, POLICY)
    assert (again.resumed, again.added, again.candidates) == (True, 0, 5)
    assert fake_eutils.count("efetch.fcgi") == 0
    assert len(_candidates(engine)) == 5


def test_earlier_decisions_are_not_candidates_again(engine, fake_eutils, client):
    make_policy(engine)
    _add(fake_eutils, ["90000101", "90000102", "90000103"])
    review.start_cycle(engine, client, POLICY, until=UNTIL)
    review.decide(engine, POLICY, "90000101", "include")
    review.decide(engine, POLICY, "90000102", "exclude", reason="wrong-population")
    review.close_cycle(engine, POLICY, force=True)  # 90000103 left unscreened
    _add(fake_eutils, ["90000201"], edat=date(2026, 11, 5))
    assert review.list_cycles(engine, POLICY)[0]["until"] == UNTIL  # the next default start
    second = review.start_cycle(engine, client, POLICY, since=date(2025, 9, 17),
                                until=date(2026, 11, 28))  # fmt: skip
    assert (second.cycle, second.identified, second.duplicates) == (2, 4, 2)
    assert [p for n, p in _candidates(engine) if n == 2] == ["90000103", "90000201"]


def test_open_cycle_with_another_query_is_refused(engine, fake_eutils, client):
    make_policy(engine)
    review.start_cycle(engine, client, POLICY, until=UNTIL)
    with pytest.raises(Exception, match="open with a different query"):
        review.start_cycle(engine, client, POLICY, query='"other"[tiab]')


def test_failure_half_way_then_resume_leaves_one_cycle_each_candidate_once(
    engine, fake_eutils, client
):
    make_policy(engine)
    pmids = synthetic_pmids(120, start=90001001)
    _add(fake_eutils, pmids)

    def fail_after_first_batch(done: int, total: int) -> None:
        if done == 50:
            fake_eutils.fail_next(2, "500")  # both tries of the next efetch fail

    with pytest.raises(EntrezError):
        review.start_cycle(engine, client, POLICY, until=UNTIL, batch_size=50,
                           progress=fail_after_first_batch)  # fmt: skip
    assert len(_candidates(engine)) == 50
    review.start_cycle(engine, client, POLICY, batch_size=50)
    rows = _candidates(engine)
    assert len(rows) == 120 and {n for n, _ in rows} == {1} and len(set(rows)) == 120
