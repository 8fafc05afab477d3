"""`evidence trials POLICY` against the stand-in registry: the policy's search and its cited NCT
ids are fetched and stored (SQLite and PostgreSQL), listed as JSON with the report's keys, and
listed again offline from the store when the registry cannot be reached."""

from __future__ import annotations

import json

import pytest
from fake_ctgov import FakeCtgov, study
from sqlmodel import Session, select
from synthetic_report import PID, add_synthetic_policy

from evidence.store import models as m
from evidence.store import transaction
from evidence.trials import ratelimit

KEYS = ["nct_id", "title", "status", "phase", "enrollment", "primary_completion",
        "results_posted", "sponsor", "cited"]  # fmt: skip


@pytest.fixture(autouse=True)
def fast_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "_shared", ratelimit.Pace(interval=0.0))


def registry(fake: FakeCtgov) -> None:
    fake.add(
        study("NCT09100001", "Cell therapy for synthetic limb disease (CELL-1)", "RECRUITING",
              phases=["PHASE3"], conditions=["Synthetic Limb Disease"],
              interventions=["Cell therapy"], primary_completion="2026-09"),
        study("NCT09100002", "Marrow cells in limb disease", "COMPLETED", phases=["PHASE2"],
              conditions=["Synthetic Limb Disease"], interventions=["Cell therapy"],
              primary_completion="2025-10", primary_completion_type="ACTUAL",
              enrollment=80, enrollment_type="ACTUAL", results_posted="2025-12-01"),
        study("NCT09100003", "Unrelated asthma trial", conditions=["Asthma"],
              interventions=["Inhaler"]),
        study("NCT09100004", "A cited registry entry", "TERMINATED", conditions=["Other"]),
        study("NCT09100005", "Named in the policy's rationale", conditions=["Other"]),
    )  # fmt: skip


def cite(engine) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        ref = s.exec(select(m.Reference).where(m.Reference.number == 4)).one()
        ref.nct = "NCT09100004"
        article = s.get(m.Article, "90000003")
        article.raw_xml = (
            "<DataBankList><DataBank><DataBankName>ClinicalTrials.gov</DataBankName>"
            "<AccessionNumberList><AccessionNumber>NCT09100002</AccessionNumber>"
            "<AccessionNumber>NCT09199999</AccessionNumber></AccessionNumberList></DataBank>"
            "</DataBankList>"
        )
        s.add_all([ref, article])
        s.add(m.PolicyRevision(policy_id=PID, revision=1, sha256="0" * 64,
                               text="Rationale: several trials are in progress (NCT9100005)."))  # fmt: skip


def test_trials_are_fetched_stored_and_listed(engine, cli, fake_ctgov) -> None:  # type: ignore[no-untyped-def]
    add_synthetic_policy(engine)
    cite(engine)
    registry(fake_ctgov)
    result = cli("trials", PID, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    rows = {r["nct_id"]: r for r in data["trials"]}
    assert set(rows) == {"NCT09100001", "NCT09100002", "NCT09100004", "NCT09100005"}
    assert rows["NCT09100005"]["cited"]
    assert all(list(r) == KEYS for r in data["trials"])
    assert rows["NCT09100002"]["cited"] and rows["NCT09100004"]["cited"]
    assert not rows["NCT09100001"]["cited"]
    assert rows["NCT09100002"]["results_posted"] is True
    assert rows["NCT09100002"]["enrollment"] == {"count": 80, "type": "ACTUAL"}
    assert rows["NCT09100001"]["primary_completion"] == {"date": "2026-09", "type": "ESTIMATED"}
    assert rows["NCT09100001"]["phase"] == "3"
    assert data["missing"] == ["NCT09199999"]
    assert data["query"] == {"intr": '"Cell Therapy"', "cond": "Synthetic Limb Disease"}
    search = [r for r in fake_ctgov.requests if r["path"] == "/api/v2/studies"][0]["params"]
    assert search["query.intr"] == '"Cell Therapy"' and search["fields"].startswith("NCTId,")
    with Session(engine) as s:
        stored = s.get(m.Trial, "NCT09100002")
        assert stored.results_first_posted == "2025-12-01" and stored.fetched_at is not None
        assert s.get(m.TrialSearch, PID).found == 4
        link = s.exec(select(m.PolicyTrial).where(m.PolicyTrial.nct_id == "NCT09100002")).one()
        assert link.cited_by == ["PMID 90000003"] and link.matched_search


def test_text_listing_and_unreachable_registry_keeps_the_store(engine, cli, fake_ctgov) -> None:  # type: ignore[no-untyped-def]
    add_synthetic_policy(engine)
    registry(fake_ctgov)
    first = cli("trials", PID)
    assert first.exit_code == 0 and "NCT09100001" in first.stdout and "2 trials" in first.stdout
    fake_ctgov.stop()
    again = cli("trials", PID, "--refresh")
    assert again.exit_code == 3
    assert "ClinicalTrials.gov unreachable" in again.stderr and "2 trials stored" in again.stderr
    assert "NCT09100001" in again.stdout
    assert len(again.stderr.strip().splitlines()) == 1


def test_unreachable_still_lists_what_the_policy_cites(engine, cli, fake_ctgov) -> None:  # type: ignore[no-untyped-def]
    add_synthetic_policy(engine)
    cite(engine)
    fake_ctgov.stop()  # never reached: nothing stored, yet the policy names its trials
    result = cli("trials", PID, "--json")
    assert result.exit_code == 3
    unfetched = {t["nct_id"]: t["cited_by"] for t in json.loads(result.stdout)["unfetched"]}
    assert unfetched == {
        "NCT09100002": ["PMID 90000003"],
        "NCT09100004": ["ref 4"],
        "NCT09100005": ["policy text"],
        "NCT09199999": ["PMID 90000003"],
    }
    text = cli("trials", PID)
    assert "NCT09100004 is cited (ref 4) but not fetched yet." in text.stderr


def test_offline_uses_the_cache(engine, cli, fake_ctgov) -> None:  # type: ignore[no-untyped-def]
    add_synthetic_policy(engine)
    registry(fake_ctgov)
    assert cli("trials", PID).exit_code == 0
    asked = len(fake_ctgov.requests)
    offline = cli("trials", PID, "--offline", "--json")
    assert offline.exit_code == 0, offline.stderr
    assert len(json.loads(offline.stdout)["trials"]) == 2 and len(fake_ctgov.requests) == asked


def test_unknown_policy_is_one_line(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("trials", "no-such-policy")
    assert result.exit_code == 1 and "no policy 'no-such-policy'" in result.stderr
