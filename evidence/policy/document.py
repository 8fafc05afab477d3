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
from dataclasses import dataclass

from evidence.errors import InputError
from evidence.policy.dates import parse_date
from evidence.policy.references import parse_citation, split_entries
from evidence.records import BillingCode, PolicyDocument, Statement

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
}
REFERENCE_SECTIONS = ("references", "bibliography", "citations", "sources", "reference list")
STATEMENT_SECTIONS = ("policy statement", "policy statements", "coverage policy", "policy")

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
    ("not medically necessary", r"not\s+(?:considered\s+)?medically\s+necessary"),
    ("not covered", r"not\s+(?:a\s+)?covered|non-?covered|\bexcluded\b"),
    ("investigational", r"(?:experimental\s*(?:/|and|or)\s*)?investigational|experimental"),
    ("medically necessary", r"medically\s+necessary"),
    ("covered", r"\bcovered\b"),
)
_CONCLUSION = re.compile(r"\bthe evidence is (?:in)?sufficient\b", re.I)
_CODE_LINE = re.compile(
    r"^[-•*\s]*(?P<code>\d{4}[0-9FTU]|[A-V]\d{4}|[A-TV-Z]\d[0-9A-Z](?:\.[0-9A-Z]{1,4})?)"
    r"(?P<marks>\**)\s*[:\-–]?\s+(?P<desc>\S.*)$"
)
_CODE_INTRO = re.compile(r"\bcodes?\b.*?\b(?:is|are)\s+(?P<position>.+?)\s*:?\s*$", re.I)
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
    """Parse a policy's plain text; a document without a reference list is refused."""
    lines = text.split("\n")
    sections = split_sections(lines)
    references, ref_warnings = _references(sections)
    statements = parse_statements(sections)
    return PolicyDocument(
        text=text,
        title=find_title(lines),
        effective_date=parse_date(_field(lines, _FIELD_EFFECTIVE)),
        last_reviewed=parse_date(_field(lines, _FIELD_REVIEWED)),
        published=_published(sections, lines),
        conclusion=find_conclusion(sections),
        statements=statements,
        codes=parse_codes(sections),
        related=tuple(_plain_lines(_section(sections, ("related policies",)))),
        references=references,
        warnings=tuple(ref_warnings),
    )


# ---------------------------------------------------------------- sections


def is_heading(line: str) -> bool:
    """An ALL-CAPS line (not a field, not a product line, not a citation) or a known name."""
    s = line.strip().rstrip(":").strip()
    if not s or len(s) > 80:
        return False
    if s.lower() in KNOWN_SECTIONS:
        return True
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
            sections.append(Section(heading.lower(), heading, []))
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


def find_title(lines: list[str]) -> str | None:
    """The first line, when it is a title: not a field, not a section heading, not a sentence."""
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    candidate = first.lstrip("#").strip()
    if not candidate or len(candidate) > 200 or candidate.endswith((".", ":")):
        return None
    if _field_value(candidate) is not None or candidate.lower().rstrip(":") in KNOWN_SECTIONS:
        return None
    if candidate.lower() in ("medical policy", "payment policy", "clinical policy"):
        return None
    return candidate


def _field(lines: list[str], pattern: re.Pattern[str]) -> str | None:
    """A 'LABEL: value' line's value, or the next line's when the label stands alone."""
    for i, line in enumerate(lines):
        match = pattern.match(line.strip())
        if not match:
            continue
        value = match.group(1).strip()
        if value:
            return value
        following = next((ln for ln in lines[i + 1 : i + 4] if ln.strip()), None)
        if following is not None and parse_date(following):
            return following
    return None


def _published(sections: list[Section], lines: list[str]) -> str | None:
    body = _plain_lines(_section(sections, ("published",)))
    if body:
        return body[0]
    for line in lines:
        match = re.match(r"^\s*published\s*:\s*(\S.*)$", line, re.I)
        if match:
            return match.group(1).strip()
    return None


# ---------------------------------------------------------------- statements, conclusion


def status_of(text: str) -> str | None:
    """The coverage status a sentence states; the earliest phrase wins, negations first."""
    best: tuple[int, int, str] | None = None
    for rank, (status, pattern) in enumerate(_STATUSES):
        match = re.search(pattern, text, re.I)
        if match and (best is None or (match.start(), rank) < best[:2]):
            best = (match.start(), rank, status)
    return best[2] if best else None


def parse_statements(sections: list[Section]) -> tuple[Statement, ...]:
    lines = _section(sections, STATEMENT_SECTIONS)
    statements: list[Statement] = []
    product: str | None = None
    body: list[str] = []

    def flush() -> None:
        text = " ".join(_paragraphs(body))
        status = status_of(text)
        if text and status:
            statements.append(Statement(product or "All products", status, text))

    for line in lines:
        s = line.strip()
        if s and len(s) <= 80 and not s.endswith((".", ";", ",")) and _PRODUCT.search(s):
            flush()
            product, body = s.rstrip(":"), []
        else:
            body.append(line)
    flush()
    return tuple(statements)


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


def _reference_lines(sections: list[Section]) -> list[str] | None:
    """The reference section's lines up to a footer link, a disclaimer or the next section.

    An unknown ALL-CAPS line inside the list (a wrapped 'CLINICAL PRACTICE.' or '(ESC).')
    continues the entry when that entry is unfinished; after a finished entry it ends the list.
    """
    start = next((i for i, s in enumerate(sections) if s.name in REFERENCE_SECTIONS), None)
    if start is None:
        return None
    lines: list[str] = []
    for index in range(start, len(sections)):
        section = sections[index]
        if index > start:
            if section.name in KNOWN_SECTIONS or _entry_finished(lines):
                break
            lines.append(section.heading)
        for line in section.lines:
            if _FOOTER_LINK.match(line) or _DISCLAIMER.match(line):
                return lines
            lines.append(line)
    return lines


def _entry_finished(lines: list[str]) -> bool:
    last = next((ln.strip() for ln in reversed(lines) if ln.strip()), "")
    return not last or bool(re.search(r"(?:PMID:?\s*\d+|NCT\d{8}|\d|\.|\))\s*$", last))


def _references(sections: list[Section]) -> tuple[tuple, list[str]]:  # type: ignore[type-arg]
    lines = _reference_lines(sections)
    entries, warnings = split_entries(lines or [])
    if not entries:
        raise InputError(
            "no reference list found", hint="the parser looks for a REFERENCES section"
        )
    return tuple(parse_citation(e.number, e.text) for e in entries), warnings
