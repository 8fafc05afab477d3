"""gather_entries: what the store says about each reference reaches the exporters."""

from __future__ import annotations

import pytest
from _export_data import A4, NOW, POLICY, build_store

from evidence.errors import NotFound
from evidence.services.export import gather_entries
from evidence.store import models as m
from evidence.store import transaction


def test_resolved_unresolved_and_candidates(engine):
    build_store(engine)
    entries = gather_entries(engine, POLICY, include_candidates=True)
    assert [(e.number, e.resolved, e.source) for e in entries] == [
        (1, True, "reference"), (2, True, "reference"), (3, False, "reference"),
        (4, True, "reference"), (5, False, "reference"), (6, True, "candidate"),
        (7, True, "candidate")]
    assert entries[0].flags == ("erratum", "year")
    assert entries[2].et_al and entries[2].citation.startswith("Dubský M")
    assert (entries[6].decision, entries[6].reason) == ("exclude", "wrong population; animal study")


def test_a_matched_pmid_exports_the_record_and_says_so(engine):
    with transaction(engine) as s:
        s.add(m.Policy(id="p", title="P", sha256="0" * 64, ingested_at=NOW))
        s.add(m.Article(**{**A4, "comments_corrections": [{"ref_type": "RetractionIn"}]},
                        fetched_at=NOW))
        s.add(m.Reference(policy_id="p", revision=1, number=1, raw="Procházka V. Cell therapy.",
                          authors=["Procházka V"], matched_pmid=A4["pmid"],
                          match_status="matched, unconfirmed"))
    (entry,) = gather_entries(engine, "p")
    assert entry.resolved and entry.pmid == A4["pmid"] and entry.issue == "12"
    assert entry.flags == ("retracted",)
    assert any("matched, unconfirmed" in n for n in entry.notes())


def test_unknown_policy(engine):
    with pytest.raises(NotFound):
        gather_entries(engine, "nope")


def test_reading_in_small_chunks_gives_the_same_entries(engine, monkeypatch):
    """References are read a chunk at a time; where the chunks split changes nothing."""
    import evidence.services.export as service
    import evidence.store.read as read

    build_store(engine)
    whole = gather_entries(engine, POLICY, include_candidates=True)
    monkeypatch.setattr(service, "CHUNK", 1)
    monkeypatch.setattr(read, "CHUNK", 1)
    assert gather_entries(engine, POLICY, include_candidates=True) == whole
