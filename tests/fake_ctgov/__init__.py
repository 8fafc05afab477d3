"""The ClinicalTrials.gov v2 stand-in server and its pytest fixture.

`fake_ctgov` starts a FakeCtgov on loopback, points EVIDENCE_CTGOV_URL at it and yields it;
tests add studies (synthetic ones from `study(...)`, or the real records in ../shared),
switch faults on and read `.requests` afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fake_ctgov.server import FakeCtgov, study

__all__ = ["FakeCtgov", "fake_ctgov", "study"]


@pytest.fixture
def fake_ctgov(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeCtgov]:
    with FakeCtgov() as fake:
        monkeypatch.setenv("EVIDENCE_CTGOV_URL", fake.url)
        yield fake
