"""The synthetic policy with a closed review cycle and ClinicalTrials.gov trials in the store.

The cycle (2025-06-01 to 2026-11-01) included one new RCT (PMID 90000201); the registry
(the stand-in server) holds a recruiting cited trial due in 2026-09, a trial that posted
results after the last review, and an unrelated one. Imported by the report tests.
"""

from __future__ import annotations

from datetime import date

from fake_ctgov import FakeCtgov, study
from sqlmodel import select
from synthetic_report import PID, add_synthetic_policy

from evidence.config import load_settings
from evidence.services.trials import fetch_trials
from evidence.store import models as m
from evidence.store import transaction
from evidence.trials.client import CtgovClient
from evidence.trials.ratelimit import Pace

NEW_RCT = "90000201"
NEW_ABSTRACT = (
    "In this randomized trial, 200 patients with limb disease were assigned to cell therapy or "
    "placebo. Major amputation at 12 months was significantly lower with cell therapy "
    "(HR 0.60, 95% CI 0.40 to 0.90; p = 0.01)."
)


def registry(fake: FakeCtgov) -> None:
    fake.add(
        study("NCT09100001", "Cell therapy for synthetic limb disease (CELL-1)", "RECRUITING",
              phases=["PHASE3"], conditions=["Synthetic Limb Disease"],
              interventions=["Cell therapy"], primary_completion="2026-09", enrollment=300),
        study("NCT09100002", "Marrow cells in limb disease", "COMPLETED", phases=["PHASE2"],
              conditions=["Synthetic Limb Disease"], interventions=["Cell therapy"],
              primary_completion="2025-10", primary_completion_type="ACTUAL",
              enrollment=80, enrollment_type="ACTUAL", results_posted="2025-12-01"),
        study("NCT09100003", "Unrelated asthma trial", conditions=["Asthma"],
              interventions=["Inhaler"]),
    )  # fmt: skip


def add_review_cycle(engine) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        cycle = m.ReviewCycle(policy_id=PID, number=1, status="closed", query="q",
                              since=date(2025, 6, 1), until=date(2026, 11, 1),
                              counts={"search": {"identified": 3, "duplicates_removed": 0,
                                                 "not_retrieved": 0}})  # fmt: skip
        s.add(cycle)
        s.flush()
        s.merge(m.Article(pmid=NEW_RCT, title="Cell therapy versus placebo in limb disease",
                          journal="J Synth", year=2026, abstract=NEW_ABSTRACT,
                          doi="10.1234/synth.201"))  # fmt: skip
        s.merge(m.Article(pmid="90000202", title="A cohort", journal="J Synth", year=2026,
                          abstract="A cohort."))  # fmt: skip
        s.add(m.Candidate(cycle_id=cycle.id, pmid=NEW_RCT, design="rct", decision="include"))
        s.add(m.Candidate(cycle_id=cycle.id, pmid="90000202", design="observational",
                          decision="exclude", reason="wrong-design"))  # fmt: skip


def cite_trial(engine) -> None:  # type: ignore[no-untyped-def]
    with transaction(engine) as s:
        ref = s.exec(select(m.Reference).where(m.Reference.policy_id == PID,
                                               m.Reference.number == 4)).one()  # fmt: skip
        ref.nct = "NCT09100001"
        s.add(ref)


def stored_policy(engine, fake: FakeCtgov) -> None:  # type: ignore[no-untyped-def]
    """The synthetic policy + review cycle + trials fetched from the stand-in and stored."""
    add_synthetic_policy(engine)
    add_review_cycle(engine)
    cite_trial(engine)
    registry(fake)
    settings = load_settings().with_(ctgov_url=fake.url)
    with CtgovClient(settings, pace=Pace(interval=0.0), sleep=lambda s: None) as client:
        fetch_trials(engine, client, PID)
