"""Where a policy's reference list is, and where each of its entries begins and ends.

Plans write the list every way there is: under "REFERENCES", "4 References", "HTA 101:
References", "Bibliography", an intro line ("The above policy is based on the following
references:") or no heading at all; numbered `1.`, `[1]`, `1)`, a number alone on its line,
`• 1`, bulleted, or one unnumbered entry per paragraph (or per line); in subheaded groups
("Peer Reviewed Publications:"); wrapped over lines and page breaks, with running headers,
footers and "Page 8 of 13" falling in the middle of an entry. This module turns the document's
lines into entry strings (`RawEntry`), each with its group and its printed number; reading
the fields of one entry is `references.parse_citation`'s job, not this module's.

How the section is found: every line that reads as a reference heading (or intro line) is a
candidate, and each candidate's list is built; the candidate whose list has the most
citation-like entries wins, so a contents page that merely names "References" loses to the
real section. With no heading, the longest run of citation-like paragraphs is taken. The list
ends at the next section of any kind: a known section name (Policy History, Index, Appendix,
Coding, Disclaimer...), or a heading-shaped line that no citation follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# ---------------------------------------------------------------- vocabulary

_REFERENCE_NAMES = re.compile(
    r"^(?:(?:list|sources)\s+of\s+)?(?:selected\s+|key\s+|cited\s+|scientific\s+|additional\s+|"
    r"other\s+|supporting\s+|general\s+)?"
    r"(?:references?(?:\s+(?:list|cited|used|and\s+(?:citations|sources|resources|bibliography)))?|"
    r"bibliography|bibliographies|literature(?:\s+(?:cited|references|reviewed))?|reference\s+list|"
    r"sources?(?:\s+(?:of\s+information|cited|used))?|works\s+cited|citations|evidence\s+sources|"
    r"(?:evidence|references?)\s+and\s+source\s+documents|source\s+documents)$",
    re.I,
)
_INTRO = re.compile(
    r"^(?=.{10,220}$).*\b(?:based\s+on|following|listed\s+below|were\s+(?:used|reviewed|consulted))\b"
    r".*\b(?:references?|sources|literature|publications|bibliography|citations)\b.*:\s*$",
    re.I,
)
# sections that end the list (matched on the heading's start, in lower case)
_STOP_PREFIXES = (
    "policy history", "revision", "history", "document history", "review history", "change ",
    "changes", "index", "website", "web site", "additional information", "associated document",
    "related document", "related polic", "related guidance", "related content", "appendix",
    "appendices", "attachment", "coding", "codes", "code list", "billing", "cpt ", "hcpcs",
    "icd-10", "applicable code", "disclaimer", "definitions", "glossary", "acknowledg", "policy",
    "background", "rationale", "description", "coverage", "summary", "note", "notes",
    "instructions for use", "approval", "key words", "keywords", "published", "contact",
    "about this", "update information", "effective date", "documentation", "benefit application",
    "place of service", "medicare", "medicaid", "footnote", "legal", "nondiscrimination",
    "non-discrimination", "language assistance", "copyright", "feedback", "archived",
    "regulatory status", "clinical criteria", "criteria", "authorization", "prior authorization",
    "reimbursement", "limitations", "exclusions", "scope", "purpose", "overview", "indications",
    "guidance", "recommendations", "evidence", "committee", "implementation", "other versions",
)  # fmt: skip
_FOOTER_LINK = re.compile(r"^\s*\[[^\]]*\]\([^)]*\)\s*$")
_DISCLAIMER = re.compile(
    r"^\s*(?:this (?:medical |clinical |coverage )?(?:policy|guideline|document) (?:is|does)|"
    r"disclaimer\b|©|copyright\b|\(c\)\s*\d{4}|all rights reserved|"
    r"(?:cpt|current procedural terminology)\b[^.]{0,40}(?:copyright|registered trademark))",
    re.I,
)
_FURNITURE = re.compile(
    r"^\s*(?:page\s*\d+(?:\s*(?:of|/)\s*\d+)?|\d+\s*(?:of|/)\s*\d+|-\s*\d+\s*-|"
    r"\d+\s*\|\s*page|page\s*\|\s*\d+|\(?continued\)?|continued (?:on|from) .{0,40})\s*$",
    re.I,
)
_CHROME_HINT = re.compile(
    r"page|polic|\b(?:no|number|#)\b|\d{1,2}/\d{1,2}/\d{2,4}|https?://|www\.|©|copyright|"
    r"confidential|proprietary|printed|effective|reviewed|guideline|bulletin|\.(?:com|org|gov)\b",
    re.I,
)

_DOI_IN = re.compile(r"\b10\.\d{4,9}/\S")  # a DOI: a piece of an entry, never a running footer
_LINK_TAIL = re.compile(r"(?:doi\.org/|doi:|/)\S*$")
_CAPITALISED = re.compile(r"[A-Z][a-z]")
_HEADING_START = re.compile(r"^[#*_\s]*(?:[A-Z]|\d+\.?\s+[A-Z]|[IVX]+\.\s)")
_SENTENCE_BREAK = re.compile(r"[a-z]{2}\.\s+[A-Z]")
_CITATION_PIECE = re.compile(r"\d\s*[;:]\s*[(\d]|\d\s*\(\s*\d|\b(?:19|20)\d\d\s*[;.,]|\bet al\b|\d\s*[-–]\s*\d+\.$")
_BULLET = r"[•·▪●◦■□‣⁃∙*\-–—]"
_NUMBERED = re.compile(
    rf"^\s*(?:{_BULLET}\s*)?(?:\[(?P<a>\d{{1,5}})\]|\((?P<b>\d{{1,5}})\)|(?P<c>\d{{1,5}})[.)])\s*(?P<text>\S.*)$"
)
_BARE_NUMBERED = re.compile(rf"^\s*(?:{_BULLET}\s*)?(?P<c>\d{{1,5}})\s+(?P<text>\S.*)$")
_NUMBER_ALONE = re.compile(rf"^\s*(?:{_BULLET}\s*)?\[?\(?(?P<c>\d{{1,5}})[.)\]]?\s*$")
_BULLETED = re.compile(rf"^\s*{_BULLET}\s+(?P<text>\S.*)$")

_YEAR = re.compile(r"(?<![\d/])(?:1[89]\d\d|20\d\d)(?!\d)")
# matched on the lower-cased text: case-insensitive alternations are slow in `re`
_IDENT = re.compile(
    r"pmid|\bdoi\b|10\.\d{4,9}/|https?://|www\.|\bpmc\d|\bnct\d{8}|available (?:at|from)|accessed|"
    r"retrieved|\bisbn\b"
)
_SOURCE_SHAPE = re.compile(
    r"\d\s*\(\s*[\w\-\s]{1,20}\)|;\s*\d|:\s*[ea-z]?\d|\bpp?\.\s*\d|\bvol\.|"
    r"press|publish|universit|institut|agency|associat|societ|organi[sz]ation|college|academy|"
    r"department|center|centre|council|foundation"
)
_NAME = r"[A-ZÀ-ÖØ-Þ\u0100-\u017f][\w'’`\-]*(?:\s+(?:van|von|de|der|den|del|da|di|la|le|du|dos|ten|ter)\b)?"
_PARTICLE = r"(?:(?:van|von|de|der|den|del|della|da|di|la|le|du|dos|ten|ter|al|el)\s+){1,3}"
_AUTHOR_START = re.compile(
    rf"^(?:{_PARTICLE}(?=[A-Z]))?(?:{_NAME}(?:[\s\-]{_NAME})?\s+(?:[A-Z]\.?\s?-?){{1,3}}(?:[,.;]|\s+(?:and|&)\s|\s+et\s+al)"
    rf"|{_NAME}(?:[\s\-]{_NAME})?,\s+(?:[A-Z][a-z]+\s+)?(?:[A-Z]\.\s?){{1,3}}"
    rf"|(?:[A-Z]\.\s?){{1,3}}\s*{_NAME},"
    rf"|[A-Z][A-Z'\-]+,?\s+[A-Z]{{1,3}}[,.]"
    rf"|{_NAME}\s+(?:[A-Z]\.?){{1,3}}\s+\(\d{{4}}\))"
)
_CONTINUATION = re.compile(
    r"^(?:(?i:PMID|PMCID|doi|https?:|www\.|available|accessed|retrieved|updated|cited|epub|\[epub|"
    r"erratum|published|url|isbn)|\(|\d|[a-z]|[;:,.\-–)])"
)
_STRONG_END = re.compile(
    r"(?:\d+\s*[-–]\s*\w+|\b[eA-Z]?\d+|PMID:?\s*\d+|\bdoi:?\s*\S+|https?://\S+|NCT\d{8}|"
    r"\b(?:19|20)\d\d\]?|\))\.?\s*$",
    re.I,
)
_TOC_TAIL = re.compile(r"(?:\.{3,}|…+|\s{2,}|\t)\s*\d+\s*$|\s\d{1,3}\s*$")
_NUMBERING_PREFIX = re.compile(r"^(?:section\s+|part\s+|chapter\s+)?(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.|[A-Z][.)])\s+", re.I)


@dataclass
class RawEntry:
    """One entry of the reference list, as written: its text, subheading and printed number."""

    text: str
    group: str | None = None
    printed: int | None = None
    number: int = 0  # assigned once the whole list is known
    warnings: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list, repr=False)


@dataclass
class ReferenceList:
    entries: list[RawEntry]
    warnings: list[str]
    start: int | None = None  # the line index where the list's section begins
    end: int | None = None  # one past its last line
    found_by: str | None = None  # "heading" | "shape" | None
    heading: str | None = None  # the heading's words, when found by one


# ---------------------------------------------------------------- line shapes


def heading_text(line: str) -> str:
    """A heading's words: Markdown '#', bold markers, numbering ('4', 'IV.'), a trailing colon."""
    s = line.strip().strip("#*_ ").strip()
    s = _NUMBERING_PREFIX.sub("", s, count=1)
    return s.rstrip(":").strip().strip("*_ ").strip()


def is_reference_heading(line: str) -> bool:
    """'References', '4 References', 'HTA 101: References', 'LIST OF REFERENCES:' (not a TOC line)."""
    s = line.strip()
    if not s or len(s) > 90 or _TOC_TAIL.search(s.rstrip(":")) and not _NUMBERING_PREFIX.match(s):
        return False
    words = heading_text(s)
    if _REFERENCE_NAMES.match(words):
        return True
    prefix, colon, rest = words.rpartition(":")
    return bool(colon and prefix and len(prefix) <= 40 and _REFERENCE_NAMES.match(rest.strip()))


def is_intro_line(line: str) -> bool:
    s = line.strip()
    return s.endswith(":") and bool(_INTRO.match(s))


def is_stop_heading(line: str) -> bool:
    """A known section that is not references: Policy History, Index, Appendix, Coding..."""
    s = line.strip()
    if not s or len(s) > 100 or s.endswith((".", ";", ",")):
        return False
    words = heading_text(s).lower()
    if not words or _REFERENCE_NAMES.match(words) or looks_like_citation(s):
        return False
    if len(words.split()) > 10:
        return False
    return words.startswith(_STOP_PREFIXES) or words in ("codes", "index", "history")


def is_furniture(line: str) -> bool:
    return bool(_FURNITURE.match(line))


def heading_shaped(line: str) -> bool:
    """A short line that reads like a (sub)heading rather than a piece of a citation."""
    s = line.strip()
    if not s or len(s) > 110 or s.endswith((".", ";", ",")) or _YEAR.search(s) and _SOURCE_SHAPE.search(s.lower()):
        return False
    if _has_ident(s) or not _HEADING_START.match(s):
        return False
    if author_start(s) or _SENTENCE_BREAK.search(s):  # authors, or sentences: a wrapped entry
        return False
    return len(s.split()) <= 12


def author_start(text: str) -> bool:
    return bool(_AUTHOR_START.match(text.strip().lstrip('*_"“ ')))


def looks_like_citation(text: str) -> bool:
    """Two signals of a reference among: authors first, a year, a source (volume, pages,
    publisher) or an identifier (PMID, DOI, URL)."""
    return _citation_like(text.strip()[:2000])  # an entry of 100 KB is judged by its beginning


@lru_cache(maxsize=65536)
def _citation_like(head: str) -> bool:
    if len(head) < 20:
        return False
    lower = head.lower()
    has_year = bool(_YEAR.search(head))
    ident = bool(_IDENT.search(lower))
    signals = author_start(head) + has_year + bool(_SOURCE_SHAPE.search(lower)) + ident
    return signals >= 3 or signals >= 2 and (has_year or ident)


def _has_ident(text: str) -> bool:
    return bool(_IDENT.search(text.lower()))


def complete(text: str) -> bool:
    """Ends the way an entry ends (a period, a digit, a closing bracket, an identifier)."""
    tail = text.rstrip()[-200:]
    if not tail:
        return False
    if not (tail[-1] in ".)]" or tail[-1].isdigit() or "/" in tail.rsplit(None, 1)[-1]):
        return False
    return bool(_YEAR.search(text[-4000:])) or _has_ident(text[-4000:])


def strongly_complete(text: str) -> bool:
    return complete(text) and bool(_STRONG_END.search(text.rstrip()[-200:]))


# ---------------------------------------------------------------- running headers and footers


def chrome_lines(lines: list[str]) -> set[int]:
    """Indexes of page chrome: 'Page N of M' and lines repeated on every page (digits aside).

    A repeated line counts when it looks like chrome (names a page, a policy, a date or a web
    address) and appears twice, or appears three times a page apart (a dozen lines or more
    between them). Citations and their pieces, entry starts, bare numbers and section
    headings never count: the same heading in a contents page and the body is not a running
    header, and wrapped entries repeat the same fragment ('of widgets. J Synth Med.')."""
    found: set[int] = set()
    where: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        if _FURNITURE.match(s):
            found.add(i)
            continue
        if len(s) > 160 or _NUMBER_ALONE.match(s) or _NUMBERED.match(s) or _CITATION_PIECE.search(s):
            continue
        if _DOI_IN.search(s):
            continue
        if author_start(s) or is_reference_heading(s) or is_stop_heading(s) or looks_like_citation(s):
            continue
        where.setdefault(re.sub(r"\s+", " ", re.sub(r"\d+", "#", s.lower())), []).append(i)
    for key, places in where.items():
        if len(places) < 2:
            continue
        gaps = sorted(b - a for a, b in zip(places, places[1:], strict=False))
        if _CHROME_HINT.search(key) or len(places) >= 3 and gaps[len(gaps) // 2] >= 12:
            found.update(places)
    return found


# ---------------------------------------------------------------- finding the list


def find_reference_list(lines: list[str]) -> ReferenceList:
    """The document's reference list: the best headed section, else a run found by shape."""
    chrome = chrome_lines(lines)
    best: ReferenceList | None = None
    found: list[ReferenceList] = []
    for i, line in enumerate(lines):
        if i in chrome or not (is_reference_heading(line) or is_intro_line(line)):
            continue
        if found and found[-1].end is not None and i < found[-1].end:
            continue  # a subheading of the list before
        candidate = _list_from(lines, i + 1, chrome)
        candidate.start, candidate.found_by = i, "heading"
        candidate.heading = heading_text(line)
        if _score(candidate) > 0:
            found.append(candidate)
        if best is None or _score(candidate) > _score(best):
            best = candidate
    if len(found) > 1:
        return _merged(found)
    if best is not None and _score(best) > 0:
        return best
    by_shape = _by_shape(lines, chrome)
    if by_shape is not None:
        return by_shape
    if best is not None and best.entries:
        return best
    return ReferenceList([], [])


def _merged(lists: list[ReferenceList]) -> ReferenceList:
    """Several headed lists (a list per chapter, 'Additional references'): one list, each
    entry's group its list's heading, numbered 1..N unless the printed numbers already run on."""
    entries = [e for found in lists for e in found.entries]
    for found in lists:
        for entry in found.entries:
            entry.group = entry.group or found.heading
    if not all(b.number > a.number for a, b in zip(entries, entries[1:], strict=False)):
        for n, entry in enumerate(entries, start=1):
            entry.number = n
    warnings = _dedupe([w for found in lists for w in found.warnings])
    return ReferenceList(entries, warnings, lists[0].start, lists[-1].end, "heading")


def _score(found: ReferenceList, sample: int = 200) -> int:
    """Citation-like entries (judged on the first `sample`; a long list's rest counts as such)."""
    head = found.entries[:sample]
    return sum(looks_like_citation(e.text) for e in head) + max(0, len(found.entries) - sample)


def _by_shape(lines: list[str], chrome: set[int]) -> ReferenceList | None:
    """The longest run of citation-like paragraphs (or lines) anywhere: a list with no heading."""
    runs: list[tuple[int, int, int]] = []  # (count, start, end)
    count, start, last = 0, None, None
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or i in chrome:
            continue
        if looks_like_citation(s) or (
            start is not None
            and not heading_shaped(s)
            and not is_stop_heading(s)
            and (_CONTINUATION.match(s) or not complete(lines[last or i]))
        ):
            if start is None:
                start, count = i, 0
            if looks_like_citation(s) and (
                last is None
                or _NUMBERED.match(s)
                or _BULLETED.match(s)
                or author_start(s)
                or complete(lines[last])
                and not _CONTINUATION.match(s)
            ):
                count += 1
            last = i
            continue
        if start is not None:
            runs.append((count, start, (last or start) + 1))
        count, start, last = 0, None, None
    if start is not None:
        runs.append((count, start, (last or start) + 1))
    runs = [r for r in runs if r[0] >= 3]
    if not runs:
        return None
    _, begin, end = max(runs, key=lambda r: (r[0], r[1]))
    found = _list_from(lines[:end], begin, chrome)
    found.start, found.found_by = begin, "shape"
    found.warnings.insert(0, "no reference heading found; the list was recognised by its shape")
    return found


def _list_from(lines: list[str], start: int, chrome: set[int]) -> ReferenceList:
    """The list that starts at line `start`: content up to the next section, then entries."""
    content: list[tuple[str, str]] = []  # ("line", text) | ("blank", "") | ("group", text)
    end = len(lines)
    i = start
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        if i in chrome or (s and _FURNITURE.match(s)):
            i += 1
            continue
        if not s:
            content.append(("blank", ""))
            i += 1
            continue
        if _FOOTER_LINK.match(s) or _DISCLAIMER.match(s):
            end = i
            break
        if _NUMBERED.match(s) and not is_reference_heading(s):  # the common case, decided fast
            content.append(("line", s))
            i += 1
            continue
        if is_stop_heading(s):
            end = i
            break
        if is_reference_heading(s) or is_intro_line(s):
            if any(kind == "line" for kind, _ in content):  # a second list: its own group
                content.append(("group", heading_text(s)))
            i += 1
            continue
        if heading_shaped(s) and not _NUMBERED.match(s) and not _NUMBER_ALONE.match(s):
            current = _current_text(content)
            if current and (not complete(current) or _AUTHOR_YEAR_HEAD.search(current[-300:])) and not s.endswith(":"):
                content.append(("line", s))  # a wrapped title line, e.g. 'CLINICAL PRACTICE'
            elif _citation_follows(lines, i + 1, chrome):
                content.append(("group", heading_text(s)))
            else:
                end = i
                break
            i += 1
            continue
        content.append(("line", s))
        i += 1
    entries, warnings = split(content)
    return ReferenceList(entries, warnings, start, end)


def _current_text(content: list[tuple[str, str]]) -> str:
    """The text of the lines since the last blank or group marker (the entry being read)."""
    parts: list[str] = []
    for kind, text in reversed(content):
        if kind != "line":
            if parts:
                break
            continue
        parts.append(text)
        if _NUMBERED.match(text) or len(parts) > 50:
            break
    return " ".join(reversed(parts))


def _citation_follows(lines: list[str], start: int, chrome: set[int]) -> bool:
    """Whether an entry follows (judged on the next few lines together: wrapped entries)."""
    following: list[str] = []
    for j in range(start, min(len(lines), start + 40)):
        s = lines[j].strip()
        if not s or j in chrome or _FURNITURE.match(s) or _NUMBER_ALONE.match(s):
            continue
        if not following and (_NUMBERED.match(s) or _BULLETED.match(s)):
            return True
        if heading_shaped(s) and not following:
            return False
        following.append(s)
        if len(following) == 3:
            break
    return bool(following) and (looks_like_citation(following[0]) or looks_like_citation(" ".join(following)))


# ---------------------------------------------------------------- splitting entries


def split(content: list[tuple[str, str]]) -> tuple[list[RawEntry], list[str]]:
    """Entries from the section's content: numbered, bulleted or unnumbered, then numbered 1..N."""
    content = [piece for kind, text in content for piece in _unjoined(kind, text)]
    lines = [text for kind, text in content if kind == "line"]
    marked = sum(bool(_NUMBERED.match(s) or _NUMBER_ALONE.match(s)) for s in lines)
    bare = sum(bool(_bare(s, 0, any_number=True)) for s in lines)
    numbered = marked + bare
    bulleted = sum(bool(_BULLETED.match(s)) and not _NUMBERED.match(s) for s in lines)
    if numbered >= 2 or numbered == 1 and len(lines) <= 3:
        entries = _numbered(content, bare=bare > marked)
        style = "numbered"
    elif bulleted >= 2 or bulleted == 1 and len(lines) <= 3:
        entries = _bulleted(content)
        style = "bulleted"
    else:
        entries = _unnumbered(content)
        style = "unnumbered"
    entries = [e for e in entries if e.lines]
    for entry in entries:
        entry.text = join_wrapped(entry.lines)
    entries = [e for e in entries if e.text]
    return entries, _number(entries, style)


#: where a run-in entry may start: after the end of the one before (". ", ") ", "] "), its number
_RUN_IN = re.compile(r"(?<=[.)\]])\s+(?:\[(?P<a>\d{1,4})\]|(?P<c>\d{1,4})[.)])\s+(?=\S)")


def _unjoined(kind: str, text: str) -> list[tuple[str, str]]:
    """A numbered list run into one line, as a PDF's text layer or a pasted page gives it
    ("1. Doe J. ... 2016;73:789-95. 2. Roe R. ..."): cut before each next number in sequence
    that follows a finished entry and starts with authors. Anything else stays one line."""
    first = _NUMBERED.match(text) if kind == "line" and len(text) >= 80 else None
    if not first:
        return [(kind, text)]
    pieces, start, expect = [], 0, _printed(first) + 1
    for m in _RUN_IN.finditer(text):
        number = int(m.group("a") or m.group("c"))
        if number == expect and complete(text[start : m.start()]) and author_start(text[m.end() :]):
            pieces.append(("line", text[start : m.start()].strip()))
            start, expect = m.start(), expect + 1
    pieces.append(("line", text[start:].strip()))
    return pieces


def _numbered(content: list[tuple[str, str]], bare: bool = False) -> list[RawEntry]:
    entries: list[RawEntry] = []
    group: str | None = None
    pending: int | None = None  # a number alone on its line, waiting for its text
    last_number = 0
    for index, (kind, text) in enumerate(content):
        if kind == "group":
            group, pending = text, None
            last_number = 0
            continue
        if kind == "blank":
            continue
        alone = _NUMBER_ALONE.match(text)
        if alone:
            number = int(alone.group("c"))
            if _plausible(number, last_number, entries, group) and _text_follows(content, index):
                pending = number
            continue  # otherwise a page number
        match = _NUMBERED.match(text) or (_bare(text, last_number) if bare else None)
        if pending is not None:
            entries.append(RawEntry("", group, pending, lines=[text]))
            last_number, pending = pending, None
            continue
        if match:
            number = _printed(match)
            if _plausible(number, last_number, entries, group) and (
                number == last_number + 1
                or author_start(match.group("text"))
                or not entries
                or complete(join_wrapped(entries[-1].lines))
            ):
                entries.append(RawEntry("", group, number, lines=[match.group("text")]))
                last_number = number
                continue
        if entries and entries[-1].group == group:
            entries[-1].lines.append(text)
        elif looks_like_citation(text) or entries:
            entries.append(RawEntry("", group, None, lines=[text]))
    return entries


def _printed(match: re.Match[str]) -> int:
    groups = match.groupdict()
    return int(groups.get("a") or groups.get("b") or groups["c"])


def _bare(text: str, last_number: int, any_number: bool = False) -> re.Match[str] | None:
    """'1 Smith AB, ...' (a number, a space, the authors): only the next number in sequence."""
    match = _BARE_NUMBERED.match(text)
    if not match or len(match.group("c")) > 4:
        return None
    if any_number:
        return match if author_start(match.group("text")) else None
    in_sequence = int(match.group("c")) in (last_number + 1, 1)
    capital = re.match(r"[A-ZÀ-Þ\u0100-\u017f][\w.'’\-]*[\s,]", match.group("text"))
    return match if in_sequence and (author_start(match.group("text")) or capital) else None


def _plausible(number: int, last: int, entries: list[RawEntry], group: str | None) -> bool:
    """The next number, a restart at 1, or a modest jump after a finished entry."""
    if number == last + 1 or number == 1:
        return True
    if not entries:
        return 0 < number <= 50
    return 0 < number <= last + 50 and complete(join_wrapped(entries[-1].lines))


def _text_follows(content: list[tuple[str, str]], index: int) -> bool:
    for kind, text in content[index + 1 : index + 4]:
        if kind == "line":
            return not _NUMBER_ALONE.match(text) and bool(re.match(r"[\"“'*_(\[]?[A-ZÀ-Þ\u0100-\u017f]", text))
        if kind == "group":
            return False
    return False


def _bulleted(content: list[tuple[str, str]]) -> list[RawEntry]:
    entries: list[RawEntry] = []
    group: str | None = None
    after_blank = False
    for kind, text in content:
        if kind == "group":
            group = text
            continue
        if kind == "blank":
            after_blank = True
            continue
        bullet = _BULLETED.match(text)
        if bullet:
            entries.append(RawEntry("", group, None, lines=[bullet.group("text")]))
        elif (
            not entries
            or entries[-1].group != group
            or (after_blank and _starts_unnumbered(join_wrapped(entries[-1].lines), text, True))
        ):
            entries.append(RawEntry("", group, None, lines=[text]))
        else:
            entries[-1].lines.append(text)
        after_blank = False
    return entries


def _unnumbered(content: list[tuple[str, str]]) -> list[RawEntry]:
    """One entry per paragraph, or per line where each line is a complete citation; a
    paragraph broken by a page break (it does not end like an entry, or the next part does
    not start like one) is joined again."""
    entries: list[RawEntry] = []
    group: str | None = None
    after_blank = True
    current = ""
    for kind, text in content:
        if kind == "group":
            group, after_blank, current = text, True, ""
            continue
        if kind == "blank":
            after_blank = True
            continue
        if not entries or entries[-1].group != group or _starts_unnumbered(current, text, after_blank):
            entries.append(RawEntry("", group, None, lines=[text]))
            current = text
        else:
            entries[-1].lines.append(text)
            current = f"{current[-4000:]} {text}"
        after_blank = False
    return entries


def _starts_unnumbered(current: str, line: str, after_blank: bool) -> bool:
    """Whether `line` begins a new entry of an unnumbered list, the entry so far being `current`.

    Never after an author-year head alone ('Smith, J. A. (2020).': the title follows), nor
    before a line that reads as the source part of an author-year entry ('Behaviour, 161(1),
    71–87.'); a surname particle ('van den Berg FF') is not a lower-case continuation; a
    line ending in a DOI or URL is complete; one line per entry needs the line to be one."""
    if not current:
        return True
    if _AUTHOR_YEAR_HEAD.search(current[-300:]) or _SOURCE_LINE.match(line):
        return False
    continuation = bool(_CONTINUATION.match(line)) and not author_start(line)
    if after_blank:
        end = current.rstrip()[-1:]
        if continuation or not (end in (".", ")", "]") or end.isdigit() or complete(current)):
            return False
        return complete(current) or author_start(line)
    if continuation or not complete(current):
        return False
    if len(line) < 60 and not _YEAR.search(line) and not author_start(line) and not _has_ident(line):
        return False  # 'Wolters Kluwer.': the end of the entry before, not an entry
    return author_start(line) or strongly_complete(current)


# 'Smith, J. A., & Doe, B. (2020).' (or '(2020, March 3).'): an author-year entry's head
_AUTHOR_YEAR_HEAD = re.compile(r"(?:^|[.,&]\s|[A-Z]\.)\s*\((?:19|20)\d\d[a-z]?(?:,[^()]{1,20})?\)\.?\s*$")
# 'Behaviour, 161(1), 71–87.': a journal, volume (issue), pages starting a line
_SOURCE_LINE = re.compile(r"^[A-Z][\w&:.'’\- ]{0,120}?,\s*\d{1,5}(?:\s*\([\w\-– ]{1,15}\))?,\s*[eA-Z]?\d")


def join_wrapped(lines: list[str]) -> str:
    """Join wrapped lines with a space; a URL or DOI broken after '/', '-' or '.' is glued."""
    parts: list[str] = []
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        last = parts[-1] if parts else ""
        broken_link = last.endswith(("/", "-", ".")) and _LINK_TAIL.search(last[-300:])
        if last and broken_link and not _CAPITALISED.match(line):
            parts[-1] = last + line
        else:
            parts.append(line)
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


# ---------------------------------------------------------------- numbering


def _number(entries: list[RawEntry], style: str) -> list[str]:
    """Number the entries: as printed when that numbering is strictly increasing, else 1..N
    in the order written, keeping each printed number (and saying so)."""
    warnings: list[str] = []
    printed = [e.printed for e in entries]
    if style != "numbered" or any(p is None for p in printed):
        for n, entry in enumerate(entries, start=1):
            entry.number = n
        if style != "numbered" and entries:
            warnings.append("the reference list is not numbered; numbered in the order written")
        elif entries:
            missing = sum(p is None for p in printed)
            warnings.append(
                f"{missing} {_plural(missing, 'entry', 'entries')} of the numbered reference list "
                "had no number; all numbered in the order written"
            )
        return warnings
    increasing = all(b > a for a, b in zip(printed, printed[1:], strict=False))  # type: ignore[operator]
    if increasing:
        expected = 1
        for entry in entries:
            entry.number = entry.printed  # type: ignore[assignment]
            if entry.number != expected:
                gap = f"{expected}" if entry.number == expected + 1 else f"{expected}-{entry.number - 1}"
                warnings.append(f"reference numbering skips {gap}")
            expected = entry.number + 1
        return warnings
    previous: RawEntry | None = None
    for n, entry in enumerate(entries, start=1):
        p = entry.printed
        assert p is not None
        entry.number = n
        if previous is not None and previous.printed is not None and p <= previous.printed:
            if previous.group != entry.group and p == 1:
                pass  # each subheaded group numbered from 1: the usual layout, nothing to say
            elif p == 1:
                warnings.append(f"reference numbering restarts at 1 after {previous.printed}")
            elif p == previous.printed:
                warnings.append(f"reference number {p} appears more than once")
            else:
                warnings.append(f"reference {p} is out of order")
        previous = entry
    backwards = sum(1 for a, b in zip(printed, printed[1:], strict=False) if b < a and b != 1)  # type: ignore[operator]
    if backwards >= 3:
        warnings.insert(
            0,
            f"the reference numbering goes back {backwards} times: the text may be two columns read "
            "across the page (check the entries against the document)",
        )
    if warnings:
        for entry in entries:
            if entry.printed != entry.number:
                entry.warnings.append(f"printed as number {entry.printed}; stored as {entry.number}")
        warnings.append("references renumbered 1..N in the order written; the printed numbers are kept")
    return _dedupe(warnings)


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many
