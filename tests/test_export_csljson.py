"""CSL-JSON: valid against the official CSL data schema, readable and renderable by citeproc-py."""

from __future__ import annotations

import json

import jsonschema
from _export_data import expected, exported, first_last, same_name

from evidence.export.csljson import schema


def test_valid_against_the_csl_data_schema(engine):
    items = json.loads(exported(engine, "csljson"))
    jsonschema.Draft7Validator.check_schema(schema())
    jsonschema.validate(items, schema())


def test_every_field_matches_the_store(engine):
    items = json.loads(exported(engine, "csljson"))
    want = expected(include_candidates=True)
    assert len(items) == len(want)
    for item, exp in zip(items, want, strict=True):
        assert item["type"] == "article-journal"
        authors = [(a["literal"],) if "literal" in a else (a["family"], a["given"])
                   for a in item["author"]]
        assert len(authors) == len(exp["authors"])
        assert all(same_name(g, w, exp["resolved"]) for g, w in zip(authors, exp["authors"],
                                                                      strict=True))
        assert item["title"] == exp["title"]
        assert item["container-title"] == exp["journal"]
        assert item["container-title-short"] == exp.get("journal_iso", exp["journal"])
        parts = [exp["year"]] + ([exp["month"]] if exp["month"] else []) + (
            [exp["day"]] if exp["day"] else [])
        assert item["issued"] == {"date-parts": [parts]}
        assert item.get("volume") == exp["volume"]
        assert item.get("issue") == exp["issue"]
        first, last = first_last(exp["pages"])
        got_first, _, got_last = item["page"].partition("-")
        assert got_first == first and (got_last.endswith(last) if last else not got_last)
        assert item.get("DOI") == exp["doi"]
        assert item.get("PMID") == exp["pmid"]
        assert item.get("PMCID") == exp["pmcid"]
        assert item["keyword"].split(", ") == exp["keywords"]


def test_citeproc_py_reads_and_renders_it(engine):
    from citeproc import (
        Citation,
        CitationItem,
        CitationStylesBibliography,
        CitationStylesStyle,
        formatter,
    )
    from citeproc.source.json import CiteProcJSON

    items = json.loads(exported(engine, "csljson"))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    rendered = [str(x) for x in bib.bibliography()]
    assert len(rendered) == len(items)
    for exp in expected(include_candidates=True):  # this style sorts by author, then year
        line = next(x for x in rendered if exp["title"] in x)
        assert exp["authors"][0][0] in line and str(exp["year"]) in line
        assert exp["journal"] in line


def test_written_item_by_item_as_json_dumps_spells_the_whole_list(engine):
    """The writer streams items; the bytes are those of dumping the list at once."""
    import io

    from _export_data import POLICY, build_store

    from evidence.export.csljson import to_items, write
    from evidence.services.export import gather_entries

    build_store(engine)
    entries = gather_entries(engine, POLICY, include_candidates=True)
    for some in (entries, entries[:1], []):
        out = io.StringIO(newline="")
        write(some, out)
        assert out.getvalue() == json.dumps(to_items(some), ensure_ascii=False, indent=2) + "\n"
