"""`evidence export`: formats, output to file or stdout, determinism, errors and exit codes."""

from __future__ import annotations

import json

import pytest
from _export_data import POLICY, build_store

FORMATS = ["ris", "bibtex", "csljson", "nbib", "csv", "ama"]


@pytest.fixture
def store(engine):  # type: ignore[no-untyped-def]
    build_store(engine)
    return engine


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_runs_write_the_same_bytes(cli, store, tmp_path, fmt):
    paths = [tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"]
    for path in paths:
        result = cli("export", POLICY, "--format", fmt, "-o", str(path), "--include-candidates")
        assert result.exit_code == 0, result.stderr
        assert "Wrote 7 entries" in result.stderr
    assert paths[0].read_bytes() == paths[1].read_bytes()
    data = paths[0].read_bytes()
    assert "Procházka".encode() in data  # UTF-8, accents kept
    assert b"\r\n" not in data


@pytest.mark.parametrize(("suffix", "marker"), [
    (".ris", "TY  - JOUR"), (".bib", "@article{"), (".json", '"article-journal"'),
    (".nbib", "PMID- 90000001"), (".csv", "number,pmid,doi"), (".txt", "1. Procházka V"),
])
def test_format_follows_the_output_suffix(cli, store, tmp_path, suffix, marker):
    out = tmp_path / f"refs{suffix}"
    assert cli("export", POLICY, "-o", str(out)).exit_code == 0
    assert marker in out.read_text("utf-8")


def test_stdout_is_only_the_export(cli, store):
    result = cli("export", POLICY, "--format", "csljson")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 5  # candidates only on request
    assert result.stderr == ""


def test_candidates_carry_their_decision(cli, store):
    result = cli("export", POLICY, "--format", "csljson", "--include-candidates", "-o", "-")
    items = json.loads(result.stdout)
    assert [i["PMID"] for i in items[5:]] == ["90000010", "90000011"]
    assert "decision:include" in items[5]["keyword"]
    assert "decision:exclude" in items[6]["keyword"]


def test_unknown_policy_is_a_one_line_error(cli, store):
    result = cli("export", "no-such-policy", "--format", "ris")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no policy 'no-such-policy'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_format_is_a_one_line_error(cli, store):
    result = cli("export", POLICY, "--format", "docx")
    assert result.exit_code == 1
    assert "unknown export format 'docx'" in result.stderr


def test_missing_folder_is_a_one_line_error_and_writes_nothing(cli, store, tmp_path):
    result = cli("export", POLICY, "-o", str(tmp_path / "nope" / "refs.ris"))
    assert result.exit_code == 1
    assert "no such folder" in result.stderr
    assert not (tmp_path / "nope").exists()


def test_empty_policy_exports_an_empty_file(cli, engine, tmp_path):
    from _export_data import NOW

    from evidence.store import models as m
    from evidence.store import transaction

    with transaction(engine) as s:
        s.add(m.Policy(id="empty", title="Empty", sha256="0" * 64, ingested_at=NOW))
    out = tmp_path / "refs.json"
    assert cli("export", "empty", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text()) == []


def test_written_file_is_readable_like_any_other(cli, store, tmp_path):
    import os

    out = tmp_path / "refs.ris"
    assert cli("export", POLICY, "-o", str(out)).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".refs")] == []


def test_include_candidates_without_a_review_cycle_adds_nothing(cli, engine):
    from _export_data import NOW

    from evidence.store import models as m
    from evidence.store import transaction

    build_store(engine)
    with transaction(engine) as s:
        s.add(m.Policy(id="other", title="Other", sha256="1" * 64, ingested_at=NOW))
    result = cli("export", "other", "--format", "csv", "--include-candidates")
    assert result.stdout == ("\ufeffnumber,pmid,doi,pmcid,authors,title,journal,year,volume,issue,"
                             "pages,design,evidence_level,role,flags,decision,reason,resolved,url,abstract\n")
