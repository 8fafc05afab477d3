"""The BibTeX and CSL-JSON exports rendered by pandoc's citeproc, as a writer would use them."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from _export_data import expected, exported

pytestmark = pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")


def _render(tmp_path, engine, fmt: str, suffix: str) -> list[str]:  # type: ignore[no-untyped-def]
    bib = tmp_path / f"refs.{suffix}"
    bib.write_text(exported(engine, fmt), encoding="utf-8")
    doc = tmp_path / "doc.md"
    doc.write_text("---\nnocite: '@*'\n---\n\n# References\n", encoding="utf-8")
    result = subprocess.run(
        ["pandoc", "--citeproc", "--bibliography", str(bib), "-t", "plain", "--wrap=none",
         str(doc)], capture_output=True, text=True, encoding="utf-8", timeout=60, check=True)
    assert result.stderr == ""  # no "could not parse" or unknown-entry warnings
    return [p for p in result.stdout.split("\n\n")[1:] if p.strip()]


@pytest.mark.parametrize(("fmt", "suffix"), [("bibtex", "bib"), ("csljson", "json")])
def test_pandoc_citeproc_renders_every_entry(tmp_path, engine, fmt, suffix):
    entries = _render(tmp_path, engine, fmt, suffix)
    want = expected(include_candidates=True)
    assert len(entries) == len(want)
    for exp in want:
        title = exp["title"].casefold().rstrip(".")
        line = next(e for e in entries if title in e.casefold())  # styles may title-case
        people = exp["authors"]
        assert line.startswith(people[0][0])
        for author in people:
            assert author[0] in line  # every name, accents intact (< 7 authors: none cut)
        assert str(exp["year"]) in line
        assert exp["journal"].casefold() in line.casefold()
        if exp["doi"]:
            assert exp["doi"] in line


def test_braces_keep_acronyms_in_bibtex_title_casing(tmp_path, engine):
    entries = _render(tmp_path, engine, "bibtex", "bib")
    assert any("JUVENTAS-like RCT" in e for e in entries)  # protected word kept as written
