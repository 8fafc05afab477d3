"""The lean read layer (evidence.store.read, evidence.store.queries): every query runs on a
freshly migrated store, SQLite and PostgreSQL, and hands back what the ORM would; the read
commands start without SQLAlchemy, SQLModel or pydantic; opening keeps the store's checks."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from conftest import EXAMPLE
from sqlmodel import Session, select

from evidence.errors import NotFound, SchemaTooNew
from evidence.store import models as m
from evidence.store import open_store, transaction
from evidence.store import queries as q
from evidence.store.read import open_reader, reading

WHEN = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=timezone.utc)
HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "requests")


def _fill(engine) -> None:  # type: ignore[no-untyped-def]
    """One row in every table the read layer selects from, every typed column set."""
    with transaction(engine) as s:
        s.add(m.Policy(id="p1", title="Policy one", title_source="option", sha256="0" * 64,
                       revision=1, effective_date=date(2026, 1, 2), last_reviewed=date(2025, 6, 7),
                       original_effective=date(2020, 1, 1), next_review=date(2026, 6, 7),
                       published="Published", policy_number="MP-1", conclusion="It works.",
                       related=["p2"], review_every="6m", source_file="p1.txt"))  # fmt: skip
        s.flush()
        s.add(m.Statement(policy_id="p1", revision=1, product="HMO", status="covered", text="Yes."))
        s.add(m.BillingCode(policy_id="p1", revision=1, code="0001", system="CPT",
                            description="A code", position="covered"))  # fmt: skip
        s.add(m.Reference(policy_id="p1", revision=1, number=1, raw="Doe J. A guideline. 2020.",
                          authors=["Doe J"], et_al=True, title="A guideline", journal="J", year=2020,
                          pmid="1", warnings=["odd"], match_candidates=[{"pmid": "2", "score": 0.5}],
                          group="Guidelines", printed_number="1.", role="direct"))  # fmt: skip
        s.add(m.Reference(policy_id="p1", revision=1, number=2, raw="Roe R. Trial. 2021.",
                          matched_pmid="2", match_status="matched, unconfirmed"))  # fmt: skip
        s.add(m.Article(pmid="1", title="A guideline update", abstract="Text.", year=2020,
                        abstract_sections=[{"label": "A", "text": "Text."}],
                        authors=[{"last": "Doe"}], keywords=["k"], mesh=[{"term": "m"}],
                        publication_types=[{"ui": "D017065", "name": "Practice Guideline"}],
                        comments_corrections=[{"type": "ErratumIn", "pmid": "3"}],
                        is_book=True, fetched_at=WHEN))  # fmt: skip
        s.add(m.Unresolved(pmid="2", reason="not in PubMed", checked_at=WHEN))
        s.add(m.ArticleFacts(pmid="1", extractor="x1", source_key="k" * 64, facts={"trial": {"n": 1}},
                             computed_at=WHEN))  # fmt: skip
        s.add(m.DesignTag(subject="pmid:1", design="guideline", modifiers=["update"], level=1,
                          source="manual", signal="said so", tagged_at=WHEN))  # fmt: skip
        s.add(m.Trial(nct_id="NCT00000001", title="T", phases=["PHASE3"], has_results=True,
                      conditions=["c"], interventions=["i"], enrollment=10, fetched_at=WHEN))  # fmt: skip
        s.add(m.TrialSearch(policy_id="p1", query={"q": 1}, total=1, found=1, asked_at=WHEN))
        cycle = m.ReviewCycle(policy_id="p1", number=1, query="x", since=date(2025, 1, 1),
                              until=date(2026, 1, 1), started_at=WHEN)  # fmt: skip
        run = m.WatchRun(started_at=WHEN)
        s.add(cycle)
        s.add(run)
        s.flush()
        s.add(m.PolicyTrial(policy_id="p1", nct_id="NCT00000001", cited=True, cited_by=["ref 1"]))
        candidate = m.Candidate(cycle_id=cycle.id, pmid="9", decision="maybe")
        s.add(candidate)
        s.add(m.PolicyWatch(run_id=run.id, policy_id="p1", checked_at=WHEN, since=date(2025, 6, 7),
                            count=2, pmids=["7", "8"]))  # fmt: skip
        s.add(m.WatchEvent(fingerprint="f" * 64, run_id=run.id, policy_id="p1", pmid="1",
                           kind="erratum", detected_at=WHEN))  # fmt: skip
        s.flush()
        s.add(m.Decision(candidate_id=candidate.id, reviewer="r1", decision="maybe", decided_at=WHEN))
    with transaction(engine) as s:
        ref_id = s.exec(select(m.Reference.id).where(m.Reference.number == 1)).one()
        s.add(m.CitationFlag(reference_id=ref_id, kind="year", detail="year: 2020 vs 2021"))


@pytest.fixture
def filled(db_url: str):  # type: ignore[no-untyped-def]
    engine = open_store(db_url)
    _fill(engine)
    yield engine
    engine.dispose()


def _columns(model) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.name for c in model.__table__.columns]


def test_every_query_runs_on_a_migrated_store(filled, db_url):
    """A column renamed in the models (and migrations) but not here fails this test."""
    ref_ids = [r.id for r in Session(filled).exec(select(m.Reference))]
    with reading(db_url) as reader:
        assert reader.dialect == ("sqlite" if db_url.startswith("sqlite") else "postgresql")
        assert reader._engine is None  # the lean path: no SQLAlchemy engine behind it
        for name, (query, sample) in q.QUERIES.items():
            args = (ref_ids,) if name == "citation_flags" else sample
            query(reader, *args)  # raises on a column or table the schema does not have
        assert q.citation_flags(reader, ref_ids) == [(ref_ids[0], "year", "year: 2020 vs 2021")]
        assert q.has_review_cycles(reader, "p1") and q.watched(reader, "p1")
        assert q.status_open_events(reader) == [("p1", "erratum", 1)]
        assert q.status_open_cycles(reader) == [("p1", 1, date(2025, 1, 1), date(2026, 1, 1), 1, 1)]


def test_values_are_the_ones_the_orm_gives(filled, db_url):
    with Session(filled) as s, reading(db_url) as reader:
        policy = s.get(m.Policy, "p1")
        assert q.policy(reader, "p1") == {c: getattr(policy, c) for c in q.POLICY_COLUMNS}
        refs = s.exec(select(m.Reference).order_by(m.Reference.number)).all()
        assert q.references(reader, "p1", 1) == [
            {c: getattr(r, c) for c in q.REFERENCE_COLUMNS} for r in refs
        ]
        article = s.get(m.Article, "1")
        columns = _columns(m.Article)  # every column, decoded by its declared type
        assert q.articles(reader, ["1", "2"], columns) == {"1": {c: getattr(article, c) for c in columns}}
        assert q.last_fetched(reader, ["1", "2"]) == article.fetched_at
        tag = s.get(m.DesignTag, "pmid:1")
        assert q.design_tags(reader, ["pmid:1", "ref:1"]) == {"pmid:1": {c: getattr(tag, c) for c in q.TAG_COLUMNS}}
        trial, link = s.get(m.Trial, "NCT00000001"), s.exec(select(m.PolicyTrial)).one()
        expected = trial.model_dump() | {"cited": link.cited, "cited_by": link.cited_by,
                                         "matched_search": link.matched_search}  # fmt: skip
        assert q.policy_trials(reader, "p1") == [expected]
        assert q.trials_asked_at(reader, "p1") == s.get(m.TrialSearch, "p1").asked_at
        watch = s.exec(select(m.PolicyWatch)).one()
        assert q.status_latest_searches(reader) == [
            ("p1", watch.checked_at, watch.since, watch.count, watch.pmids)
        ]
        assert q.unresolved(reader, ["2"]) == {"2": "not in PubMed"}
        facts = s.get(m.ArticleFacts, "1")
        assert q.article_facts(reader, ["1", "2"]) == {
            "1": {"extractor": facts.extractor, "source_key": facts.source_key, "facts": facts.facts}
        }
        assert q.tag_rows(reader, ["pmid:1", "ref:1"]) == {
            "pmid:1": {c: getattr(tag, c) for c in q.LISTED_TAG_COLUMNS}
        }
        cycle = s.exec(select(m.ReviewCycle)).one()
        assert q.review_cycles(reader, "p1") == [{c: getattr(cycle, c) for c in q.CYCLE_COLUMNS}]
        candidate = s.exec(select(m.Candidate)).one()
        assert q.policy_candidates(reader, "p1") == [(cycle.id, "9", "maybe", None)]
        decision = s.exec(select(m.Decision)).one()
        assert q.policy_votes(reader, "p1") == [
            (cycle.id, candidate.id, decision.id, "r1", "screen", "maybe")
        ]
        assert q.review_cycles(reader, "p2") == [] and q.policy_votes(reader, "p2") == []
        assert q.cycle_ids(reader, "p1") == {1: cycle.id}
        assert q.cycle_decisions(reader, cycle.id) == [("9", None, "maybe")]


def test_the_services_read_the_same_through_an_engine_and_a_url(filled, db_url):
    from evidence.services.policy import list_policies, show_policy
    from evidence.services.report import gather
    from evidence.services.status import policy_statuses

    assert list_policies(filled) == list_policies(db_url)
    assert show_policy(filled, "p1") == show_policy(db_url, "p1")
    assert [r.to_dict() for r in policy_statuses(filled)] == [r.to_dict() for r in policy_statuses(db_url)]
    a, b = gather(filled, "p1"), gather(db_url, "p1")
    assert (a.references, a.since_last_review, a.since_last_watch, a.trials) == (
        b.references, b.since_last_review, b.since_last_watch, b.trials)  # fmt: skip
    with pytest.raises(NotFound, match="no policy 'nope'"):
        show_policy(db_url, "nope")
    from evidence.services.article import show_article
    from evidence.services.cycles import diff_cycles, list_cycles
    from evidence.services.tag import list_tags

    assert list_tags(filled, "p1") == list_tags(db_url, "p1")
    assert [r["design"] for r in list_tags(db_url, "p1")] == ["guideline", None]
    assert list_cycles(filled, "p1") == list_cycles(db_url, "p1")
    assert list_cycles(db_url, "p1")[0]["agreement"]["reviewers"] == ["r1"]
    assert diff_cycles(filled, "p1") == diff_cycles(db_url, "p1")
    assert diff_cycles(db_url, "p1")["new_candidates"] == [{"pmid": "9", "design": None, "decision": "maybe"}]
    assert show_article(filled, "1") == show_article(db_url, "1")
    assert show_article(db_url, "1")["fetched_at"] == WHEN
    with pytest.raises(NotFound, match=r"PMID 2 is not in the store \(not in PubMed\)"):
        show_article(db_url, "2")


def test_a_missing_store_reads_as_empty_and_is_not_created(tmp_path, cli):
    store = tmp_path / "evidence.sqlite"
    assert not store.exists()
    listed = cli("policy", "list")
    assert listed.exit_code == 0
    assert listed.stderr.strip() == (
        f"No policies yet in {store}; add one with 'evidence policy add FILE'."
    )
    assert json.loads(cli("status", "--json").stdout) == []
    report = cli("report", "pad")
    assert report.exit_code == 1 and f"no policy 'pad' in {store}" in report.stderr
    assert not store.exists() and not store.parent.joinpath("db").exists()


def test_reading_keeps_the_checks_of_opening(tmp_path, db_url):
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    conn.close()
    before = other.read_bytes()
    with pytest.raises(Exception, match="is not an evidence store"):
        open_reader(f"sqlite:///{other}")
    assert other.read_bytes() == before
    engine = open_store(db_url)
    with engine.begin() as con:
        con.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="newer evidence"):
        open_reader(db_url)


def test_a_store_behind_is_upgraded_on_read_as_before(tmp_path):
    """A store at an older revision is handed to open_store, which migrates it (as every
    command always has); the read then goes on."""
    from alembic import command

    from evidence.store.upgrade import alembic_config, current_revision, head_revision

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = open_store(url)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0006")
    assert current_revision(engine) == "0006"
    engine.dispose()
    from evidence.services.policy import list_policies

    assert list_policies(url) == []
    engine = open_store(url, upgrade=False)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def _modules_after(args: list[str], env: dict[str, str], exit_code: int = 0) -> set[str]:
    code = (
        "import sys\nfrom evidence.cli import main\n"
        f"sys.argv = ['evidence', *{args!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
        "sys.stderr.write('MODULES ' + ' '.join(sorted({n.split('.')[0] for n in sys.modules})) + '\\n')\n"
        "sys.exit(code)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                          timeout=300)  # fmt: skip
    assert proc.returncode == exit_code, proc.stderr
    line = next(ln for ln in proc.stderr.splitlines() if ln.startswith("MODULES "))
    return set(line.split()[1:])


def test_read_commands_start_without_the_orm(tmp_path, cli):
    """`policy list`, `policy show`, `status`, `report`, `tag list`, `review list`, `review
    diff` and `article show` start without SQLAlchemy, SQLModel, pydantic, Alembic or requests: they
    were 78% of every command's start-up (issue #16). So do their errors (no such policy or
    record: one line, exit 1)."""
    env = os.environ.copy()
    env["EVIDENCE_DB"] = str(tmp_path / "empty" / "evidence.sqlite")
    assert not set(HEAVY) & _modules_after(["policy", "list"], env)
    for args in (["tag", "list", "pad"], ["review", "list", "pad"], ["review", "diff", "pad"],
                 ["article", "show", "90000001"]):  # fmt: skip
        assert not set(HEAVY) & _modules_after(args, env, exit_code=1)
    assert cli("policy", "add", str(EXAMPLE), "--id", "pad").exit_code == 0
    assert cli("tag", "pad").exit_code == 0
    env["EVIDENCE_DB"] = str(Path(os.environ["EVIDENCE_DB"]))

    def lean(*commands: list[str]) -> None:
        for args in commands:
            loaded = set(HEAVY) & _modules_after(args, env)
            assert not loaded, f"evidence {' '.join(args)} imported {sorted(loaded)}"

    lean(["policy", "list"], ["policy", "list", "--json"], ["policy", "show", "pad"],
         ["status"], ["status", "--json"], ["report", "pad"],
         ["report", "pad", "--format", "md"], ["report", "pad", "--format", "json"],
         ["tag", "list", "pad"], ["tag", "list", "--policy", "pad", "--json"])  # fmt: skip
    engine = open_store(f"sqlite:///{env['EVIDENCE_DB']}")
    with transaction(engine) as s:  # a cycle with a candidate and its record, two reviewers
        cycle = m.ReviewCycle(policy_id="pad", number=1, query="q", since=date(2025, 1, 1),
                              until=date(2026, 1, 1), counts={"search": {"identified": 3}})  # fmt: skip
        s.add(cycle)
        s.add(m.Article(pmid="90000001", title="A synthetic trial", authors=[{"last": "Roe"}],
                        year=2025, fetched_at=WHEN))  # fmt: skip
        s.flush()
        candidate = m.Candidate(cycle_id=cycle.id, pmid="90000001", design="rct")
        s.add(candidate)
        s.flush()
        for reviewer in ("r1", "r2"):
            s.add(m.Decision(candidate_id=candidate.id, reviewer=reviewer, decision="include"))
    engine.dispose()
    lean(["review", "list", "pad"], ["review", "list", "pad", "--json"],
         ["review", "diff", "pad"], ["review", "diff", "pad", "--from", "0", "--to", "1", "--json"],
         ["article", "show", "90000001"], ["article", "show", "90000001", "--json"])
