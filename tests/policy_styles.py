"""What each house-style policy in tests/data/policies/ must parse to.

The policies are invented (plans, authors, titles, journals), written the way large US
commercial plans, Blue Cross plans, Medicare contractors, a state Medicaid agency, an HTA
agency and a UK guidance body lay theirs out. No PMID here is real: where one is printed
it is a synthetic 9xxxxxxx. `REFS` are the entries exactly as a reader would copy them
(wrapping, page chrome and numbering removed); each style lists which of them it prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REFS = {
    "abernathy": "Abernathy KL, Osei-Bonsu M, Trevino R, et al. Widget therapy for refractory gadgetosis: "
    "a randomized sham-controlled trial. J Gadget Med. 2021;14(3):201-212.",
    "bergqvist": "Bergqvist H, Lindqvist E. Long-term outcomes after widget implantation: a registry study. "
    "Widget Surg Rev. 2019;7(2):88-97.",
    "castellano": "Castellano-Ruiz P, Mbeki T, Huang W. Cost-effectiveness of widget therapy compared with "
    "usual care. Value Gadget Health. 2022;25:1104-1113.",
    "dunmore": "Dunmore AJ, Fairweather S. Widget devices for gadgetosis: a systematic review. "
    "Cochrane Database Gadget Rev. 2020;(6):CD099871.",
    "eskildsen": "Eskildsen NO, Petrov I, Quaye F, et al. Safety of widget therapy in older adults: a "
    "multicentre cohort. Gerontol Gadget. 2018;33(11):1450-1458.",
    "fitzgerald": "Fitzgerald-Oduya C. Patient-reported outcomes after widget therapy. Qual Life Gadget "
    "Res. 2023;12:e45.",
    "gallardo": "Gallardo M, Hoang TT, Iversen K. Widget therapy versus sham: five-year follow-up of a "
    "randomised trial. Lancet Gadget. 2024;3(1):45-53.",
    "hollingsworth": "Hollingsworth RB, Jankowski P. Predictors of response to widget therapy in "
    "gadgetosis. Am J Gadget. 2017;58(4):312-320.",
    "society": "National Widget Society. Clinical practice guideline on the management of gadgetosis. "
    "Chicago, IL: National Widget Society; 2022.",
    "agency": "Agency for Gadget Research and Quality. Widget devices for gadgetosis: technology "
    "assessment report. Rockville, MD: AGRQ; 2021. Available at: "
    "https://www.agrq.example.gov/reports/widgets. Accessed January 5, 2026.",
    "fda": "U.S. Food and Drug Administration. 510(k) summary: WidgetPro system (K991234). Silver "
    "Spring, MD: FDA; 2019.",
}

PEER = "Peer Reviewed Publications"
AGENCY = "Government Agency, Medical Society, and Other Authoritative Publications"
ALPHABETICAL = ["abernathy", "bergqvist", "castellano", "dunmore", "eskildsen", "fitzgerald",
                "gallardo", "hollingsworth"]  # fmt: skip


@dataclass(frozen=True)
class Style:
    """A house-style policy file and what it must give: references (in order), header, positions."""

    file: str
    refs: list[str]
    title: str
    policy_number: str | None = None
    effective: date | None = None
    original_effective: date | None = None
    last_reviewed: date | None = None
    next_review: date | None = None
    published: str | None = None
    statements: list[tuple[str, str, str]] = field(default_factory=list)  # product, status, text start
    groups: list[str | None] | None = None
    numbered: bool = True  # the list prints numbers (else: a warning says it was numbered in order)
    pmids: list[str | None] | None = None
    form: str = "file"  # "file": read as is; "pdf" / "docx": built from the source text by the test


STYLES = [
    Style(
        "commercial-coverage-rationale.txt",  # a large US commercial plan, PDF text pasted
        refs=ALPHABETICAL + ["society", "agency"],
        title="Widget Therapy for Gadgetosis",
        policy_number="2026T0999",
        effective=date(2026, 3, 1),
        statements=[
            ("All products", "medically necessary", "Widget therapy is proven and medically necessary"),
            ("All products", "not medically necessary", "Widget therapy is unproven and not medically"),
        ],
        numbered=False,
    ),
    Style(
        "blue-plan-position-statement.md",  # a Blue Cross plan: subheaded, unnumbered groups
        refs=["abernathy", "bergqvist", "eskildsen", "gallardo", "society", "agency", "fda"],
        title="Widget Therapy for Gadgetosis",
        policy_number="MED.00999",
        original_effective=date(2019, 1, 1),
        last_reviewed=date(2025, 11, 13),
        next_review=date(2026, 11, 12),
        statements=[
            ("All products", "medically necessary", "Widget therapy is considered medically necessary"),
            ("All products", "investigational", "Widget therapy is considered investigational"),
        ],
        groups=[PEER] * 4 + [AGENCY] * 3,
        numbered=False,
        published="12/01/2025",
    ),
    Style(
        "medicare-lcd.html",  # a Medicare contractor's LCD: bracketed numbers, then revisions
        refs=["abernathy", "castellano", "dunmore", "fitzgerald", "hollingsworth", "agency"],
        title="Widget Therapy for Gadgetosis",
        policy_number="L39999",
        effective=date(2026, 1, 15),
        original_effective=date(2019, 10, 1),
        statements=[
            ("All products", "medically necessary", "Widget therapy is considered reasonable and necessary"),
            ("All products", "not medically necessary", "Widget therapy is not reasonable and necessary"),
        ],
    ),
    Style(
        "numbered-policy-bulletin.txt",  # a commercial bulletin: I./II. positions, intro line
        refs=ALPHABETICAL,
        title="Widget Therapy for Gadgetosis",
        policy_number="0999",
        effective=date(2004, 5, 18),
        last_reviewed=date(2025, 10, 2),
        next_review=date(2026, 7, 9),
        statements=[
            ("All products", "medically necessary", "Acme considers widget therapy medically necessary"),
            ("All products", "investigational", "Acme considers widget therapy experimental"),
        ],
        pmids=["900000101", "900000102", None, None, "900000105", None, None, "900000108"],
    ),
    Style(
        "state-medicaid.rtf",  # a state Medicaid clinical coverage policy: bullets, no heading
        refs=["bergqvist", "dunmore", "gallardo", "hollingsworth", "society"],
        title="Widget Therapy for Gadgetosis",
        policy_number="1A-99",
        effective=date(2026, 1, 1),
        original_effective=date(2018, 7, 1),
        statements=[
            ("All products", "covered", "Widget therapy is covered for a beneficiary"),
            ("All products", "not covered", "Widget therapy is not covered when"),
        ],
        numbered=False,
    ),
    Style(
        "guidance-page.docx.txt",  # a UK guidance body: Word numbered list, research-only position
        refs=["abernathy", "eskildsen", "gallardo", "agency"],
        title="Widget therapy for gadgetosis",
        policy_number="IPG999",
        published="12 March 2025",
        statements=[
            ("All products", "investigational", "Evidence on the safety of widget therapy"),
        ],
        form="docx",
    ),
    Style(
        "hta-report.pdf.txt",  # an HTA agency report: contents page, number alone, page chrome
        refs=["abernathy", "bergqvist", "castellano", "dunmore", "eskildsen", "fitzgerald", "agency", "fda"],
        title="HTA 101: Widget Therapy for Gadgetosis",
        policy_number="HTA-2025-07",
        published="14 August 2025",
        form="pdf",
    ),
    Style(
        "integrated-plan-criteria.txt",  # an integrated plan's review criteria: month/year dates
        refs=["abernathy", "dunmore", "gallardo", "fda"],  # fields on one line, a "Criteria" section
        title="Widget Therapy for Gadgetosis",
        original_effective=date(2014, 3, 1),
        last_reviewed=date(2025, 2, 1),
        next_review=date(2026, 2, 1),
        statements=[
            ("All products", "covered", "Widget therapy is covered for members with refractory"),
            ("All products", "not covered", "Widget therapy is not covered for any other"),
        ],
        numbered=False,
    ),
    Style(
        "plan-coverage.md",  # Markdown: bold fields, a "Coverage" section, [n] lines, no blank lines
        refs=["abernathy", "bergqvist", "hollingsworth", "society"],
        title="Widget Therapy for Gadgetosis",
        policy_number="MP-9999",
        original_effective=date(2012, 8, 1),
        last_reviewed=date(2025, 11, 1),
        statements=[("All products", "not medically necessary", "Widget therapy for gadgetosis is unproven")],
    ),
]


DATA = Path(__file__).resolve().parent / "data" / "policies"
RUNNING_HEADER = "Widget Therapy for Gadgetosis - HTA 101"


def policy_file(style: Style) -> tuple[bytes, str]:
    """The style's file as a user would hand it to `policy add`: (bytes, file name)."""
    from policy_forms import to_docx, to_paged_pdf

    source = DATA / style.file
    if style.form == "pdf":
        return to_paged_pdf(source.read_text("utf-8"), RUNNING_HEADER), source.name.removesuffix(".txt")
    if style.form == "docx":
        return to_docx(source.read_text("utf-8")), source.name.removesuffix(".txt")
    return source.read_bytes(), source.name


def expected_raws(style: Style) -> list[str]:
    pmids = style.pmids or [None] * len(style.refs)
    return [REFS[key] + (f" PMID: {pmid}." if pmid else "") for key, pmid in zip(style.refs, pmids, strict=True)]
