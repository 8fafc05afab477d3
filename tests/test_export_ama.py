"""AMA list: citeproc-py through the shipped CSL style, compared with a policy's printed list.

The example policy is ingested offline, so every entry is exported from its citation text and
rendered by the style; the result must reproduce the policy's own reference list entry for
entry once the differences below, each a deliberate property of AMA style or of plain text,
are normalised away. Each accepted difference is asserted to occur: a step that changes
nothing is a claim we no longer need to make and fails the test.
"""

from __future__ import annotations

import re

import pytest
from _export_data import exported

from evidence.export.ama import render_list
from evidence.export.entry import Author, ExportEntry

MONTH = (r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*")


def _expand(match: re.Match[str]) -> str:
    first, last = match.group(1), match.group(2)
    return f"{first}-{first[: len(first) - len(last)] + last}" if len(last) < len(first) else (
        match.group(0))


# (what differs and why, how to normalise it) — applied to both sides, in this order.
ACCEPTED_DIFFERENCES = [
    ("policy marks journals in Markdown italics (*N Engl J Med.*); the AMA export is plain text",
     lambda s: s.replace("*", "")),
    ("policy appends 'PMID n'; AMA style has no PMID element (it prints doi: when known)",
     lambda s: re.sub(r"\s*PMID:? \d+\.?$", "", s).rstrip(".") + "."),
    ("policy prints month and day ('Mar 03 2016'); AMA prints the year only when there is an "
     "issue, and 'September 2011' without a day when there is none",
     lambda s: re.sub(rf"{MONTH}\.? (?:\d{{1,2}},? )?(\d{{4}})", r"\1", s)),
    ("policy puts a space after ';' and ':' in volume(issue): pages; AMA runs them together",
     lambda s: re.sub(r"([;:]) ", r"\1", s)),
    ("policy abbreviates page ranges as MEDLINE does (861-71); AMA 11th prints them in full",
     lambda s: re.sub(r"\b(\d+)-(\d+)\b", _expand, s)),
]


def normalise(text: str, steps=ACCEPTED_DIFFERENCES) -> str:  # type: ignore[no-untyped-def]
    for _, step in steps:
        text = step(text)
    return " ".join(text.split())


def policy_list(path) -> list[str]:  # type: ignore[no-untyped-def]
    """The numbered entries of the document's REFERENCES section, as printed."""
    section = path.read_text("utf-8").split("REFERENCES", 1)[1]
    return [line.strip() for line in section.splitlines() if re.match(r"^\d+\. ", line.strip())]


@pytest.fixture
def example_ama(engine) -> list[str]:
    from conftest import EXAMPLE

    from evidence.services.export import export_policy
    from evidence.services.policy import add_policy

    add_policy(engine, EXAMPLE.read_bytes(), EXAMPLE.name, policy_id="example")
    return export_policy(engine, "example", "ama")[0].splitlines()


def test_example_policy_reproduces_its_own_reference_list(example_ama):
    from conftest import EXAMPLE

    printed = policy_list(EXAMPLE)
    assert len(example_ama) == len(printed) == 32
    for ours, theirs in zip(example_ama, printed, strict=True):
        assert normalise(ours) == normalise(theirs)


@pytest.mark.parametrize("step", range(len(ACCEPTED_DIFFERENCES)))
def test_every_accepted_difference_really_occurs(example_ama, step):
    from conftest import EXAMPLE

    printed = policy_list(EXAMPLE)
    without = [s for i, s in enumerate(ACCEPTED_DIFFERENCES) if i != step]
    differing = [n for n, (ours, theirs) in enumerate(zip(example_ama, printed, strict=True), 1)
                 if normalise(ours, without) != normalise(theirs, without)]
    assert differing, ACCEPTED_DIFFERENCES[step][0]


def test_synthetic_policy_in_ama(engine):
    lines = exported(engine, "ama").splitlines()
    assert lines[0] == (
        "1. Procházka V, Jalůvka F, Müller H-J, den Ruijter HM, ESC Task Force & Friends. "
        "Cell therapy in CLI: 100% {braced} & $costly# under_score care, a JUVENTAS-like RCT. "
        "Cell Transplant. 2010;19(11):1413-1424. doi:10.3727/096368910X90000001.")
    assert lines[1].startswith("2. Skóra J, Dubský M, Xie B, et al. Autologous")  # > 6: 3 + et al
    assert lines[2].startswith("3. Dubský M, Husáková J, Bem R, et al. Comparison")  # cut as cited
    assert "pubmed.ncbi" not in "\n".join(lines)


def test_six_authors_are_all_listed():
    people = tuple(Author(family=f"F{i}", given="A", initials="A") for i in range(6))
    entry = ExportEntry(number=1, resolved=True, authors=people, title="T", journal="J",
                        journal_abbrev="J", year=2020, volume="1", pages="1-2")
    assert render_list([entry]) == ["1. F0 A, F1 A, F2 A, F3 A, F4 A, F5 A. T. J. 2020;1:1-2."]
