"""The HTML report in a real browser (headless Chromium): charts and tables render, and a
record whose title holds a script or an onerror handler runs nothing. Skips without Chromium."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from synthetic_report import PID, add_synthetic_policy

from evidence.services.report import build, render, write_atomic

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def html_file(engine, tmp_path):
    add_synthetic_policy(engine)
    return write_atomic(tmp_path / "report.html", render(build(engine, PID), "html"))


def test_dom_has_charts_and_tables_and_no_injected_code(html_file, tmp_path):
    dom = _chromium(tmp_path, "--dump-dom", html_file.as_uri()).stdout
    assert "<title>Evidence report: Cell Therapy for Synthetic Limb Disease</title>" in dom
    assert dom.count("<svg") == 2 and dom.count("<rect") > 10
    assert dom.count("<table") >= 4 and "inventory" in dom
    assert "pwned</title>" not in dom  # the document title was not rewritten
    assert "<script" not in dom and "<img" not in dom  # neither element exists in the DOM
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom  # shown as text


def test_screenshot(html_file, tmp_path):
    shot = tmp_path / "report.png"
    _chromium(tmp_path, "--window-size=1200,2000", f"--screenshot={shot}", html_file.as_uri())
    assert shot.exists() and shot.stat().st_size > 20_000
