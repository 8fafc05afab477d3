"""`evidence watch` and `evidence status` against the fake E-utilities server.

A library of four policies; between two runs PubMed changes three cited records: one gains a
retraction notice, one an erratum, one is re-indexed as a Randomized Controlled Trial. The watch
must report exactly those three (in every format), store them once, exit 4, and report nothing
the second time; `status` lists those policies first and `watch ack` clears them.
"""

from __future__ import annotations

import json
import threading
from datetime import date, timedelta

import pytest
from resolve_helpers import make_policy
from sqlmodel import Session, select

from evidence.store import models as m
from evidence.store import open_store, transaction
from evidence.watch.interval import add_interval

LIBRARY = {
    "policy-a": ["90000001", "90000002", "90000003"],
    "policy-b": ["90000004", "90000005", "90000006"],
    "policy-c": ["90000007", "90000008", "90000009"],
    "policy-d": ["90000010", "90000011"],
}
RETRACTED, ERRATUM, REINDEXED = "90000002", "90000005", "90000007"
REVIEWED = date.today() - timedelta(days=60)  # last reviewed two months ago: not due yet


@pytest.fixture
def library(db_url, fake_eutils, cli):  # type: ignore[no-untyped-def]
    """Four resolved and tagged policies whose records then change in PubMed."""
    for pmids in LIBRARY.values():
        for p in pmids:
            fake_eutils.add_article(p, title=f"Synthetic study {p}.", year=2020,
                                    publication_types=["Journal Article"])  # fmt: skip
    engine = open_store(db_url)
    for pid, pmids in LIBRARY.items():
        make_policy(engine, pmids, policy_id=pid)
    with transaction(engine) as session:
        for policy in session.exec(select(m.Policy)):
            policy.last_reviewed = REVIEWED
            policy.search_query = '"synthetic study"[tiab]'
            session.add(policy)
    assert cli("resolve").exit_code == 0
    assert cli("tag").exit_code == 0
    fake_eutils.retract(RETRACTED, 90000100)
    fake_eutils.add_erratum(ERRATUM, 90000101)
    fake_eutils.reindex(REINDEXED, "Randomized Controlled Trial")
    fake_eutils.reset_log()
    yield engine
    engine.dispose()


def _events(engine) -> list[m.WatchEvent]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return list(session.exec(select(m.WatchEvent).order_by(m.WatchEvent.id)))


def test_watch_reports_the_three_changes_once_and_then_nothing(library, cli, fake_eutils):
    first = cli("watch", "--max-age", "0", "--json")
    assert first.exit_code == 4, first.output
    data = json.loads(first.stdout)
    found = sorted((e["policy_id"], e["pmid"], e["kind"]) for e in data["events"])
    assert found == [("policy-a", RETRACTED, "retracted"), ("policy-b", ERRATUM, "erratum"),
                     ("policy-c", REINDEXED, "publication-type")]  # fmt: skip
    assert [g["id"] for g in data["by_policy"]] == ["policy-a", "policy-b", "policy-c"]
    assert data["checked"] == 11 and not data["not_checked"] and not data["partial"]
    # one efetch for the 11 PMIDs (cache bypassed) and one esearch per policy
    assert fake_eutils.count("efetch.fcgi", 200) == 1 and fake_eutils.count("esearch.fcgi", 200) == 4
    rct = next(e for e in data["events"] if e["kind"] == "publication-type")
    assert rct["new_value"] == "Randomized Controlled Trial" and rct["design"] == "rct"
    assert rct["url"] == f"https://pubmed.ncbi.nlm.nih.gov/{REINDEXED}/"

    second = cli("watch", "--max-age", "0")
    assert second.exit_code == 0, second.output
    assert second.stdout.startswith("Nothing changed since the previous watch")
    assert len(_events(library)) == 3


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_every_digest_format_names_the_three_changes_with_links(library, cli, tmp_path, fmt):
    out = tmp_path / f"digest.{fmt}"
    result = cli("watch", "--max-age", "0", "--format", fmt.upper(), "-o", str(out))
    assert result.exit_code == 4, result.output
    text = out.read_text(encoding="utf-8")
    for pmid in (RETRACTED, ERRATUM, REINDEXED):
        assert f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" in text
    if fmt == "json":
        assert [g["id"] for g in json.loads(text)["by_policy"]] == ["policy-a", "policy-b", "policy-c"]
        return
    assert "policy-d" not in text
    assert text.index("policy-a") < text.index("policy-b") < text.index("policy-c")
    assert "3 changes in 3 policies" in text


def test_a_fresh_copy_is_not_fetched_again(library, cli, fake_eutils):
    result = cli("watch", "--json")  # default --max-age 30: everything was fetched today
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["to_check"] == 0
    assert fake_eutils.count("efetch.fcgi") == 0


def test_status_puts_the_changed_policies_first_and_ack_clears_them(library, cli):
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 4
    rows = json.loads(cli("status", "--json").stdout)
    assert [r["id"] for r in rows][:3] == ["policy-a", "policy-b", "policy-c"]
    assert rows[0]["events"] == {"retracted": 1} and rows[0]["flags"]["retracted"] == 1
    assert rows[1]["flags"]["erratum"] == 1
    assert rows[3] == rows[3] | {"id": "policy-d", "events": {}, "needs_attention": False}
    assert rows[0]["review_due"] == str(add_interval(REVIEWED, "12m")) and rows[0]["references"] == 3

    ids = [e.id for e in _events(library) if e.policy_id == "policy-a"]
    assert cli("watch", "ack", str(ids[0])).exit_code == 0
    done = cli("watch", "ack", "--policy", "policy-b", "--json")
    assert json.loads(done.stdout)["acknowledged"]
    assert cli("watch", "ack", "--policy", "policy-c").exit_code == 0
    rows = json.loads(cli("status", "--json").stdout)
    assert all(r["events"] == {} for r in rows)
    assert all(e.acknowledged_at is not None and e.acknowledged_by for e in _events(library))
    table = cli("status")
    assert table.exit_code == 0 and "policy-a" in table.stdout


def test_ack_names_the_reviewer(library, cli, monkeypatch):
    cli("watch", "--max-age", "0")
    monkeypatch.setenv("EVIDENCE_REVIEWER", "Dr Reviewer")
    result = cli("watch", "ack", "--policy", "policy-a")
    assert result.exit_code == 0 and "as Dr Reviewer" in result.stderr
    assert cli("watch", "ack", "99999").exit_code == 1


def test_the_report_says_what_changed_since_the_last_watch(library, cli):
    cli("watch", "--max-age", "0")
    text = cli("report", "policy-a").stdout
    assert "SINCE THE LAST WATCH" in text and RETRACTED in text
    data = json.loads(cli("report", "policy-a", "--format", "json").stdout)
    assert [e["kind"] for e in data["since_last_watch"]["events"]] == ["retracted"]


def test_a_manual_tag_holds_when_the_record_is_reindexed(library, cli):
    assert cli("tag", "set", REINDEXED, "observational").exit_code == 0
    cli("watch", "--max-age", "0")
    with Session(library) as session:
        assert session.get(m.DesignTag, f"pmid:{REINDEXED}").design == "observational"


def test_a_vanished_record_is_an_event_once(library, cli, fake_eutils):
    fake_eutils.remove("90000010")
    result = cli("watch", "policy-d", "--max-age", "0", "--json")  # the policy first, or --policy
    assert result.exit_code == 4, result.output
    assert [e["kind"] for e in json.loads(result.stdout)["events"]] == ["vanished"]
    again = cli("watch", "--max-age", "0", "--policy", "policy-d")
    assert again.exit_code == 0, again.output
    with Session(library) as session:  # the stored copy is kept
        assert session.get(m.Article, "90000010") is not None


def test_new_high_level_evidence_since_the_last_review_is_counted(library, cli, fake_eutils):
    fake_eutils.add_article("90000200", title="Synthetic study of everything.", year=REVIEWED.year,
                            edat=REVIEWED + timedelta(days=10),
                            publication_types=["Journal Article", "Meta-Analysis"])  # fmt: skip
    data = json.loads(cli("watch", "--max-age", "0", "--policy", "policy-d", "--json").stdout)
    assert data["new_evidence"]["policy-d"]["count"] == 1
    assert data["new_evidence"]["policy-d"]["pmids"] == ["90000200"]
    assert [e["kind"] for e in data["events"]] == ["new-evidence"]
    again = cli("watch", "--max-age", "0", "--policy", "policy-d")
    assert again.exit_code == 0  # the same count is not news
    rows = {r["id"]: r for r in json.loads(cli("status", "--json").stdout)}
    assert rows["policy-d"]["new_evidence"]["count"] == 1


def test_ncbi_unreachable_exits_3_and_loses_nothing(library, cli, monkeypatch):
    monkeypatch.setenv("EVIDENCE_EUTILS_URL", "http://127.0.0.1:9/entrez/eutils/")
    result = cli("watch", "--max-age", "0", "--json")
    assert result.exit_code == 3, result.output
    assert "NCBI" in result.stderr and "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert len(data["not_checked"]) == 11 and data["events"] == []
    with Session(library) as session:
        assert len(session.exec(select(m.Article)).all()) == 11


def test_ncbi_gone_midway_keeps_the_events_found_so_far(db_url, fake_eutils, cli):
    pmids = [str(90000001 + i) for i in range(450)]
    for p in pmids:
        fake_eutils.add_article(p, title=f"Synthetic study {p}.")
    engine = open_store(db_url)
    make_policy(engine, pmids, policy_id="big")
    assert cli("resolve").exit_code == 0
    fake_eutils.retract(pmids[0], 90009999)
    fake_eutils.go_down_after(1, "efetch.fcgi")
    result = cli("watch", "--max-age", "0", "--format", "text")
    assert result.exit_code == 3, result.output
    assert "retracted" in result.stdout and "Not re-checked:" in result.stdout
    assert [e.kind for e in _events(engine)] == ["retracted"]
    engine.dispose()


def test_two_watches_at_once_store_each_change_once(library, fake_eutils):
    from evidence.config import load_settings
    from evidence.entrez.client import EntrezClient
    from evidence.services.watch import watch

    settings = load_settings()
    results, errors = [], []

    def run() -> None:
        try:
            with EntrezClient(settings) as client:
                results.append(watch(library, client, max_age_days=0))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    events = _events(library)
    assert sorted(e.kind for e in events) == ["erratum", "publication-type", "retracted"]
    assert sum(len(r.events) for r in results) == 3  # each change reported by one of the two


def test_review_interval_sets_when_the_review_is_due(library, cli):
    assert cli("policy", "set", "policy-a", "--review-every", "6m").exit_code == 0
    assert cli("policy", "set", "policy-b", "--review-every", "90d").exit_code == 0
    assert cli("policy", "set", "policy-c", "--review-every", "fortnightly").exit_code == 1
    rows = {r["id"]: r for r in json.loads(cli("status", "--json").stdout)}
    assert rows["policy-a"]["review_due"] == str(add_interval(REVIEWED, "6m"))
    assert rows["policy-b"]["review_due"] == str(REVIEWED + timedelta(days=90))
    assert rows["policy-c"]["review_due"] == str(add_interval(REVIEWED, "1y"))
    assert not rows["policy-a"]["overdue"]
    assert cli("policy", "set", "policy-a", "--review-every", "30d").exit_code == 0
    overdue = json.loads(cli("status", "--json").stdout)
    assert overdue[0]["id"] == "policy-a" and overdue[0]["overdue"]


def test_a_pmid_matched_for_a_reference_without_one_is_reported_once(library, cli):
    with transaction(library) as session:
        ref = session.exec(select(m.Reference).where(m.Reference.policy_id == "policy-d",
                                                     m.Reference.number == 2)).one()  # fmt: skip
        ref.pmid, ref.matched_pmid, ref.match_status = None, "90000011", "matched, unconfirmed"
        session.add(ref)
    first = json.loads(cli("watch", "policy-d", "--max-age", "0", "--json").stdout)
    assert [(e["kind"], e["pmid"], e["reference"]) for e in first["events"]] == [
        ("pmid-found", "90000011", 2)]
    assert cli("watch", "policy-d", "--max-age", "0").exit_code == 0
