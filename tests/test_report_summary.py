"""The summary on top, the evidence table and the ongoing trials in all four formats, on the
synthetic policy with a review cycle and ClinicalTrials.gov trials stored; provenance, links and
plain words; and the quiet verdict when nothing fires."""

from __future__ import annotations

import json
import re
from datetime import datetime

import jsonschema
import pytest
from report_trials_fixture import NEW_ABSTRACT, NEW_RCT, stored_policy
from synthetic_report import PID, REFS, add_synthetic_policy
from test_report_model import SCHEMA

from evidence.services.report import build, render

ROW_KEYS = ["ref", "pmid", "design", "n", "intervention", "comparator", "outcome", "finding",
            "effect", "follow_up", "sentence", "new"]  # fmt: skip
TRIAL_KEYS = ["nct_id", "title", "status", "phase", "enrollment", "primary_completion",
              "results_posted", "sponsor", "cited"]  # fmt: skip
SUMMARY_KEYS = {"verdict", "reason", "strongest", "new_since_review", "trials_due", "flags_to_act"}


@pytest.fixture
def report(engine, fake_ctgov):  # type: ignore[no-untyped-def]
    stored_policy(engine, fake_ctgov)
    fake_ctgov.stop()  # the report reads the store only
    return build(engine, PID)


def test_json_evidence_table(report) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, SCHEMA)
    rows = data["evidence_table"]
    assert all(list(r) == ROW_KEYS for r in rows)
    assert all(list(r["effect"]) == ["measure", "value", "ci_low", "ci_high", "p"] for r in rows)
    assert [(r["ref"], r["pmid"], r["design"], r["new"]) for r in rows] == [
        (1, "90000001", "meta-analysis", False),
        (2, "90000002", "systematic-review", False),
        (3, "90000003", "rct", False),
        (4, "90000004", "rct", False),
        (None, NEW_RCT, "rct", True),
    ]
    by_pmid = {r["pmid"]: r for r in rows}
    assert by_pmid["90000001"]["n"].startswith("12 studies")
    assert by_pmid["90000003"]["n"].startswith("120 randomised")
    assert by_pmid[NEW_RCT]["n"].startswith("200 randomised")
    abstracts = {s["pmid"]: s["article"].get("abstract", "") for s in REFS if s.get("article")}
    abstracts[NEW_RCT] = NEW_ABSTRACT
    for r in rows:  # every sentence is quoted from its own abstract, never made up
        assert r["sentence"] is None or r["sentence"] in abstracts[r["pmid"]]


def test_json_ongoing_trials_and_provenance(report) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(report, "json"))
    trials = data["ongoing_trials"]
    assert all(list(t) == TRIAL_KEYS for t in trials)
    assert [t["nct_id"] for t in trials] == ["NCT09100001", "NCT09100002"]  # cited first
    first = trials[0]
    assert first["cited"] and first["status"] == "RECRUITING" and first["phase"] == "3"
    assert first["enrollment"] == {"count": 300, "type": "ESTIMATED"}
    assert trials[1]["results_posted"] is True and not trials[1]["cited"]
    for key in ("generated_at", "pubmed_last_asked", "ctgov_last_asked"):
        assert datetime.fromisoformat(data[key]).tzinfo is not None
    assert re.fullmatch(r"\d+\.\d+.*", data["tool_version"])


def test_json_summary_verdict_and_reasons(report) -> None:  # type: ignore[no-untyped-def]
    s = json.loads(render(report, "json"))["summary"]
    assert SUMMARY_KEYS <= set(s) and "total" in s  # the counts stay
    assert s["verdict"].startswith("re-examine the conclusion: ")
    assert "new high-level evidence was included in review cycle 1 (RCT PMID 90000201)" in s["reason"]
    assert "NCT09100002 posted results 2025-12-01" in s["reason"]
    assert "ref 3: retracted" in s["reason"] and "ref 4: expression of concern" in s["reason"]
    assert s["verdict"] == "re-examine the conclusion: " + s["reason"]
    assert any("NCT09100001" in t and "2026-09 (estimated)" in t for t in s["trials_due"])
    assert any("NCT09100002 posted results 2025-12-01" in t for t in s["new_since_review"])
    assert any(NEW_RCT in t for t in s["new_since_review"])
    assert any(t.startswith("ref 3 (PMID 90000003): retracted") for t in s["flags_to_act"])
    assert s["strongest"] and s["strongest"][0].startswith(("Systematic review", "Meta-analysis"))


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_summary_table_and_trials_in_every_human_format(report, fmt) -> None:  # type: ignore[no-untyped-def]
    out = render(report, fmt)
    flat = " ".join(out.split())
    summary, inventory = flat.lower().find("summary"), flat.lower().find("evidence inventory")
    assert 0 < summary < inventory  # the summary comes first
    head = flat[:inventory]
    assert "Re-examine the conclusion" in head
    for fact in ("RCT PMID 90000201", "NCT09100002 posted results 2025-12-01",
                 "NCT09100001", "drop or replace it", "Strongest direct evidence",
                 "Trials due to report", "Flags that need action", "New since the last review",
                 "ClinicalTrials.gov last asked 20", "PubMed last asked 20", "Generated 20"):  # fmt: skip
        assert fact in head, fact
    assert re.search(r"evidence table \(5 studies\)", flat, re.I)
    assert re.search(r"ongoing and unpublished trials \(2\)", flat, re.I)
    assert "Marrow cells in limb disease" in flat and "300 planned" in flat
    assert "https://pubmed.ncbi.nlm.nih.gov/90000001/" in out
    assert "Basis:" not in out and " syn " not in flat and "not levelled" in flat
    if fmt != "text":
        assert "https://clinicaltrials.gov/study/NCT09100001" in out
        assert "https://doi.org/10.1234/synth.201" not in out or fmt == "html"


def test_html_flag_details_print_and_sentences(report) -> None:  # type: ignore[no-untyped-def]
    html = render(report, "html")
    assert 'data-detail="ErratumIn PMID 90000102 (Synth J. 2030;1:1)"' in html
    assert "attr(data-detail)" in html.split("@media print", 1)[1]  # printed, not only hovered
    assert '<section id="summary" class="summary">' in html
    assert "Major amputation at 12 months was significantly lower" in html or "200 randomised" in html
    assert '<tr class="new">' in html and 'href="https://pubmed.ncbi.nlm.nih.gov/90000201/"' in html


def test_markdown_links_and_new_marker(report) -> None:  # type: ignore[no-untyped-def]
    md = render(report, "md")
    assert "[NCT09100001](https://clinicaltrials.gov/study/NCT09100001)" in md
    row = next(line for line in md.splitlines() if "**new**" in line and NEW_RCT in line)
    assert row.count(" | ") == 6  # 7 cells


def test_text_fits_100_columns(report) -> None:  # type: ignore[no-untyped-def]
    assert max(len(line) for line in render(report, "text").splitlines()) <= 100


def test_nothing_fires_says_no_new_evidence(engine) -> None:  # type: ignore[no-untyped-def]
    add_synthetic_policy(engine, refs=[REFS[1]])  # one direct review, erratum only
    report = build(engine, PID)
    s = report["summary"]
    assert s["verdict"] == "no new evidence that could change the conclusion"
    assert "no review cycle has been run yet" in s["reason"]
    assert "no registered trial is stored" in s["reason"]
    assert s["flags_to_act"] == ["ref 2 (PMID 90000002): erratum: check the correction."]
    assert report["ongoing_trials"] == [] and report["ctgov_last_asked"] is None
    for fmt in ("text", "md", "html"):
        assert "No new evidence that could change the conclusion" in render(report, fmt)


def test_the_new_trials_finding_with_its_effect_in_every_format(report) -> None:  # type: ignore[no-untyped-def]
    row = next(r for r in report["evidence_table"] if r["new"])
    assert row["finding"] == "significantly decreased"
    assert row["effect"] == {"measure": "HR", "value": 0.6, "ci_low": 0.4, "ci_high": 0.9, "p": "0.01"}
    assert row["sentence"].startswith("Major amputation at 12 months was significantly lower")
    assert (row["intervention"], row["comparator"]) == ("cell therapy", "placebo")
    assert "significant findings in direct evidence (new PMID 90000201 (RCT)" in report["summary"]["reason"]
    for fmt in ("text", "md", "html"):
        flat = " ".join(render(report, fmt).split())
        assert "significantly decreased: HR 0.6 (95% CI 0.4 to 0.9), p = 0.01" in flat or (
            fmt == "html" and "HR 0.6 (95% CI 0.4 to 0.9), p = 0.01" in flat
        ), fmt
