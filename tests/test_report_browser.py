"""The HTML report in a real browser (headless Chromium): charts and tables render, and a
record whose title holds a script or an onerror handler runs nothing. Skips without Chromium."""

from __future__ import annotations

import re
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


MEASURE = (
    "<script>window.addEventListener('load',function(){"
    "var r=document.getElementById('summary').getBoundingClientRect();"
    "var m=document.createElement('pre');m.id='measured';"
    "m.textContent=[r.top,r.bottom,r.left,r.right,window.innerWidth,window.innerHeight].join(',');"
    "document.body.appendChild(m);});</script>"
)


@pytest.fixture
def full_html(engine, fake_ctgov, tmp_path):  # type: ignore[no-untyped-def]
    from report_trials_fixture import stored_policy

    stored_policy(engine, fake_ctgov)
    return write_atomic(tmp_path / "full.html", render(build(engine, PID), "html"))


def test_summary_is_in_the_first_screen(full_html, tmp_path):
    """At 1280x800 the whole summary box lies within the first 800 px (measured in the page)."""
    probe = tmp_path / "probe.html"
    probe.write_text(full_html.read_text().replace("</body>", MEASURE + "</body>"))
    dom = _chromium(tmp_path, "--window-size=1280,800", "--dump-dom", probe.as_uri()).stdout
    found = re.search(r'<pre id="measured">([-\d.,]+)</pre>', dom)
    assert found, dom[-500:]
    top, bottom, left, right, width, height = (float(x) for x in found.group(1).split(","))
    assert width == 1280 and height <= 800  # (new headless keeps room for window chrome)
    assert 0 <= top < bottom <= min(800, height) and 0 <= left < right <= 1280
    assert bottom - top > 150  # the box holds the verdict and the four lists, not a stub


def test_first_screen_screenshot_is_not_blank(full_html, tmp_path):
    from PIL import Image, ImageStat

    shot = tmp_path / "first-screen.png"
    _chromium(tmp_path, "--window-size=1280,800", "--hide-scrollbars", f"--screenshot={shot}",
              full_html.as_uri())  # fmt: skip
    assert shot.exists()
    with Image.open(shot) as img:
        assert img.size == (1280, 800)
        gray = img.convert("L")
        assert ImageStat.Stat(gray).stddev[0] > 20  # text and colour, not an empty page
        top = gray.crop((0, 0, 1280, 400))
        assert ImageStat.Stat(top).stddev[0] > 20  # the summary sits at the top
        red = img.convert("RGB").crop((0, 100, 1280, 300)).getcolors(1 << 20) or []
        assert any(r > 240 and 220 < g < 240 and 220 < b < 240 for _, (r, g, b) in red)  # verdict box
