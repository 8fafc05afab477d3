"""The hostile-input corpus (tests/hostile/) through the real CLI.

Every case ends in a one-line refusal (exit 1; exit 3 where resolving is left partial) or a
correct result, never a traceback; a refused input leaves the store exactly as it was (every
table dumped before and after) and SQLite's integrity check passes after every case. The
huge inputs run in a subprocess whose peak RSS must stay under 500 MB.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile.cases import CASES, SQL, Case, small_policy
from measured import MEASURED, PEAK
from resolve_helpers import make_policy

from evidence.config import load_settings
from evidence.store import open_store

PEAK_RSS_LIMIT_MB = 500
HUGE_SECONDS = 120
MARKUP = re.compile(r"<\s*(script|iframe|img|a)\b|javascript:|onerror\s*=|onload\s*=|onclick", re.I)


def db_path() -> Path:
    return Path(load_settings().db_url.removeprefix("sqlite:///"))


def dump() -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of every table, sorted: the store's whole content."""
    with sqlite3.connect(db_path()) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))) for t in tables}


def integrity_ok() -> bool:
    with sqlite3.connect(db_path()) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def stored_text() -> str:
    """All text in the store, one string (to look for markup or control characters)."""
    return "\n".join("\n".join(rows) for rows in dump().values())


def outcome(case: Case, code: int, stderr: str) -> None:
    """One row of the corpus table (shown with `pytest -s tests/test_hostile.py`)."""
    lines = [ln for ln in stderr.strip().splitlines() if ln.strip()]
    last = next((ln for ln in lines if ln.startswith("Error:")), lines[-1] if lines else "")
    print(f"\nOUTCOME | {case.name} | exit {code} | {last[:110]}")


def one_line_error(stderr: str, pattern: str) -> None:
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("Warning:")]
    assert "Traceback" not in stderr
    assert len(lines) == 1 and lines[0].startswith("Error: "), stderr[-2000:]
    assert re.search(pattern, lines[0], re.I), lines[0]


@pytest.fixture
def seeded(cli, tmp_path):  # type: ignore[no-untyped-def]
    """A store holding a small policy, so 'intact afterwards' means something."""
    seed = tmp_path / "seed.txt"
    seed.write_text(small_policy("Seed"), "utf-8")
    assert cli("policy", "add", str(seed), "--id", "seed").exit_code == 0
    return dump()


def _input(case: Case, tmp_path: Path) -> Path:
    path = tmp_path / case.filename
    if case.make is None:  # the 60 MB file: sparse, so it costs no disk
        with path.open("wb") as f:
            f.truncate(60 * 2**20)
    else:
        path.write_bytes(case.make())
    return path


def _run_huge(argv: list[str]) -> tuple[int, str, float, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", MEASURED, *argv],
        capture_output=True,
        text=True,
        timeout=HUGE_SECONDS,
    )
    seconds = time.perf_counter() - start
    peak = PEAK.search(proc.stderr)
    assert peak, proc.stderr[-2000:]
    stderr = proc.stderr[: peak.start()]
    return proc.returncode, stderr, int(peak.group(1)) / 1024, seconds


def _cases(kind: str) -> list:  # type: ignore[type-arg]
    """The corpus rows of one kind; huge inputs and NCBI retry loops (~10 s each) are slow."""
    slow = pytest.mark.slow
    return [
        pytest.param(c, id=c.name, marks=slow) if c.huge or c.expect == "partial" else c
        for c in CASES
        if c.kind == kind
    ]


FILE_CASES = _cases("file")
CLI_CASES = _cases("cli")
EFETCH_CASES = _cases("efetch")
ESEARCH_CASES = _cases("esearch")


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.name)
def test_policy_file(case: Case, cli, seeded, tmp_path):  # type: ignore[no-untyped-def]
    path = _input(case, tmp_path)
    argv = ["policy", "add", str(path), *case.argv]
    if case.huge:
        code, stderr, peak_mb, seconds = _run_huge(argv)
        print(f"\n{case.name}: exit {code}, {seconds:.1f} s, peak RSS {peak_mb:.0f} MB")
        assert peak_mb < PEAK_RSS_LIMIT_MB
    else:
        result = cli(*argv)
        code, stderr = result.exit_code, result.stderr
    outcome(case, code, stderr)
    assert integrity_ok()
    if case.expect == "refused":
        assert code == 1, stderr[-2000:]
        one_line_error(stderr, case.message)
        assert dump() == seeded
        return
    assert code == 0, stderr[-2000:]
    assert "Traceback" not in stderr
    _check_added(case, cli)


def _added(cli) -> dict:  # type: ignore[no-untyped-def,type-arg]
    rows = json.loads(cli("policy", "list", "--json").stdout)
    (row,) = [r for r in rows if r["id"] != "seed"]
    shown = cli("policy", "show", row["id"], "--json")
    assert shown.exit_code == 0, shown.stderr
    return json.loads(shown.stdout)


def _check_added(case: Case, cli) -> None:  # type: ignore[no-untyped-def]
    shown = _added(cli)
    refs = shown["references"]
    extra = case.extra
    if "refs" in extra:
        assert len(refs) == extra["refs"]
    if "min_refs" in extra:
        assert len(refs) >= extra["min_refs"] and refs[-1]["raw"]
    if "title" in extra:
        assert extra["title"] in shown["title"]
    if "printed" in extra:
        assert [r["number"] for r in refs] == list(range(1, len(refs) + 1))
        assert [r["printed_number"] for r in refs] == extra["printed"]
        assert [r["pmid"] for r in refs] == [str(90000000 + n) for n in range(1, len(refs) + 1)]
    if "pmids_in_order" in extra:
        assert [r["pmid"] for r in refs] == extra["pmids_in_order"]
    if "longest" in extra:
        assert max(len(r["raw"]) for r in refs) > extra["longest"]
    if "id" in extra:
        assert shown["id"] == extra["id"]
    if "pmids" in extra:
        assert [r["pmid"] for r in refs if r["pmid"]] == extra["pmids"]
        assert all(r["warnings"] for r in refs)
    if extra.get("no_markup"):
        assert not MARKUP.search(stored_text())
        assert "99999999" not in stored_text() and "99999998" not in stored_text()
        assert [r["pmid"] for r in refs] == ["90000001", "90000002"]
    if extra.get("no_control"):
        assert "\x1b" not in stored_text() and "\x07" not in stored_text()
        for argv in (("policy", "list"), ("policy", "show", shown["id"])):
            out = cli(*argv).stdout
            assert "\x1b" not in out and "\x07" not in out and "RED" in out
    if extra.get("sql"):
        _check_sql(shown, cli)


def _check_sql(shown: dict, cli) -> None:  # type: ignore[no-untyped-def,type-arg]
    """SQL metacharacters are data: stored and given back byte for byte, in every output."""
    pid = shown["id"]
    assert SQL in shown["title"]
    first = shown["references"][0]
    assert SQL in first["raw"] and SQL in (first["title"] or "")
    tagged = cli("tag", "set", f"{pid}#2", "rct", "--note", SQL)
    assert tagged.exit_code == 0, tagged.stderr
    explained = json.loads(cli("tag", "explain", f"{pid}#2", "--json").stdout)
    assert SQL in json.dumps(explained, ensure_ascii=False).encode().decode("unicode_escape") or (
        SQL in str(explained)
    )
    report = json.loads(cli("report", pid, "--format", "json").stdout)
    assert SQL in report["policy"]["title"]
    html = cli("report", pid, "--format", "html").stdout
    assert "DROP TABLE policy" in html and "'; DROP" not in html  # quotes escaped
    for fmt in ("ris", "bibtex", "csljson", "nbib", "csv", "ama"):
        out = cli("export", pid, "--format", fmt, "-o", "-")
        assert out.exit_code == 0 and "O'Brien" in out.stdout or "Brien" in out.stdout, fmt
    assert len(json.loads(cli("policy", "list", "--json").stdout)) == 2  # nothing dropped


@pytest.mark.parametrize("case", CLI_CASES, ids=lambda c: c.name)
def test_absurd_argument(case: Case, cli, seeded):  # type: ignore[no-untyped-def]
    result = cli(*case.argv)
    outcome(case, result.exit_code, result.stderr)
    if case.argv[2:3] == ("-5",):  # looks like an option to any CLI: a usage error
        assert result.exit_code == 2 and "Traceback" not in result.output
    else:
        assert result.exit_code == 1
        one_line_error(result.stderr, case.message)
    assert dump() == seeded and integrity_ok()


@pytest.mark.parametrize("case", EFETCH_CASES, ids=lambda c: c.name)
def test_efetch_answer(case: Case, cli, fake_eutils):  # type: ignore[no-untyped-def]
    body = case.make()  # type: ignore[misc]
    fake_eutils.efetch = lambda params: body  # the server answers every efetch with it
    make_policy(open_store(load_settings().db_url), ["90000001"])
    before = dump()
    result = cli("resolve", "--policy", "synthetic-policy")
    outcome(case, result.exit_code, result.stderr)
    assert "Traceback" not in result.output
    assert integrity_ok()
    if case.expect == "partial":
        assert result.exit_code == 3, result.stderr
        assert re.search(case.message, result.stderr, re.I), result.stderr
        assert dump()["article"] == before["article"] == []
        return
    assert result.exit_code == 0, result.stderr
    article = json.loads(cli("article", "show", "90000001", "--json").stdout)
    assert article["pmid"] == "90000001"
    text = stored_text()
    if "absent" in case.extra:
        assert "root:x" not in text and "Leaked: root" not in (article["title"] or "")
    if case.extra.get("no_markup_html"):
        html = cli("report", "synthetic-policy", "--format", "html").stdout
        assert "<script>alert(1)" not in html and "<iframe src=javascript" not in html
        assert "&lt;script&gt;alert(1)" in html
        shown = cli("article", "show", "90000001").stdout
        assert "\x1b" not in shown


@pytest.mark.parametrize("case", ESEARCH_CASES, ids=lambda c: c.name)
def test_esearch_answer(case: Case, cli, fake_eutils, tmp_path):  # type: ignore[no-untyped-def]
    body = case.make()  # type: ignore[misc]
    doc = tmp_path / "policy.txt"
    doc.write_text(small_policy(), "utf-8")
    assert cli("policy", "add", str(doc), "--id", "p").exit_code == 0
    fake_eutils.esearch = lambda params: body  # review start's search gets this answer
    result = cli("review", "start", "p", "--since", "2025-01-01", "--until", "2026-11-01",
                 "--query", "widgets")
    outcome(case, result.exit_code, result.stderr)
    assert "Traceback" not in result.output and integrity_ok()
    if case.expect == "partial":
        assert result.exit_code == 3
        one_line_error(result.stderr, case.message)
    else:
        assert result.exit_code == 0, result.stderr
    assert case.extra.get("absent", "\0") not in stored_text()


def test_corpus_has_at_least_30_cases():
    assert len(CASES) >= 30 and len({c.name for c in CASES}) == len(CASES)


def test_sql_metacharacters_in_review_query_notes_and_exports(cli, fake_eutils, tmp_path):  # type: ignore[no-untyped-def]
    """Review cycles keep a hostile query, note and reason as data, and export them as such."""
    from datetime import date

    doc = tmp_path / "policy.txt"
    doc.write_text(small_policy(), "utf-8")
    assert cli("policy", "add", str(doc), "--id", "sql").exit_code == 0
    fake_eutils.add_article("90000101", title=f"Widgets for everyone {SQL}", edat=date(2026, 2, 3),
                            publication_types=["Randomized Controlled Trial"], abstract=SQL)
    query = f'widgets OR "{SQL}"'
    started = cli("review", "start", "sql", "--since", "2025-01-01", "--until", "2026-11-01",
                  "--query", query, "--json")
    assert started.exit_code == 0, started.output
    decided = cli("review", "decide", "sql", "90000101", "exclude", "--reason", "other",
                  "--note", SQL)
    assert decided.exit_code == 0, decided.output
    for fmt in ("ris", "bibtex", "csljson", "nbib", "csv", "ama"):
        out = cli("export", "sql", "--format", fmt, "-o", "-", "--include-candidates")
        assert out.exit_code == 0 and "Traceback" not in out.output, (fmt, out.output)
    csv_out = cli("export", "sql", "--format", "csv", "-o", "-", "--include-candidates").stdout
    assert "DROP TABLE policy" in csv_out and "90000101" in csv_out
    cycles = json.loads(cli("review", "list", "sql", "--json").stdout)
    assert SQL in json.dumps(cycles, ensure_ascii=False).replace('\\"', '"').replace("\\\\", "\\")
    assert len(json.loads(cli("policy", "list", "--json").stdout)) == 1 and integrity_ok()
