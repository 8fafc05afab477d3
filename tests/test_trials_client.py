"""The ClinicalTrials.gov client against the stand-in server: pages followed, a 400's own
message shown on one line, a slow answer and a 429 retried, offline answered from the cache."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fake_ctgov import FakeCtgov, study

from evidence.config import load_settings
from evidence.errors import CtgovError, CtgovUnavailable
from evidence.trials.client import CtgovClient
from evidence.trials.parse import find_ncts, normalize_nct, parse_single, phase_text
from evidence.trials.ratelimit import Pace


def _client(fake: FakeCtgov | None = None, **kw) -> CtgovClient:  # type: ignore[no-untyped-def]
    settings = load_settings()
    if fake is not None:
        settings = settings.with_(ctgov_url=fake.url)
    settings = settings.with_(**{k: kw.pop(k) for k in ("offline", "refresh") if k in kw})
    return CtgovClient(settings, sleep=lambda s: None, pace=Pace(interval=0.0), **kw)


def _many(n: int, **kw) -> list[dict]:  # type: ignore[no-untyped-def]
    return [study(f"NCT09{i:06d}", f"Cell therapy trial {i}", **kw) for i in range(1, n + 1)]


def test_search_follows_every_page(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(25, conditions=["Limb ischemia"], interventions=["Bone marrow cells"]))
    fake_ctgov.add(study("NCT08000001", "Unrelated", conditions=["Asthma"]))
    with _client(fake_ctgov) as client:
        result = client.search(cond="limb ischemia", intr="bone marrow", page_size=10)
    assert [t.nct_id for t in result.trials] == [f"NCT09{i:06d}" for i in range(1, 26)]
    assert result.pages == 3 and result.total == 25 and not result.truncated
    pages = [r for r in fake_ctgov.requests if r["path"] == "/api/v2/studies"]
    assert "pageToken" not in pages[0]["params"]
    assert all(p["params"]["query.cond"] == "limb ischemia" for p in pages)  # repeated
    assert pages[1]["params"]["pageToken"] and pages[2]["params"]["pageToken"]


def test_search_stops_at_its_limit(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(30))
    with _client(fake_ctgov) as client:
        result = client.search(term="cell therapy", limit=12, page_size=5)
    assert len(result.trials) == 12 and result.truncated and result.total == 30


def test_a_400_is_one_line_with_the_apis_own_message(fake_ctgov: FakeCtgov) -> None:
    with _client(fake_ctgov, max_tries=3) as client, pytest.raises(CtgovError) as err:
        client.search(term="stem [cell")
    message = str(err.value)
    assert message.startswith("ClinicalTrials.gov refused the request (HTTP 400): Error parsing")
    assert "\n" not in message
    assert fake_ctgov.count(status=400) == 1  # a mistake is not retried


def test_a_429_and_a_500_are_retried(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(3))
    fake_ctgov.fail_next(2, "429")
    fake_ctgov.fail_next(1, "500")
    with _client(fake_ctgov) as client:
        result = client.search(term="cell")
        assert client.rate_limited == 2 and client.retries == 3
    assert len(result.trials) == 3


def test_a_slow_answer_is_waited_for_or_retried(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(2))
    fake_ctgov.slow_seconds = 0.6
    fake_ctgov.fail_next(1, "slow")
    with _client(fake_ctgov, timeout=(2.0, 0.3)) as client:
        result = client.search(term="cell")  # first answer too slow: timed out, asked again
        assert client.retries == 1
    assert len(result.trials) == 2
    fake_ctgov.fail_next(1, "slow")
    with _client(fake_ctgov, timeout=(2.0, 5.0), refresh=True) as client:
        assert len(client.search(term="cell").trials) == 2 and client.retries == 0


def test_a_dead_server_fails_in_one_line() -> None:
    with FakeCtgov() as fake:
        url = fake.url
    client = CtgovClient(
        load_settings().with_(ctgov_url=url), sleep=lambda s: None, pace=Pace(interval=0.0)
    )
    with pytest.raises(CtgovUnavailable, match="ClinicalTrials.gov unreachable"):
        client.search(term="x")


def test_offline_answers_from_the_cache_and_says_so_on_a_miss(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(12))
    with _client(fake_ctgov) as client:
        online = client.search(term="cell", page_size=5)
    before = len(fake_ctgov.requests)
    with _client(fake_ctgov, offline=True) as client:
        offline = client.search(term="cell", page_size=5)
        assert client.requests_made == 0 and client.cache_hits == 3
        with pytest.raises(CtgovUnavailable, match="offline"):
            client.search(term="another query")
    assert offline.trials == online.trials and len(fake_ctgov.requests) == before


def test_studies_by_id_fall_back_one_by_one_when_an_id_is_unknown(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(3))
    with _client(fake_ctgov) as client:
        found, missing = client.studies(["NCT09000001", "nct9000003", "NCT07777777"])
    assert sorted(t.nct_id for t in found) == ["NCT09000001", "NCT09000003"]
    assert missing == ["NCT07777777"]


def test_an_alias_is_followed(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(1))
    fake_ctgov.alias("NCT01234567", "NCT09000001")
    with _client(fake_ctgov) as client:
        assert client.study("NCT01234567").nct_id == "NCT09000001"


def test_a_redirect_to_another_host_is_refused_and_nothing_is_sent_there(
    fake_ctgov: FakeCtgov,
) -> None:
    with FakeCtgov() as other:
        other.add(*_many(1))
        fake_ctgov.alias("NCT01234567", "NCT09000001")
        fake_ctgov.other_host_url = other.url.replace("127.0.0.1", "localhost").removesuffix("/api/v2")
        with _client(fake_ctgov) as client, pytest.raises(CtgovError, match="another host"):
            client.study("NCT01234567")
        assert other.requests == []


def test_parse_real_records(shared: Path) -> None:
    corpus = shared / "corpora" / "ctgov-real"
    done = parse_single((corpus / "study-NCT00763412-results.json").read_bytes())
    assert (done.status, done.has_results, done.results_first_posted) == ("COMPLETED", True, "2017-06-05")
    assert (done.enrollment, done.enrollment_type) == (31, "ACTUAL")
    assert (done.primary_completion, done.primary_completion_type) == ("2013-01", "ACTUAL")
    assert done.sponsor == "Arbelaez, Ana Maria" and "repaglinide" in done.interventions
    assert phase_text(done.phases) == "not applicable"
    unknown = parse_single((corpus / "study-NCT04207047-unknown.json").read_bytes())
    assert unknown.status == "UNKNOWN" and unknown.last_known_status == "ACTIVE_NOT_RECRUITING"
    planned = parse_single((corpus / "study-NCT06171568-not-yet-recruiting.json").read_bytes())
    assert planned.phases == () and planned.enrollment_type == "ESTIMATED"
    page = json.loads((corpus / "search-intr-keytruda.json").read_text())
    from evidence.trials.parse import parse_study

    first = parse_study(page["studies"][0])
    assert phase_text(first.phases) == "1/2" and first.enrollment_type is None


def test_nct_numbers_in_text() -> None:
    assert normalize_nct("nct 123") == "NCT00000123" and normalize_nct("NCT00000000") is None
    text = "<AccessionNumber>NCT01234567</AccessionNumber> (ClinicalTrials.gov NCT01234567, NCT7654321)"
    assert find_ncts(text) == ["NCT01234567", "NCT07654321"]


def test_a_refused_field_list_falls_back_to_whole_records(fake_ctgov: FakeCtgov) -> None:
    fake_ctgov.add(*_many(2, enrollment=40, enrollment_type="ACTUAL"))
    fake_ctgov.unknown_pieces = {"EnrollmentType"}
    with _client(fake_ctgov) as client:
        result = client.search(term="cell")
    assert [t.enrollment_type for t in result.trials] == ["ACTUAL", "ACTUAL"]
    assert fake_ctgov.count(status=400) == 1 and "fields" not in fake_ctgov.requests[-1]["params"]
