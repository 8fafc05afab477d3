"""Stores that are not ours, damaged, or on a disk that cannot take a write: one line that
names the file, exit 1, and the file exactly as it was."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE

from evidence.config import find_store


def _evidence(*args: str, env: dict[str, str] | None = None, pre: str = "") -> subprocess.CompletedProcess:
    code = f"{pre}\nimport sys\nfrom evidence.cli import main\nsys.argv = ['evidence', *{list(args)!r}]\nmain()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env or os.environ.copy(), timeout=300)


def _one_error_line(proc: subprocess.CompletedProcess) -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "unexpected" not in proc.stderr
    return lines[0]


def test_another_applications_sqlite_file_is_refused_unchanged(tmp_path, monkeypatch):
    other = tmp_path / "notes.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    conn.close()
    before = other.read_bytes()
    monkeypatch.setenv("EVIDENCE_DB", str(other))
    proc = _evidence("policy", "add", str(EXAMPLE), "--id", "x")
    assert proc.returncode == 1
    assert "is not an evidence store" in _one_error_line(proc)
    assert other.read_bytes() == before


def test_a_damaged_store_is_refused_before_any_write(tmp_path, monkeypatch):
    store = tmp_path / "evidence.sqlite"
    monkeypatch.setenv("EVIDENCE_DB", str(store))
    assert _evidence("policy", "add", str(EXAMPLE), "--id", "a").returncode == 0
    with sqlite3.connect(store) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(store.read_bytes())
    page = 4096
    for offset in range(2 * page, min(len(data), 6 * page), 7):  # scribble over b-tree pages
        data[offset] = 0xFF
    store.write_bytes(bytes(data))
    damaged = store.read_bytes()
    proc = _evidence("policy", "add", str(EXAMPLE), "--id", "b")
    assert proc.returncode == 1
    line = _one_error_line(proc)
    assert "damaged" in line and str(store) in line and ".recover" in line
    assert store.read_bytes() == damaged
    report = _evidence("report", "a")  # reads skip the check: what they touch is either read or refused in one line
    assert report.returncode in (0, 1)
    if report.returncode == 1:
        _one_error_line(report)


def test_db_check_and_backup(tmp_path, monkeypatch, cli):
    store = tmp_path / "evidence.sqlite"
    monkeypatch.setenv("EVIDENCE_DB", str(store))
    assert cli("policy", "add", str(EXAMPLE), "--id", "pad").exit_code == 0
    result = cli("db", "check", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["ok"] is True
    copy = tmp_path / "copy.sqlite"
    assert cli("db", "backup", str(copy)).exit_code == 0
    with sqlite3.connect(copy) as conn:
        assert conn.execute("SELECT id FROM policy").fetchall() == [("pad",)]
    conn.close()
    again = cli("db", "backup", str(copy))
    assert again.exit_code == 1 and "exists" in again.stderr
    assert cli("db", "backup", str(copy), "--force").exit_code == 0


def test_a_write_that_the_disk_refuses_is_one_line_and_leaves_the_store_whole(tmp_path, monkeypatch):
    store = tmp_path / "evidence.sqlite"
    monkeypatch.setenv("EVIDENCE_DB", str(store))
    assert _evidence("db", "upgrade").returncode == 0  # a fresh, migrated, empty store (a read makes none)
    size = store.stat().st_size
    limit = (
        "import resource, signal\nsignal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({size + 8192}, {size + 8192}))"
    )
    big = tmp_path / "big.txt"
    text = EXAMPLE.read_text("utf-8")
    big.write_text(text + "\n" + "Padding paragraph. " * 40000, "utf-8")
    proc = _evidence("policy", "add", str(big), "--id", "big", pre=limit)
    assert proc.returncode == 1, proc.stderr
    assert "cannot use the store at" in _one_error_line(proc)
    listed = _evidence("policy", "list", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


def test_the_default_store_is_the_nearest_db_folder_upwards(tmp_path):
    project = tmp_path / "project"
    (project / "db").mkdir(parents=True)
    (project / "db" / "evidence.sqlite").write_bytes(b"")
    deep = project / "policies" / "2026"
    deep.mkdir(parents=True)
    assert find_store(deep) == project / "db" / "evidence.sqlite"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert find_store(elsewhere) == elsewhere.resolve() / "db" / "evidence.sqlite"


def test_an_empty_store_says_which_file_it_looked_at(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("EVIDENCE_DB", str(tmp_path / "here.sqlite"))
    result = cli("policy", "list")
    assert str(tmp_path / "here.sqlite") in result.stderr
    missing = cli("report", "nope")
    assert missing.exit_code == 1 and str(tmp_path / "here.sqlite") in missing.stderr


def test_a_sub_folder_finds_the_projects_store(tmp_path, monkeypatch):
    monkeypatch.delenv("EVIDENCE_DB")
    monkeypatch.delenv("EVIDENCE_CACHE")
    project = tmp_path / "project"
    monkeypatch.chdir(tmp_path)
    project.mkdir()
    monkeypatch.chdir(project)
    assert _evidence("policy", "add", str(EXAMPLE), "--id", "pad").returncode == 0
    assert Path("db/evidence.sqlite").is_file()
    sub = project / "drafts"
    sub.mkdir()
    monkeypatch.chdir(sub)
    listed = _evidence("policy", "list", "--json")
    assert [p["id"] for p in json.loads(listed.stdout)] == ["pad"]
    assert not (sub / "db").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write a read-only file")
def test_a_read_only_store_file_is_one_line(tmp_path, monkeypatch):
    store = tmp_path / "evidence.sqlite"
    monkeypatch.setenv("EVIDENCE_DB", str(store))
    assert _evidence("policy", "list").returncode == 0
    store.chmod(0o444)
    proc = _evidence("policy", "add", str(EXAMPLE), "--id", "x")
    assert proc.returncode == 1
    assert "read-only" in _one_error_line(proc)
