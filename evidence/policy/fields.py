"""A policy's header: its title, number and dates, however the plan labels and lays them out.

Plans write `EFFECTIVE DATE: 01|01|2026`, `Effective Date 1/1/2026`, a label alone with its
value on the next line (an HTML table flattened), a row of labels followed by a row of values
(a horizontal table), or several `Label: value` pairs on one line (a PDF's header block). The
labels vary too ("Original Effective Date", "Next Review Date", "Policy Number", "LCD ID",
"Reference number"), so each field is a family of labels, and the most specific label is
tried first: "Next Review Date" is never read as a review date, nor "Original Effective
Date" as the effective date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evidence.policy.dates import parse_date

_LABELS: tuple[tuple[str, str], ...] = (
    (
        "original_effective",
        r"original\s+(?:policy\s+)?effective(?:\s+date)?|original\s+(?:issue|publication|policy)\s+date|"
        r"date\s+of\s+origin|origination\s+date|original\s+date|first\s+(?:issued|published|effective)|"
        r"date\s+(?:created|developed)|(?:creation|development)\s+date",
    ),
    (
        "next_review",
        r"(?:next|scheduled|planned|upcoming)\s+(?:annual\s+)?review(?:\s+date)?|review\s+due(?:\s+date)?|"
        r"next\s+revision\s+due",
    ),
    (
        "revision_effective",
        r"revision\s+effective(?:\s+date)?|revised\s+effective(?:\s+date)?|(?:last\s+)?revision\s+date|"
        r"date\s+(?:last\s+)?revised|last\s+revised(?:\s+date)?|amended(?:\s+date)?|date\s+amended",
    ),
    (
        "effective",
        r"(?:current\s+|policy\s+|coverage\s+|(?:LCD|NCD|article)\s+)?effective(?:\s+date)?|"
        r"date\s+effective|implementation\s+date",
    ),
    (
        "last_reviewed",
        r"(?:policy\s+)?(?:last\s+review(?:ed)?(?:\s+(?:date|on))?|date\s+of\s+(?:last\s+)?review|"
        r"date\s+(?:last\s+)?reviewed|(?:most\s+recent\s+)?review(?:ed)?\s+date|reviewed|last\s+updated|"
        r"annual\s+review(?:\s+date)?)",
    ),
    (
        "published",
        r"(?:date\s+)?published(?:\s+(?:date|on))?|publish\s+date|publication\s+date|date\s+of\s+publication|"
        r"issue\s+date|date\s+issued",
    ),
    (
        "policy_number",
        r"(?:medical\s+|clinical\s+|corporate\s+|payment\s+|coverage\s+|reimbursement\s+)?"
        r"(?:policy|document|guideline|bulletin|guidance|reference|report|LCD|NCD|article|CPB)\s+"
        r"(?:number|no\.?|#|id|code)|(?:LCD|NCD)\s+ID|policy\s*#|number",
    ),
)
_LABEL = re.compile(
    r"(?<![\w])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _LABELS) + r")(?![\w])",
    re.I,
)
_AFTER_LABEL = re.compile(r"^\s*(?:[:|–\-]|\s(?=\S))")
_STRONG_LABEL = re.compile(r"date|number|no\b|\bid\b|#|review", re.I)
_NUMBER_VALUE = re.compile(r"^[#:\s]*([A-Z0-9][A-Z0-9.\-_/]*\d[A-Z0-9.\-_/]*|\d[A-Z0-9.\-_/]*)", re.I)
DATE_FIELDS = ("original_effective", "next_review", "revision_effective", "effective", "last_reviewed")


@dataclass(frozen=True)
class _Label:
    field: str
    start: int
    end: int


def _labels_in(line: str) -> list[_Label]:
    """The field labels on a line: at its start, or later when a colon or a value follows."""
    found: list[_Label] = []
    for match in _LABEL.finditer(line):
        name = match.lastgroup or ""
        before = line[: match.start()].strip(" \t|•*-")
        after = line[match.end() :]
        if name == "policy_number" and match.group(0).lower() == "number" and before:
            continue
        if before:
            colon = re.match(r"^\s*[:|]", after)
            dated = _STRONG_LABEL.search(match.group(0)) and re.match(r"^\s+(?:\d|[A-Z][a-z]{2,8}\.?\s+\d)", after)
            if not (colon or dated):
                continue
        elif not (not after.strip() or _AFTER_LABEL.match(after)):
            continue
        found.append(_Label(name, match.start(), match.end()))
    return found


def _clean(value: str) -> str:
    """The value without its separator: a colon, a bar, dashes or dot leaders ('Number ..... 0547')."""
    value = _LEADER.sub("", value)
    return value.strip(" \t:|–-*_").strip()


_LEADER = re.compile(r"^\s*(?:\.{2,}|…+)[\s.…]*")
_TABLE_RULE = re.compile(r"^[|:\-\s]+$")


def _valid(field: str, value: str) -> str | None:
    """The value when it reads as the field's kind (a date, a policy number), else None."""
    value = _clean(value)
    if not value:
        return None
    if field in DATE_FIELDS:
        return value if parse_date(value) else None
    if field == "policy_number":
        match = _NUMBER_VALUE.match(value)
        return match.group(1).rstrip(".,;") if match else None
    return value


def header_fields(lines: list[str], limit: int = 400) -> dict[str, str]:
    """Each field's first value in the document's first `limit` lines, as written."""
    values: dict[str, str] = {}
    nonblank = [(i, ln.strip()) for i, ln in enumerate(lines[:limit]) if ln.strip()]
    k = 0
    while k < len(nonblank):
        _, line = nonblank[k]
        labels = _labels_in(line)
        if not labels:
            k += 1
            continue
        if len(labels) == 1 and not _clean(line[labels[0].end :]) and not line[: labels[0].start].strip(" |*#"):
            k = _label_alone(nonblank, k, values)
            continue
        if _table_header(line, labels):
            k = _table_row(nonblank, k, labels, values)
            continue
        for n, label in enumerate(labels):
            stop = labels[n + 1].start if n + 1 < len(labels) else len(line)
            value = _valid(label.field, line[label.end : stop])
            if value and label.field not in values:
                values[label.field] = value
        k += 1
    return values


def _table_header(line: str, labels: list[_Label]) -> bool:
    """'| Effective Date | Last Review | Original Date |': a table row of labels, no values."""
    if "|" not in line or len(labels) < 2:
        return False
    cells = [c.strip(" *_") for c in line.strip().strip("|").split("|")]
    return all(not c or _labels_in(c) and not _clean(c[_labels_in(c)[0].end :]) for c in cells)


def _table_row(nonblank: list[tuple[int, str]], k: int, labels: list[_Label], values: dict[str, str]) -> int:
    """The values of a table's header row of labels: the next row (past a '|---|' rule), cell by cell."""
    line = nonblank[k][1]
    heads = [c.strip(" *_") for c in line.strip().strip("|").split("|")]
    j = k + 1
    while j < len(nonblank) and _TABLE_RULE.match(nonblank[j][1]):
        j += 1
    if j >= len(nonblank) or "|" not in nonblank[j][1]:
        return k + 1
    cells = [c.strip(" *_") for c in nonblank[j][1].strip().strip("|").split("|")]
    for head, cell in zip(heads, cells, strict=False):
        found = _labels_in(head)
        if not found:
            continue
        value = _valid(found[0].field, cell)
        if value and found[0].field not in values:
            values[found[0].field] = value
    return j + 1


def _label_alone(nonblank: list[tuple[int, str]], k: int, values: dict[str, str]) -> int:
    """A label alone on its line: its value is on the next line, or, for a row of labels
    (a horizontal table), the values follow in the same order."""
    row: list[str] = []
    j = k
    while j < len(nonblank):
        line = nonblank[j][1]
        labels = _labels_in(line)
        if len(labels) == 1 and not _clean(line[labels[0].end :]) and not line[: labels[0].start].strip(" |*#"):
            row.append(labels[0].field)
            j += 1
        else:
            break
    for offset, name in enumerate(row):
        if j + offset >= len(nonblank):
            break
        value = _valid(name, nonblank[j + offset][1])
        if value is None and len(row) == 1:
            break
        if value and name not in values:
            values[name] = value
    return j if len(row) > 1 else k + 1


# ---------------------------------------------------------------- title

_CHROME = re.compile(
    r"^(?:skip\s+to\b|jump\s+to\b|home\b|menu\b|search\b|print\b|log\s*in\b|sign\s+in\b|share\b|"
    r"back\s+to\b|return\s+to\b|you\s+are\s+here|breadcrumb|close\b|toggle\b|main\s+navigation|"
    r"download\b|email\b|font\s+size|español|select\s+language|accessibility|cookie|"
    r"find\s+a\s+(?:doctor|provider)|contact\s+us|member\s+login|provider\s+login|"
    r"(?:printer[- ]friendly|view\s+pdf)|last\s+modified|page\s+\d+)",
    re.I,
)
_BREADCRUMB = re.compile(r"(?:\s[>›»/|]\s.*){1,}|^[>›»]")
_LABEL_ONLY = re.compile(
    r"^(?:[\w&.®™'’\-]+\s+){0,5}(?:medical|clinical|payment|coverage|reimbursement|corporate|"
    r"utilization|pharmacy|drug|medicaid|medicare|commercial|dental|behavioral\s+health)\s+"
    r"(?:policy|policies|policy\s+bulletin|bulletin|guideline|guidelines|coverage\s+guideline|"
    r"determination|manual|article|document|(?:review|necessity)\s+criteria|criteria)(?:\s*\([\w\s]+\))?$|"
    r"^(?:local|national)\s+coverage\s+(?:determination|article)(?:\s*\([A-Z]+\))?$|"
    r"^(?:interventional\s+procedures?|technology\s+appraisal|medical\s+technologies|"
    r"diagnostics|clinical|nice)\s+guidance$|^health\s+technology\s+assessment(?:\s+report)?$|"
    r"^(?:medical|clinical|payment|coverage)\s+policy$",
    re.I,
)
_ORGANISATION = re.compile(
    r"^(?:\S+\s+){0,7}?(?:inc\.?|llc|l\.l\.c\.|health\s*plans?|healthcare|health\s+care|blue\s+cross|"
    r"blue\s+shield|insurance|company|corporation|agency|unit|institute|department|ministry|"
    r"directorate|programme|medicaid|medicare)[®™]?$|^(?=.*\bblue\s+(?:cross|shield)\b)(?:\S+\s*){1,10}$",
    re.I,
)
# 'Medicaid and Health Choice', 'NC Medicaid', 'Medicare Advantage': a programme named above
# the title (a few capitalised words, one of them Medicaid / Medicare / CHIP, nothing else)
_PROGRAMME = re.compile(
    r"^(?=.*\b(?i:medicaid|medicare|chip)\b)[A-Z][\w.&'’\-]*(?:\s+(?:[A-Z][\w.&'’\-]*|and|&|of)){0,5}$"
)
_TITLE_PREFIX = re.compile(
    r"^(?:(?:medical|clinical|corporate\s+medical|payment|coverage|medicaid)\s+policy(?:\s+bulletin)?|"
    r"policy\s+(?:title|name)|subject|title|topic|(?:LCD|NCD)\s+title)\s*[:\-–—]\s+(?=\S)",
    re.I,
)


#: a label, a separator, the title: "Medical Coverage Guideline — X", "Clinical Policy: X", "Medical Policy | X"
_LABEL_THEN_TITLE = re.compile(r"^(.{4,80}?)\s*(?:[:|]|\s[-–—]|—)\s+(\S.{3,})$")


def find_title(lines: list[str], is_section: object) -> str | None:
    """The document's own heading: the first line that is not page chrome, a label, a field or
    a section heading; None when the first section begins before any such line."""
    seen = 0
    for line in lines:
        s = line.strip().lstrip("#").strip().strip("*_").strip()
        if not s:
            continue
        seen += 1
        if seen > 40 or len(s) > 300:
            return None
        prefixed = _TITLE_PREFIX.match(s)
        if prefixed:
            return _tidy(s[prefixed.end() :])
        labelled = _LABEL_THEN_TITLE.match(s)  # "Medical Coverage Guideline — Spinal Cord Stimulation"
        if labelled and _LABEL_ONLY.match(labelled.group(1)):
            return _tidy(labelled.group(2))
        if _labels_in(s):
            continue
        if callable(is_section) and is_section(s):
            return None
        if _CHROME.match(s) or _BREADCRUMB.search(s) and len(s.split()) <= 20 or _LABEL_ONLY.match(s):
            continue
        if _ORGANISATION.match(s) or _PROGRAMME.match(s):  # the plan's, agency's or programme's name
            continue
        if s.endswith((".", ":", ";", ",")) or len(s) < 4 or not re.search(r"[A-Za-z]{3}", s):
            continue
        if parse_date(s) and len(s) < 40 or len(s.split()) > 25:
            continue
        return _tidy(s)
    return None


def _tidy(title: str) -> str | None:
    title = re.sub(r"\s+", " ", title).strip().strip("*_").strip()
    return title or None
