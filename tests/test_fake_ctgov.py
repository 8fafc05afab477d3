"""The ClinicalTrials.gov stand-in answers like the real API: the recorded responses in
../shared/corpora/ctgov-real are reproduced from their own studies (same JSON shapes, paging,
projection, plain-text 400 bodies), and 404/301 behave as documented."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from fake_ctgov import FakeCtgov, study

CORPUS_FIELDS = (
    "NCTId,BriefTitle,OverallStatus,Phase,StudyType,Condition,InterventionName,LeadSponsorName,"
    "EnrollmentCount,BriefSummary,StartDate,CompletionDate,MinimumAge,MaximumAge"
)


@pytest.fixture
def corpus(shared: Path) -> Path:
    return shared / "corpora" / "ctgov-real"


def _load(corpus: Path, name: str) -> dict:
    return json.loads((corpus / name).read_text(encoding="utf-8"))


def test_search_pages_reproduce_the_recorded_pages(corpus: Path) -> None:
    page1 = _load(corpus, "search-phelan-mcdermid-page1.json")
    page2 = _load(corpus, "search-phelan-mcdermid-page2.json")
    with FakeCtgov() as fake:
        fake.add(*page1["studies"], *page2["studies"])
        params = {"query.cond": "Phelan-McDermid Syndrome", "countTotal": "true", "pageSize": 5,
                  "fields": CORPUS_FIELDS}  # fmt: skip
        got1 = requests.get(fake.url + "/studies", params=params, timeout=5).json()
        assert list(got1) == list(page1)  # studies, totalCount, nextPageToken
        assert got1["studies"] == page1["studies"]
        assert got1["totalCount"] == 10
        assert isinstance(got1["nextPageToken"], str)
        got2 = requests.get(
            fake.url + "/studies", params={**params, "pageToken": got1["nextPageToken"]}, timeout=5
        ).json()
        assert got2["studies"] == page2["studies"]
        assert "totalCount" not in got2  # first page only, like the real page 2
        assert "nextPageToken" not in got2  # absent, not null, on the last page


def test_projection_keeps_an_empty_module(corpus: Path) -> None:
    recorded = _load(corpus, "search-asthma-fields-2.json")
    with FakeCtgov() as fake:
        fake.add(*recorded["studies"])
        got = requests.get(
            fake.url + "/studies",
            params={"pageSize": 2,
                    "fields": "NCTId,BriefTitle,OverallStatus,Phase,LeadSponsorName"},  # fmt: skip
            timeout=5,
        )
        assert got.headers["Content-Type"] == "application/json"
        assert got.json()["studies"] == recorded["studies"]  # incl. "designModule": {}
        assert b"\n" not in got.content and b": " not in got.content  # compact, like the live API


@pytest.mark.parametrize(
    "name",
    ["study-NCT00973089-withdrawn.json", "study-NCT05594173-results.json",
     "study-NCT04207047-unknown.json", "study-NCT06171568-not-yet-recruiting.json"],
)  # fmt: skip
def test_single_study_is_the_bare_record(corpus: Path, name: str) -> None:
    record = _load(corpus, name)
    nct = record["protocolSection"]["identificationModule"]["nctId"]
    with FakeCtgov() as fake:
        fake.add(record)
        got = requests.get(f"{fake.url}/studies/{nct.lower()}", timeout=5)
        assert got.status_code == 200 and got.json() == record
        assert "Hôpitaux".encode() in got.content or "Hôpitaux" not in json.dumps(record)


def test_400_bodies_are_the_real_plain_text(corpus: Path) -> None:
    with FakeCtgov() as fake:
        bad_field = requests.get(fake.url + "/studies", params={"fields": "StudyDesign"}, timeout=5)
        assert bad_field.status_code == 400
        assert bad_field.text == (corpus / "error-400-invalid-field-name.txt").read_text()
        bad_term = requests.get(fake.url + "/studies", params={"query.term": "a [b"}, timeout=5)
        assert bad_term.status_code == 400
        assert bad_term.text == (corpus / "error-400-query-term-parse.txt").read_text()


def test_unknown_study_is_404_alias_is_301_unknown_parameter_is_400() -> None:
    with FakeCtgov() as fake:
        fake.add(study("NCT09000001"))
        fake.alias("NCT09000009", "NCT09000001")
        assert requests.get(fake.url + "/studies/NCT09000002", timeout=5).status_code == 404
        moved = requests.get(fake.url + "/studies/NCT09000009", timeout=5, allow_redirects=False)
        assert moved.status_code == 301
        assert moved.headers["Location"] == "/api/v2/studies/NCT09000001"
        assert requests.get(fake.url + "/studies/NCT9000009", timeout=5).json()["hasResults"] is False
        recrs = requests.get(fake.url + "/studies", params={"query.recrs": "x"}, timeout=5)
        assert recrs.status_code == 400 and "unknown parameter" in recrs.text
        one_bad = requests.get(
            fake.url + "/studies", params={"filter.ids": "NCT09000001,NCT00000000"}, timeout=5
        )
        assert one_bad.status_code == 400  # one bad id fails the whole batch


def test_faults_are_served_on_demand() -> None:
    with FakeCtgov(slow_seconds=0.3) as fake:
        fake.fail_next(1, "429")
        fake.fail_next(1, "500")
        assert requests.get(fake.url + "/studies", timeout=5).status_code == 429
        assert requests.get(fake.url + "/studies", timeout=5).status_code == 500
        fake.fail_next(1, "reset")
        with pytest.raises(requests.ConnectionError):
            requests.get(fake.url + "/studies", timeout=5)
        assert requests.get(fake.url + "/studies", timeout=5).json() == {"studies": []}
