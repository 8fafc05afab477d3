"""The watch's cheap path: an unchanged record costs one `articlecheck` row, never a rewrite of
its wide `article` row, and the shortcut never hides a change (against the fake server)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, select, update
from test_watch import ERRATUM, LIBRARY, RETRACTED, library  # noqa: F401 - the fixture

from evidence.entrez.digest import record_digest
from evidence.entrez.parse import ParseError, parse_efetch, parse_efetch_changed
from evidence.store import models as m
from evidence.store import transaction

QUIET = "90000001"  # cited by policy-a, never changed
ALL = sorted(p for pmids in LIBRARY.values() for p in pmids)


def _articles(engine) -> dict[str, m.Article]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return {a.pmid: a for a in session.exec(select(m.Article))}


def _checks(engine) -> dict[str, m.ArticleCheck]:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return {c.pmid: c for c in session.exec(select(m.ArticleCheck))}


def test_an_unchanged_record_is_checked_not_rewritten(library, cli):  # noqa: F811
    before = _articles(library)
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 4
    after, checks = _articles(library), _checks(library)
    assert sorted(checks) == ALL  # every record compared and vouched for
    assert after[QUIET].fetched_at == before[QUIET].fetched_at  # not rewritten
    assert after[RETRACTED].fetched_at > before[RETRACTED].fetched_at  # the changed one is
    assert checks[RETRACTED].digest == record_digest(after[RETRACTED].raw_xml)

    second = cli("watch", "--max-age", "0", "--json")
    assert second.exit_code == 0 and json.loads(second.stdout)["checked"] == len(ALL)
    again = _checks(library)
    assert again[QUIET].checked_at > checks[QUIET].checked_at
    assert _articles(library)[RETRACTED].fetched_at == after[RETRACTED].fetched_at


def test_a_change_after_a_quiet_watch_is_seen(library, cli, fake_eutils):  # noqa: F811
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 4
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 0
    fake_eutils.add_erratum(QUIET, 90000102)
    third = cli("watch", "--max-age", "0", "--json")
    assert third.exit_code == 4, third.output
    assert [(e["pmid"], e["kind"]) for e in json.loads(third.stdout)["events"]] == [
        (QUIET, "erratum")]
    assert any(c["ref_type"] == "ErratumIn" for c in _articles(library)[QUIET].comments_corrections)


def test_a_check_counts_as_fresh_for_max_age(library, cli, fake_eutils):  # noqa: F811
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 4
    with transaction(library) as session:  # the stored copies are two months old ...
        session.execute(update(m.Article).values(fetched_at=m.utcnow() - timedelta(days=60)))
    fake_eutils.reset_log()
    result = cli("watch", "--json")  # ... but were checked today
    assert json.loads(result.stdout)["to_check"] == 0 and fake_eutils.count("efetch.fcgi") == 0


def test_a_copy_stored_after_the_check_is_compared_again(library, cli):  # noqa: F811
    """A digest vouches for the copy it was taken from: when resolve later stores another
    copy, the next watch reads the record in full and stores PubMed's again."""
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 4
    with transaction(library) as session:
        session.execute(update(m.Article).where(m.Article.pmid == ERRATUM)
                        .values(comments_corrections=[], raw_xml="<PubmedArticle/>",
                                fetched_at=m.utcnow()))  # fmt: skip
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 0  # the event is not new
    stored = _articles(library)[ERRATUM]
    assert any(c["ref_type"] == "ErratumIn" for c in stored.comments_corrections)
    assert _checks(library)[ERRATUM].digest == record_digest(stored.raw_xml)


# ---------------------------------------------------------------- the parser's part


def _body(fake_eutils, pmids: list[str]) -> bytes:  # type: ignore[no-untyped-def]
    return fake_eutils.efetch({"id": ",".join(pmids), "db": "pubmed", "retmode": "xml"})


def test_known_records_are_digested_not_read(fake_eutils):
    for p in ("90000001", "90000002"):
        fake_eutils.add_article(p, title=f"Synthetic study {p}.")
    body = _body(fake_eutils, ["90000001", "90000002"])
    full = {a.pmid: a for a in parse_efetch(body)}
    digests, read = parse_efetch_changed(body, {})
    assert digests == {p: record_digest(a.raw_xml) for p, a in full.items()}
    assert read == list(full.values())
    digests, read = parse_efetch_changed(body, {"90000001": digests["90000001"]})
    assert [a.pmid for a in read] == ["90000002"] and read[0] == full["90000002"]


@pytest.mark.parametrize("cut", [0.5, 0.99])
def test_a_truncated_body_is_refused_whatever_is_known(fake_eutils, cut):
    fake_eutils.add_article("90000001", title="Synthetic study.")
    body = _body(fake_eutils, ["90000001"])
    digests, _ = parse_efetch_changed(body, {})
    with pytest.raises(ParseError):
        parse_efetch_changed(body[: int(len(body) * cut)], digests)


def test_the_report_dates_pubmed_by_the_last_check(library, cli):  # noqa: F811
    """A watch that found policy-d's records unchanged rewrote none of them: the report's
    "PubMed last asked" is still the watch's time."""
    with transaction(library) as session:  # the stored copies are two months old
        session.execute(update(m.Article).values(fetched_at=m.utcnow() - timedelta(days=60)))
    assert cli("watch", "--max-age", "0", "--quiet").exit_code == 4
    checked = max(c.checked_at for p, c in _checks(library).items() if p in LIBRARY["policy-d"])
    report = json.loads(cli("report", "policy-d", "--format", "json").stdout)
    assert report["pubmed_last_asked"] == checked.replace(microsecond=0).isoformat()
