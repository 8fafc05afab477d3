"""Shared by the workspace tests: a store with an open cycle (built through the services, the
candidates fetched from the fake E-utilities server), `evidence serve` as a real subprocess,
and a headless Chromium driven by Selenium (Debian's chromium and chromium-driver)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from review_helpers import POLICY, make_policy

UNTIL = date(2026, 11, 1)
# (PMID, publication type, title): the service puts the designs in this order
CANDIDATES = [
    ("90000201", "Meta-Analysis", "Bone marrow stem cells for critical limb ischemia: a meta-analysis"),
    ("90000202", "Randomized Controlled Trial",
     "Autologous stem cells in peripheral arterial disease: a randomized trial"),
    ("90000203", "Observational Study", "Stem cells and amputation-free survival in limb ischemia: a cohort"),
    ("90000204", "Case Reports", "Bone marrow cell therapy for critical limb ischemia: a case report"),
    ("90000205", "Editorial", "Stem cells for peripheral arterial disease: where next?"),
]  # fmt: skip
ABSTRACT = (
    "BACKGROUND: Patients with peripheral arterial disease and critical limb ischemia who cannot "
    "be revascularised face amputation. METHODS: Autologous bone marrow stem cells were injected "
    "into the ischemic limb. RESULTS: Amputation-free survival at 12 months was 72%. "
    "CONCLUSIONS: Stem cells were safe; larger trials are needed."
)
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None
)
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--window-size=1440,900",
)  # fmt: skip


def open_cycle(engine, fake, candidates=CANDIDATES) -> str:  # type: ignore[no-untyped-def]
    """The review tests' policy with cycle 1 open: the candidates are found and fetched from
    the fake server by `review.start_cycle`, as `evidence review start` does."""
    from evidence.config import load_settings
    from evidence.entrez.client import EntrezClient
    from evidence.services import review

    make_policy(engine)
    for n, (pmid, pubtype, title) in enumerate(candidates):
        fake.add_article(
            pmid, title=title, abstract=ABSTRACT, edat=date(2026, 2, 1 + n % 27), year=2026 - n % 3,
            journal="Journal of Vascular Surgery", journal_iso="J Vasc Surg",
            authors=[{"last": "Okafor", "initials": "CN", "fore": "Chidi N"},
                     {"last": "Lindqvist", "initials": "E", "fore": "Ebba"}, "Tanaka H"],
            publication_types=["Journal Article", pubtype],
        )  # fmt: skip
    client = EntrezClient(load_settings(), max_tries=2, backoff_base=0.01)
    try:
        review.start_cycle(engine, client, POLICY, until=UNTIL)
    finally:
        client.close()
    return POLICY


@dataclass
class Served:
    url: str  # the URL `evidence serve` printed, with the token
    process: subprocess.Popen[str]
    log: Path  # its standard error

    @property
    def base(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def token(self) -> str:
        return self.url.split("token=", 1)[1]


def _default_sigint() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def serve(db_url: str, tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`evidence --db DB serve --port 0 ARGS` as a real process; stopped (SIGTERM) at the end."""
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "evidence", "--db", db_url, "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=err, text=True, env={**os.environ, **(env or {})},
            preexec_fn=_default_sigint,  # Ctrl-C works even when the tests run in the background
        )  # fmt: skip
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("http://"), f"no URL on stdout: {first!r}; {log.read_text()}"
        yield Served(first, proc, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def chrome(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A headless Chromium under Selenium, with a fresh profile."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / f'profile-{time.monotonic_ns()}'}")
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)  # type: ignore[arg-type]
