"""Finding references without a printed PMID (issue #11, item 4), against the fake server.

References are built as rows with the fields a correct parser gives, so these tests hold
whatever the citation parser does."""

from __future__ import annotations

import json

import pytest
from resolve_helpers import make_policy
from sqlmodel import Session, select

from evidence.config import load_settings
from evidence.entrez.client import EntrezClient
from evidence.records import Citation
from evidence.services.match import citmatch_fields
from evidence.services.resolve import accept_matches, resolve
from evidence.store import models as m
from evidence.store import open_store

pytestmark = pytest.mark.usefixtures("db_url")

TITLE = "Autologous bone marrow cells for critical limb ischaemia: a randomised trial"
RECORD = dict(
    title=TITLE + ".",
    journal="Journal of vascular surgery",
    journal_iso="J Vasc Surg",
    year=2018,
    volume="67",
    issue="2",
    pages="405-412",
    authors=["Procházka V", "Gumulec J"],
)
CITED = dict(
    title=TITLE,
    journal="J Vasc Surg",
    year=2018,
    volume="67",
    issue="2",
    pages="405\u201312",  # en dash, as printed
    authors=["Prochazka V", "Gumulec J"],
)


def client():  # type: ignore[no-untyped-def]
    return EntrezClient(load_settings(), sleep=lambda s: None, timeout=(2.0, 2.0))


def refs(engine) -> dict[int, m.Reference]:  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        return {r.number: r for r in s.exec(select(m.Reference))}


def run(engine):  # type: ignore[no-untyped-def]
    with client() as c:
        return resolve(engine, c, "synthetic-policy")


def test_first_page_is_split_on_any_dash():
    for pages in ("405\u201312", "405\u2014412", "405-12", "405\u221212"):
        fields = citmatch_fields(Citation(1, "r", journal="J Vasc Surg", year=2018, pages=pages))
        assert fields is not None and fields["first_page"] == "405"


def test_an_ecitmatch_hit_is_checked_then_matched_unconfirmed(engine, fake_eutils):
    fake_eutils.add_article("90000101", **RECORD)
    make_policy(engine, [], extra=[CITED])
    summary = run(engine)
    ref = refs(engine)[1]
    assert (ref.matched_pmid, ref.match_status) == ("90000101", "matched, unconfirmed")
    assert ref.match_method == "ecitmatch: J Vasc Surg|2018|67|405|Prochazka V"
    assert summary.matched == 1 and summary.resolved == 1
    assert fake_eutils.count("esearch.fcgi") == 0


def test_when_ecitmatch_misses_esearch_on_title_author_year_finds_it(engine, fake_eutils):
    fake_eutils.add_article("90000101", **RECORD)
    fake_eutils.add_article("90000102", **(RECORD | {"title": "Something else entirely."}))
    typo = CITED | {"volume": "76", "pages": "504-12", "issue": None}  # wrong volume and page
    make_policy(engine, [], extra=[typo])
    run(engine)
    ref = refs(engine)[1]
    assert (ref.matched_pmid, ref.match_status) == ("90000101", "matched, unconfirmed")
    assert ref.match_method.startswith("esearch: ")
    term = next(r["params"]["term"] for r in fake_eutils.requests if r["endpoint"] == "esearch.fcgi")
    assert "autologous[ti]" in term and "prochazka[au]" in term and "2017:2019[dp]" in term


def test_year_off_by_one_and_the_full_journal_name_still_match(engine, fake_eutils):
    fake_eutils.add_article("90000101", **RECORD)
    cited = CITED | {"year": 2017, "journal": "Journal of Vascular Surgery", "pages": "999"}
    make_policy(engine, [], extra=[cited])
    run(engine)
    assert refs(engine)[1].matched_pmid == "90000101"


@pytest.mark.parametrize(
    "change",
    [
        {"authors": ["Other X"]},  # same title, another first author
        {"year": 2012},  # six years apart
        {"journal_iso": "Lancet", "journal": "Lancet (London, England)"},
        {"title": "Autologous bone marrow cells for diabetic foot ulcers: a cohort study."},
    ],
)
def test_a_weak_match_is_never_accepted(engine, fake_eutils, change):
    fake_eutils.add_article("90000101", **(RECORD | change))
    make_policy(engine, [], extra=[CITED | {"pages": "1-2"}])
    run(engine)
    ref = refs(engine)[1]
    assert ref.matched_pmid is None and ref.match_status == "not found"


def test_two_close_candidates_are_both_kept_and_the_user_chooses(engine, fake_eutils, cli):
    fake_eutils.add_article("90000101", **RECORD)
    fake_eutils.add_article("90000102", **RECORD)  # a duplicate record of the same article
    make_policy(engine, [], extra=[CITED])
    summary = run(engine)
    ref = refs(engine)[1]
    assert ref.match_status == "ambiguous" and ref.matched_pmid is None
    assert sorted(c["pmid"] for c in ref.match_candidates) == ["90000101", "90000102"]
    assert set(ref.match_candidates[0]) == {"pmid", "score", "title", "year", "journal", "first_author"}
    assert summary.ambiguous == 1
    shown = cli("policy", "show", "synthetic-policy")
    assert "two close records" in shown.stdout and "PMID 90000102" in shown.stdout
    refused = cli("resolve", "synthetic-policy", "--accept", "--ref", "1")
    assert refused.exit_code == 1 and "--pmid" in refused.stderr
    wrong = cli("resolve", "synthetic-policy", "--accept", "--ref", "1", "--pmid", "90000999")
    assert wrong.exit_code == 1 and "not a candidate" in wrong.stderr
    chosen = cli("resolve", "synthetic-policy", "--accept", "--ref", "1", "--pmid", "90000102")
    assert chosen.exit_code == 0, chosen.stderr
    ref = refs(engine)[1]
    assert (ref.matched_pmid, ref.match_status) == ("90000102", "confirmed")


@pytest.mark.parametrize("kind", ["book", "report", "web"])
def test_a_work_that_is_not_an_article_is_never_given_a_pmid(engine, fake_eutils, kind):
    fake_eutils.add_article("90000101", **RECORD)
    make_policy(engine, [], extra=[CITED | {"kind": kind}])
    summary = run(engine)
    ref = refs(engine)[1]
    assert ref.matched_pmid is None and ref.match_status == "not an article"
    assert summary.not_articles == 1 and fake_eutils.requests == []


def test_accept_confirms_every_unconfirmed_match_of_the_policy(engine, fake_eutils, cli):
    fake_eutils.add_article("90000101", **RECORD)
    other = RECORD | {"title": "Stem cells in peripheral arterial disease: five year results.",
                      "volume": "70", "pages": "1-9"}
    fake_eutils.add_article("90000103", **other)
    make_policy(engine, [], extra=[CITED, CITED | {"title": other["title"], "volume": "70", "pages": "1-9"}])
    run(engine)
    result = cli("resolve", "synthetic-policy", "--accept", "--json")
    assert result.exit_code == 0, result.stderr
    assert sorted(a["pmid"] for a in json.loads(result.stdout)) == ["90000101", "90000103"]
    assert {r.match_status for r in refs(engine).values()} == {"confirmed"}
    again = run(engine)  # a confirmed match is not looked up again
    assert again.matched == 0 and fake_eutils.count("ecitmatch.cgi") == 1


def test_a_printed_pmid_that_disagrees_gets_the_matching_pmid_suggested(engine, fake_eutils, cli):
    fake_eutils.add_article("90000308", **RECORD)  # the cited work
    fake_eutils.add_article(  # what the mistyped PMID names
        "90000380", title="Dietary salt and blood pressure in adolescents.", journal="Pediatrics",
        journal_iso="Pediatrics", year=2009, authors=["Other Q"],
    )
    make_policy(engine, [], extra=[CITED | {"pmid": "90000380"}])
    summary = run(engine)
    ref = refs(engine)[1]
    assert ref.pmid == "90000380", "the printed PMID is never replaced silently"
    assert ref.match_status == "suggested" and ref.match_candidates[0]["pmid"] == "90000308"
    assert summary.suggested == {"1": "90000308"}
    with Session(engine) as s:
        flag = s.exec(select(m.CitationFlag).where(m.CitationFlag.kind == "pmid-likely-wrong")).one()
    assert "the citation matches PMID 90000308" in flag.detail
    accepted = accept_matches(engine, "synthetic-policy", 1)
    assert [(a.pmid, a.was) for a in accepted] == [("90000308", "90000380")]
    ref = refs(engine)[1]
    assert ref.pmid == "90000308" and "printed PMID 90000380" in ref.match_method
    with Session(engine) as s:
        assert s.exec(select(m.CitationFlag).where(m.CitationFlag.reference_id == ref.id)).all() == []


def test_accept_without_a_policy_or_with_pmid_alone_is_one_line(cli, fake_eutils):
    make_policy(open_store(load_settings().db_url), [])
    no_policy = cli("resolve", "--accept")
    assert no_policy.exit_code == 1 and "needs the policy" in no_policy.stderr
    pmid_alone = cli("resolve", "synthetic-policy", "--accept", "--pmid", "90000101")
    assert pmid_alone.exit_code == 1 and "reference number" in pmid_alone.stderr
    no_accept = cli("resolve", "synthetic-policy", "--ref", "1")
    assert no_accept.exit_code == 1 and "go with --accept" in no_accept.stderr


def test_an_ecitmatch_hit_whose_record_is_another_work_is_not_taken(engine, fake_eutils):
    # journal, year, volume, page and author all fit, but the record is about something else
    fake_eutils.add_article("90000101", **(RECORD | {"title": "Dietary salt in adolescents."}))
    make_policy(engine, [], extra=[CITED])
    run(engine)
    ref = refs(engine)[1]
    assert ref.matched_pmid is None and ref.match_status == "not found"


def test_ecitmatch_ambiguous_candidates_are_checked_one_by_one(engine, fake_eutils):
    fake_eutils.add_article("90000101", **RECORD)
    fake_eutils.add_article("90000102", **(RECORD | {"title": "Dietary salt in adolescents."}))
    make_policy(engine, [], extra=[CITED])  # ECitMatch: AMBIGUOUS 90000102,90000101
    run(engine)
    ref = refs(engine)[1]
    assert (ref.matched_pmid, ref.match_status) == ("90000101", "matched, unconfirmed")
    assert ref.match_method.startswith("ecitmatch: ")
