"""A policy's title, number and dates, however the plan labels and lays them out."""

from __future__ import annotations

from datetime import date

import pytest

from evidence.policy import parse_policy, read_document
from evidence.policy.fields import header_fields

REFS = "\n\nReferences\n\n1. Abernathy KL. Widgets. J Gadget Med. 2021;14(3):201-212.\n"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("EFFECTIVE DATE: 01|01|2026", {"effective": "01|01|2026"}),
        ("Effective Date 1/1/2026", {"effective": "1/1/2026"}),
        ("Current Effective Date: January 1, 2026", {"effective": "January 1, 2026"}),
        ("Original Effective Date: 05/18/2004", {"original_effective": "05/18/2004"}),
        ("Next Review Date: 07/09/2026", {"next_review": "07/09/2026"}),
        ("Next Review: 07/09/2026", {"next_review": "07/09/2026"}),
        ("Last Review 10/02/2025", {"last_reviewed": "10/02/2025"}),
        ("Date of Last Review: 2025-10-02", {"last_reviewed": "2025-10-02"}),
        ("Policy Number: 2026T0999", {"policy_number": "2026T0999"}),
        ("Policy #: MED.00999", {"policy_number": "MED.00999"}),
        ("Policy No. CP.MP.99", {"policy_number": "CP.MP.99"}),
        ("Medical Policy Number 7.01.123", {"policy_number": "7.01.123"}),
        ("LCD ID: L39999", {"policy_number": "L39999"}),
        ("Reference number: IPG999", {"policy_number": "IPG999"}),
        ("Number: 0999", {"policy_number": "0999"}),
        ("Published: 12 March 2025", {"published": "12 March 2025"}),
        (
            "Effective Date: 01/01/2026 Next Review Date: 01/01/2027 Policy Number: MP-7",
            {"effective": "01/01/2026", "next_review": "01/01/2027", "policy_number": "MP-7"},
        ),
        (
            "| Original Effective Date: 01/01/2019 | Last Review Date: 11/13/2025 |",
            {"original_effective": "01/01/2019", "last_reviewed": "11/13/2025"},
        ),
        ("Effective Date\n03/01/2026", {"effective": "03/01/2026"}),
        (
            "Effective Date\nNext Review Date\nPolicy Number\n03/01/2026\n03/01/2027\nMP-0999",
            {"effective": "03/01/2026", "next_review": "03/01/2027", "policy_number": "MP-0999"},
        ),
        ("This policy is effective January 1, 2026 for all members.", {}),
        ("Number of patients: 240", {}),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_labels_and_layouts(header, expected):
    assert header_fields(header.split("\n")) == expected


def test_next_review_is_never_the_last_review():
    doc = parse_policy("Widget Therapy\n\nNext Review Date: 07/09/2026\nLast Review Date: 07/10/2025" + REFS)
    assert (doc.last_reviewed, doc.next_review) == (date(2025, 7, 10), date(2026, 7, 9))
    doc = parse_policy("Widget Therapy\n\nNext Review Date: 07/09/2026" + REFS)
    assert (doc.last_reviewed, doc.next_review) == (None, date(2026, 7, 9))


def test_a_revision_effective_date_is_the_effective_date_when_no_other_is_given():
    doc = parse_policy("Widget Therapy\n\nRevision Effective Date: 01/15/2026" + REFS)
    assert doc.effective_date == date(2026, 1, 15)
    doc = parse_policy("Widget Therapy\n\nEffective Date: 02/01/2026\nRevision Effective Date: 01/15/2026" + REFS)
    assert doc.effective_date == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("Skip to main content\nHome > Policies > Medical\nWidget Therapy", "Widget Therapy"),
        ("Acme Health Medical Policy\nWidget Therapy\nPolicy Number: MP-1", "Widget Therapy"),
        ("Medical Policy: Widget Therapy", "Widget Therapy"),
        ("Clinical Policy: Widget Therapy", "Widget Therapy"),
        ("Subject: Widget Therapy", "Widget Therapy"),
        ("Local Coverage Determination (LCD)\nWidget Therapy (L39999)", "Widget Therapy (L39999)"),
        ("# Widget Therapy", "Widget Therapy"),
        ("Blue Cross and Blue Shield of Northland\nWidget Therapy", "Widget Therapy"),
        ("Acme Health Plan, Inc.\nWidget Therapy", "Widget Therapy"),
        ("Northland Medicaid\nWidget Therapy", "Widget Therapy"),
        # the plan's document label, a separator, then the title
        ("Medical Coverage Guideline — Widget Therapy for Knees", "Widget Therapy for Knees"),
        ("Corporate Medical Policy - Widget Therapy", "Widget Therapy"),
        ("Medical Policy | Widget Therapy", "Widget Therapy"),
        ("Widget Therapy - Knee Osteoarthritis", "Widget Therapy - Knee Osteoarthritis"),
        ("Widgets: A Review of the Evidence", "Widgets: A Review of the Evidence"),
        ("EFFECTIVE DATE: 01|01|2026\n\nOVERVIEW\n\nText.", None),
    ],
)
def test_title_is_the_documents_heading_not_page_chrome(head, title):
    assert parse_policy(head + "\n\n" + REFS).title == title


def test_html_navigation_is_not_the_title():
    page = (
        "<html><head><title>Acme | Widget Therapy</title></head><body>"
        "<nav><a>Members</a><a>Providers</a></nav><div role='navigation'>Find a Doctor</div>"
        "<h1>Widget Therapy</h1><h2>References</h2><ol><li>Abernathy KL. Widgets. J Gadget Med. "
        "2021;14:201-212.</li></ol></body></html>"
    )
    doc = parse_policy(read_document(page.encode(), "p.html"))
    assert doc.title == "Widget Therapy" and len(doc.references) == 1
