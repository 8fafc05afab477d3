"""A policy's plain text -> `PolicyDocument`.

Health-plan policies share a skeleton: dated header fields, then ALL-CAPS sections (POLICY
STATEMENT, CODING, RELATED POLICIES, PUBLISHED, REFERENCES ...). The parser finds sections
by their headings (all-caps lines, or a known section name in any case), and reads each
field from its own section, so the order of sections and extra sections do not matter.
Paragraphs may be wrapped over several lines (PDF text layers are): within a section,
non-blank lines that are not sub-headings are joined.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from evidence.policy import fields, reflist
from evidence.policy.dates import parse_date
from evidence.records import BillingCode, Citation, PolicyDocument, Statement

KNOWN_SECTIONS = {
    "overview",
    "description",
    "policy",
    "policy statement",
    "policy statements",
    "coverage policy",
    "coverage",
    "medical criteria",
    "prior authorization",
    "background",
    "rationale",
    "summary of evidence",
    "coding",
    "codes",
    "billing codes",
    "related policies",
    "published",
    "references",
    "bibliography",
    "citations",
    "sources",
    "policy history",
    "benefit application",
    "definitions",
    "disclaimer",
    "coverage rationale",
    "coverage guidance",
    "medical necessity criteria",
    "position statement",
    "medical policy statement",
    "policy position",
    "coverage position",
    "coverage statement",
    "coverage criteria",
    "criteria",
    "coverage guidelines",
    "coverage determination",
    "coverage indications, limitations, and/or medical necessity",
    "recommendations",
    "description of procedure or service",
    "applicable codes",
    "coding information",
    "index",
    "appendix",
    "revision details",
    "revision history",
    "websites for additional information",
    "associated documents",
    "literature cited",
    "works cited",
    "reference list",
    "scope",
    "purpose",
    "summary",
    "applies to",
    "instructions for use",
    "clinical evidence",
    "evidence review",
    "the procedure",
    "indications",
    "limitations",
}
REFERENCE_SECTIONS = ("references", "bibliography", "citations", "sources", "reference list")
STATEMENT_SECTIONS = (
    "policy statement",
    "policy statements",
    "medical policy statement",
    "coverage policy",
    "coverage rationale",
    "coverage guidance",
    "medical necessity criteria",
    "position statement",
    "policy position",
    "coverage position",
    "coverage statement",
    "policy",
    "coverage indications, limitations, and/or medical necessity",
    "coverage criteria",
    "coverage guidelines",
    "coverage determination",
    "recommendations",
)

_FIELD_EFFECTIVE = re.compile(r"^(?:policy\s+)?effective(?:\s+date)?\s*[:\-–]?\s*(.*)$", re.I)
_FIELD_REVIEWED = re.compile(
    r"^(?:policy\s+)?(?:last\s+review(?:ed)?(?:\s+date)?|date\s+of\s+last\s+review|"
    r"last\s+reviewed\s+date)\s*[:\-–]?\s*(.*)$",
    re.I,
)
_PRODUCT = re.compile(
    r"\b(?:medicare|medicaid|commercial|exchange|marketplace|federal employee|fep|"
    r"advantage|hmo|ppo|products?|plans?|members?|lines? of business)\b",
    re.I,
)
_STATUSES = (
    (
        "not medically necessary",
        r"not\s+(?:considered\s+)?(?:medically|reasonable\s+and)\s+necessary|\bnot\s+recommended\b",
    ),
    ("not covered", r"not\s+(?:a\s+)?covered|non-?covered|\bexcluded\b|\bshould\s+not\s+be\s+used\b"),
    (
        "investigational",
        r"(?:experimental\s*(?:/|and|or|,)\s*)?investigational|experimental|\bunproven\b(?!\s+and\s+not)"
        r"|only\s+(?:be\s+used\s+)?in\s+the\s+context\s+of\s+research",
    ),
    ("medically necessary", r"medically\s+necessary|reasonable\s+and\s+necessary|\bis\s+recommended\b"),
    ("covered", r"\bcovered\b"),
)
_CONCLUSION = re.compile(r"\bthe evidence is (?:in)?sufficient\b", re.I)
_CODE_LINE = re.compile(
    r"^[-•*\s]*(?P<code>\d{4}[0-9FTU]|[A-V]\d{4}|[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)"
    r"(?P<marks>\**)\s*[:\-–]?\s+(?P<desc>\S.*)$"
)
_CODE_INTRO = re.compile(r"\bcodes?\b.*?\b(?:is|are)\s+(?P<position>.+?)\s*:?\s*$", re.I)
_PARAGRAPH_NUMBER = re.compile(r"^\d+(?:\.\d+)+\s+(?=[A-Z])")
_COVERED_HEADING = re.compile(r"^when\b.{0,100}\b(?:is|are)\s+(?:not\s+)?covered$", re.I)
_IDENTIFIER_LINE = re.compile(r"^(?:PMID|PMCID|DOI|NCT\d|HTTPS?:)", re.I)
_FOOTER_LINK = re.compile(r"^\s*\[[^\]]*\]\([^)]*\)\s*$")
_DISCLAIMER = re.compile(
    r"^\s*(?:this (?:medical )?policy is|disclaimer\b|©|copyright\b|\(c\)\s*\d{4})", re.I
)


@dataclass
class Section:
    name: str  # lower-case heading
    heading: str
    lines: list[str]


def parse_document(text: str) -> PolicyDocument:
    """Parse a policy's plain text. A document without a reference list is parsed all the
    same (its statements still drive resolution and review cycles), with a warning."""
    lines = text.split("\n")
    sections = split_sections(lines)
    references, ref_warnings = parse_references(lines)
    header = fields.header_fields(lines)
    effective = header.get("effective") or header.get("revision_effective")
    return PolicyDocument(
        text=text,
        title=fields.find_title(lines, is_section=_known_section),
        effective_date=parse_date(effective),
        last_reviewed=parse_date(header.get("last_reviewed")),
        published=_published(sections, header),
        conclusion=find_conclusion(sections),
        statements=parse_statements(sections),
        codes=parse_codes(sections),
        related=tuple(_plain_lines(_section(sections, ("related policies",)))),
        references=references,
        warnings=tuple(ref_warnings),
        policy_number=header.get("policy_number"),
        original_effective=parse_date(header.get("original_effective")),
        next_review=parse_date(header.get("next_review")),
    )


# ---------------------------------------------------------------- sections


def section_name(line: str) -> str:
    """A heading's name in lower case: '4. Coverage Rationale:' -> 'coverage rationale'."""
    return reflist.heading_text(line).lower()


def _known_section(line: str) -> bool:
    return section_name(line) in KNOWN_SECTIONS


def is_heading(line: str) -> bool:
    """An ALL-CAPS line (not a field, not a product line, not a citation) or a known name."""
    s = line.strip().rstrip(":").strip()
    if not s or len(s) > 80:
        return False
    if _known_section(s) and not s.endswith(".") or _COVERED_HEADING.match(section_name(s)):
        return True
    s = s.lstrip("#").strip()
    if _IDENTIFIER_LINE.match(s):
        return False
    if not re.search(r"[A-Z]", s) or re.search(r"[a-z]", s) or s[0].isdigit():
        return False
    if _field_value(s) is not None or _PRODUCT.search(s) and not s.startswith("["):
        return False
    return not _CODE_LINE.match(s)


def _field_value(line: str) -> str | None:
    for pattern in (_FIELD_EFFECTIVE, _FIELD_REVIEWED):
        match = pattern.match(line.strip())
        if match and match.group(1).strip():
            return match.group(1)
    return None


def split_sections(lines: list[str]) -> list[Section]:
    sections = [Section("", "", [])]
    for line in lines:
        if is_heading(line) and _field_value(line) is None:
            heading = line.strip().rstrip(":").strip()
            sections.append(Section(section_name(heading), heading, []))
        else:
            sections[-1].lines.append(line)
    return sections


def _section(sections: list[Section], names: tuple[str, ...]) -> list[str]:
    for name in names:
        for section in sections:
            if section.name == name:
                return section.lines
    return []


def _paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs with their wrapped lines joined."""
    paragraphs: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            paragraphs.append(" ".join(current))
            current = []
    return paragraphs


def _plain_lines(lines: list[str]) -> list[str]:
    return [re.sub(r"^[-•*]\s+", "", ln.strip()) for ln in lines if ln.strip()]


# ---------------------------------------------------------------- header fields


def _published(sections: list[Section], header: dict[str, str]) -> str | None:
    body = _plain_lines(_section(sections, ("published",)))
    if body:
        return body[0]
    return header.get("published")


# ---------------------------------------------------------------- statements, conclusion


def status_of(text: str) -> str | None:
    """The coverage status a sentence states; the earliest phrase wins, negations first."""
    best: tuple[int, int, str] | None = None
    for rank, (status, pattern) in enumerate(_STATUSES):
        match = re.search(pattern, text, re.I)
        if match and (best is None or (match.start(), rank) < best[:2]):
            best = (match.start(), rank, status)
    return best[2] if best else None


def _statement_section(name: str) -> bool:
    return name in STATEMENT_SECTIONS or bool(_COVERED_HEADING.match(name))


def _position_heading(line: str) -> bool:
    """'I. Medically Necessary', 'Experimental/Investigational:' -- a short line naming a status."""
    s = line.strip()
    if not s or len(s) > 80 or s.endswith((".", ";", ",")) or len(s.split()) > 10:
        return False
    return status_of(s) is not None and not _PRODUCT.search(s)


def _product_heading(s: str) -> bool:
    """'Medicare Advantage Plans', 'Commercial Products:' (not a bullet of a criteria list)."""
    if not s or len(s) > 80 or s.endswith((".", ";", ",", " and", " or")):
        return False
    return bool(_PRODUCT.search(s)) and not re.match(r"^(?:[-•*–]|\d+[.)]|[A-Za-z][.)])\s", s)


#: a section that states the position only in some plans' documents: in others it is the benefit
#: booklet's boilerplate ("Benefits may vary ... not covered"), so it is read only when the
#: document has no statement section of its own
FALLBACK_STATEMENT_SECTIONS = ("coverage", "criteria")


def parse_statements(sections: list[Section]) -> tuple[Statement, ...]:
    """Coverage positions from every statement section ("Policy", "Coverage Rationale",
    "Position Statement", "When ... Is Covered"...), per product line and per position;
    from a "Coverage" or "Criteria" section when there is none of those."""
    found = _statements_from(sections, _statement_section)
    return found or _statements_from(sections, lambda name: name in FALLBACK_STATEMENT_SECTIONS)


def _statements_from(sections: list[Section], wanted: Callable[[str], bool]) -> tuple[Statement, ...]:
    statements: list[Statement] = []
    for index, section in enumerate(sections):
        if not wanted(section.name):
            continue
        lines = list(section.lines)
        for later in sections[index + 1 :]:  # ALL-CAPS position headings split the section
            if not _position_heading(later.heading):
                break
            lines += [later.heading, *later.lines]
        default = status_of(section.name) if _COVERED_HEADING.match(section.name) else None
        statements.extend(_statements_in(lines, default))
    return tuple(statements)


def _pieces(lines: list[str]) -> list[tuple[str, bool]]:
    """Paragraphs, and within one (a PDF text layer has no blank lines) a line that states a
    position after a criteria item or a finished sentence; (text, found within a paragraph)."""
    pieces: list[tuple[str, bool]] = []
    current: list[str] = []
    within = False
    for line in [*lines, ""]:
        s = line.strip()
        if not s:
            if current:
                pieces.append((" ".join(current), within))
            current, within = [], False
            continue
        previous = current[-1] if current else ""
        if previous and s[0].isupper() and status_of(s) and (
            previous.endswith((".", ":")) or re.match(r"^(?:[-•*–]|\d+[.)]|[A-Za-z][.)])\s", previous)
        ):
            pieces.append((" ".join(current), within))
            current, within = [], True
        current.append(s)
    return pieces


def _statements_in(lines: list[str], default: str | None) -> list[Statement]:
    """Product headings ('Commercial Products') and position headings ('I. Medically
    Necessary') start a block; without a position heading, each paragraph that states a
    status is its own position (a criteria list after a colon belongs to the one before)."""
    statements: list[Statement] = []
    product: str | None = None
    position: str | None = None
    body: list[str] = []

    def flush() -> None:
        pieces = [(_PARAGRAPH_NUMBER.sub("", p, count=1), within) for p, within in _pieces(body)]
        paragraphs = [p for p, _ in pieces]
        if position is not None:
            text = " ".join(paragraphs)
            if text:
                statements.append(Statement(product or "All products", position, text))
            return
        current: list[str] = []
        status: str | None = None
        for paragraph, within in pieces:
            found = status_of(paragraph)
            if found and not (current and current[-1].endswith(":")) and not (within and found == status):
                if current and status:
                    statements.append(Statement(product or "All products", status, " ".join(current)))
                current, status = [paragraph], found
            elif current or default:
                current.append(paragraph)
                status = status or default
        if current and status:
            statements.append(Statement(product or "All products", status, " ".join(current)))

    for line in lines:
        s = line.strip()
        if _product_heading(s):
            flush()
            product, position, body = s.rstrip(":"), None, []
        elif _position_heading(s):
            flush()
            position, body = status_of(s), []
        else:
            body.append(line)
    flush()
    return statements


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text) if s.strip()]


def find_conclusion(sections: list[Section]) -> str | None:
    """Sentences that state the evidence conclusion; standalone ones are preferred."""
    found: list[str] = []
    clauses: list[str] = []
    for section in sections:
        if section.name in REFERENCE_SECTIONS:
            continue
        for paragraph in _paragraphs(section.lines):
            for sentence in _sentences(paragraph):
                match = _CONCLUSION.search(sentence)
                if not match:
                    continue
                if match.start() == 0 and sentence not in found:
                    found.append(sentence)
                elif not found:
                    clause = sentence[match.start() :]
                    clauses.append(clause[0].upper() + clause[1:])
    if found:
        return " ".join(found)
    return clauses[0] if clauses else None


# ---------------------------------------------------------------- codes


def _system(code: str) -> str:
    """The code's shape decides: 4 digits + digit/F/T/U is CPT, letter + 4 digits HCPCS."""
    if re.fullmatch(r"\d{4}[0-9FTU]", code):
        return "CPT"
    if re.fullmatch(r"[A-V]\d{4}", code):
        return "HCPCS"
    return "ICD-10-CM"


def _logical_lines(lines: list[str]) -> list[str]:
    """Undo wrapping: a line continues the previous one unless it starts a code, a bullet,
    or a new paragraph (after a blank line, a capital). PDF text layers wrap everything."""
    out: list[str] = []
    after_blank = True
    for line in lines:
        s = line.strip()
        if not s:
            after_blank = True
            continue
        starts = (
            not out
            or _CODE_LINE.match(s)
            or re.match(r"^[-•*]\s", s)
            or (after_blank and not s[0].islower())
            or out[-1].endswith(":")
        )
        if starts:
            out.append(s)
        else:
            out[-1] = f"{out[-1]} {s}"
        after_blank = False
    return out


def parse_codes(sections: list[Section]) -> tuple[BillingCode, ...]:
    """Code lines under CODING; the sentence introducing a list gives the codes' position."""
    codes: list[BillingCode] = []
    position: str | None = None
    for line in _logical_lines(_section(sections, ("coding", "codes", "billing codes"))):
        intro = _CODE_INTRO.search(line) if line.endswith(":") else None
        match = None if intro else _CODE_LINE.match(line)
        if intro:
            position = intro.group("position").rstrip(":").strip()
        elif match:
            code = match.group("code")
            desc = re.sub(r"\s+", " ", match.group("desc").replace("**", "")).strip()
            codes.append(BillingCode(code, _system(code), desc, position))
    return tuple(codes)


# ---------------------------------------------------------------- references


def parse_references(lines: list[str]) -> tuple[tuple[Citation, ...], list[str]]:
    """The reference list's entries, read by `evidence.citations.parse_citations` (in one batch),
    with its subheading and printed number; a document without a list gets one warning, not a
    refusal."""
    found = reflist.find_reference_list(lines)
    if not found.entries:
        return (), ["no reference list found; stored without references"]
    renumbered = any(e.printed is not None and e.printed != e.number for e in found.entries)
    from evidence.citations import parse_citations

    citations = []
    parsed = parse_citations([e.text for e in found.entries], [e.number for e in found.entries])
    for entry, citation in zip(found.entries, parsed, strict=True):
        printed = str(entry.printed) if renumbered and entry.printed is not None else None
        if entry.group is not None or printed is not None or entry.warnings:
            citation = replace(
                citation,
                group=entry.group,
                printed_number=printed,
                warnings=tuple(entry.warnings) + citation.warnings,
            )
        citations.append(citation)
    return tuple(citations), found.warnings
