"""NCBI_API_KEY reaches NCBI and nothing else: not the HTTP cache, the store, the logs, the
terminal, a report or an export.

The real CLI runs in subprocesses (as a user runs it) against the fake E-utilities server;
afterwards every byte it left behind is scanned for the key, raw and URL-encoded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from fake_eutils import add_many, synthetic_pmids
from hostile.cases import policy, synthetic_reference

KEY = "SECRETKEY-0123456789abcdef/+="  # '/', '+' and '=' differ when URL-encoded
FORMS = {KEY, quote(KEY, safe=""), quote_plus(KEY), KEY.encode().hex()}
REPORTS = ("text", "md", "html", "json")
EXPORTS = ("ris", "bibtex", "csljson", "nbib", "csv", "ama")


def _env(tmp_path: Path, eutils_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EVIDENCE_", "NCBI_"))}
    env.update(
        EVIDENCE_DB=str(tmp_path / "evidence.sqlite"),
        EVIDENCE_CACHE=str(tmp_path / "http_cache.sqlite"),
        EVIDENCE_EUTILS_URL=eutils_url,
        NCBI_API_KEY=KEY,
        NCBI_EMAIL="someone@example.org",
        **extra,
    )
    return env


def _run(env: dict[str, str], *argv: str, ok: tuple[int, ...] = (0,)) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "evidence", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=env["EVIDENCE_DB"].rsplit("/", 1)[0],
        timeout=120,
    )
    assert proc.returncode in ok, (argv, proc.returncode, proc.stderr[-2000:])
    return proc.stdout + proc.stderr


def _leaks(data: bytes | str) -> list[str]:
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    return [form for form in FORMS if form in text]


def _scan_files(root: Path) -> dict[str, list[str]]:
    """Every file under root (store, -wal, -shm, cache, reports, exports, logs)."""
    found = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        leaks = _leaks(path.read_bytes())
        if leaks:
            found[str(path.relative_to(root))] = leaks
    return found


@pytest.fixture
def keyed_run(tmp_path, fake_eutils):  # type: ignore[no-untyped-def]
    """A whole session with the key set; returns (tmp dir, everything printed)."""
    pmids = synthetic_pmids(6)
    add_many(fake_eutils, pmids)
    doc = tmp_path / "policy.txt"
    refs = [synthetic_reference(i, pmid) for i, pmid in enumerate(pmids, 1)]
    refs.append(synthetic_reference(7, pmid=None).rsplit(" PMID", 1)[0])  # ECitMatch path
    doc.write_bytes(policy(refs))
    env = _env(tmp_path, fake_eutils.url)
    (tmp_path / "out").mkdir()
    printed = [
        _run(env, "policy", "add", str(doc), "--id", "keyed"),
        _run(env, "resolve", "--policy", "keyed", ok=(0, 3)),
        _run(env, "resolve", "--policy", "keyed", "--refresh", "--json", ok=(0, 3)),
        _run(env, "tag", "--policy", "keyed"),
        _run(env, "policy", "show", "keyed", "--json"),
        _run(env, "article", "show", pmids[0]),
    ]
    for fmt in REPORTS:
        printed.append(_run(env, "report", "keyed", "--format", fmt))
        printed.append(_run(env, "report", "keyed", "--format", fmt, "-o", f"out/report.{fmt}"))
    for fmt in EXPORTS:
        printed.append(_run(env, "export", "keyed", "--format", fmt, "-o", "-"))
        printed.append(_run(env, "export", "keyed", "--format", fmt, "-o", f"out/refs.{fmt}"))
    if "start" in _run(env, "review", "--help"):  # once review cycles are merged
        printed.append(_run(env, "review", "start", "keyed", "--since", "2020-01-01", ok=(0, 3)))
    assert any(r["params"].get("api_key") == "REDACTED" for r in fake_eutils.requests), (
        "the key was never sent: the test would prove nothing"
    )
    return tmp_path, "\n".join(printed)


@pytest.mark.slow  # about 40 CLI subprocesses
def test_the_key_is_in_no_file_left_behind_and_never_printed(keyed_run):  # type: ignore[no-untyped-def]
    root, printed = keyed_run
    assert (root / "http_cache.sqlite").exists() and (root / "evidence.sqlite").exists()
    assert len(list((root / "out").iterdir())) == len(REPORTS) + len(EXPORTS)
    assert _scan_files(root) == {}
    assert "Resolved" in printed and _leaks(printed) == []


@pytest.mark.parametrize(
    "setup",
    ["unreachable-ncbi", "unusable-cache", "bad-cache-days"],
)
def test_debug_tracebacks_do_not_show_the_key(setup, tmp_path, fake_eutils):  # type: ignore[no-untyped-def]
    """EVIDENCE_DEBUG=1 lets a traceback through: neither it nor the message names the key."""
    url = "http://127.0.0.1:9/entrez/eutils/" if setup == "unreachable-ncbi" else fake_eutils.url
    env = _env(tmp_path, url, EVIDENCE_DEBUG="1")
    doc = tmp_path / "policy.txt"
    doc.write_bytes(policy([synthetic_reference(1)]))
    _run(env, "policy", "add", str(doc), "--id", "keyed")
    if setup == "unusable-cache":
        env["EVIDENCE_CACHE"] = str(doc / "cache.sqlite")  # under a file: cannot be created
    if setup == "bad-cache-days":
        env["EVIDENCE_CACHE_DAYS"] = "not-a-number"
    printed = _run(env, "resolve", "--policy", "keyed", ok=(1, 3))
    if setup == "bad-cache-days":  # a bug-shaped failure: the traceback is let through
        assert "Traceback" in printed, printed[-3000:]
    if setup == "unusable-cache":  # the cache is optional: one warning, and the run goes on
        assert "cannot be used" in printed and "Traceback" not in printed, printed[-3000:]
    assert _leaks(printed) == [], printed[-3000:]
    assert _scan_files(tmp_path) == {}


def test_settings_repr_hides_the_key():
    from evidence.config import load_settings

    settings = load_settings(environ={"NCBI_API_KEY": KEY})
    assert settings.api_key == KEY
    assert _leaks(repr(settings)) == [] and _leaks(str(settings)) == []
