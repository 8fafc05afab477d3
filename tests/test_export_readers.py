"""What reference managers read from our exports: the PMID where each client looks, DOIs never
as pages, flags in words, superseded guidelines, EndNote XML."""

from __future__ import annotations

from _export_data import POLICY, build_store
from lxml import etree

from evidence.services.export import export_policy
from evidence.store import models as m
from evidence.store import transaction


def _store(engine):  # type: ignore[no-untyped-def]
    build_store(engine)
    return engine


def test_ris_puts_the_pmid_in_an_and_in_zotero_extra(engine):
    text = export_policy(_store(engine), POLICY, "ris")[0]
    first = text.split("ER  -")[0]
    assert "AN  - 90000001" in first
    assert "M2  - PMID: 90000001" in first  # Zotero's RIS translator: M2 -> Extra


def test_a_doi_standing_in_for_pages_is_never_written_as_pages(engine):
    _store(engine)
    with transaction(engine) as s:
        article = s.get(m.Article, "90000001")
        article.pages = "10.9999/abc.123"
        s.add(article)
    for fmt, bad in [("ris", "SP  - 10.9999"), ("bibtex", "pages = {10.9999"), ("ama", ":10.9999"),
                     ("csv", ",10.9999/abc.123,"), ("nbib", "PG  - 10.9999")]:
        assert bad not in export_policy(engine, POLICY, fmt)[0], fmt


def test_flags_are_written_in_words(engine):
    text = export_policy(_store(engine), POLICY, "ris")[0]
    assert "KW  - flag:citation mismatch: year" in text
    assert "flag:year" not in text


def test_an_older_guideline_edition_is_flagged_superseded_in_the_export(engine):
    _store(engine)
    with transaction(engine) as s:
        for number, year in ((2, 2011), (4, 2019)):
            ref = s.exec(
                __import__("sqlmodel").select(m.Reference).where(m.Reference.number == number)
            ).one()
            pmid = ref.pmid
            article = s.get(m.Article, pmid) if pmid else None
            title = "ESC guideline on the management of peripheral arterial diseases"
            if article is not None:
                article.title, article.year = title, year
                s.add(article)
            ref.title, ref.year = title, year
            s.add(ref)
            tag = s.get(m.DesignTag, f"pmid:{pmid}") if pmid else None
            if tag is not None:
                tag.design = "guideline"
                s.add(tag)
    text = export_policy(engine, POLICY, "ris")[0]
    records = text.split("ER  -")
    older = next(r for r in records if "PY  - 2011" in r)
    newer = next(r for r in records if "PY  - 2019" in r)
    assert "flag:superseded guideline" in older
    assert "superseded" not in newer


def test_endnote_xml_parses_and_carries_the_fields(engine, cli, tmp_path):
    _store(engine)
    out = tmp_path / "refs.xml"
    result = cli("export", POLICY, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    root = etree.parse(str(out)).getroot()
    records = root.findall("records/record")
    assert len(records) == 5
    first = records[0]
    assert first.findtext("ref-type") == "17"
    assert first.findtext("accession-num") == "90000001"
    assert first.find("contributors/authors/author") is not None
    assert any(k.text.startswith("design:") for k in first.findall("keywords/keyword"))
