"""Labelled segments -> the normalised fields of a `Citation`.

Each function reads the text of one kind of segment as printed and returns it in the form the
store keeps: authors as "Surname AB" in order, year/month/day as numbers, volume and issue
apart, pages with plain hyphens, journal without its italics and final period.
"""

from __future__ import annotations

import re
from functools import lru_cache

# "_Lancet_" is Markdown italics; an underscore inside a word or standing alone is text
_ITALIC_UNDERSCORE = re.compile(r"(?<![\w_])_+(?=[^\s_])|(?<=[^\s_])_+(?![\w_])")
_DASHES = re.compile(r"\s*(?:[-‐‑‒–—―−]+|--)\s*")
_YEAR = re.compile(r"(?<![0-9])(1[5-9][0-9]{2}|20[0-9]{2})(?![0-9])")
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "oct": 10, "nov": 11, "dec": 12, "spr": 3, "sum": 6, "aut": 9, "fal": 9, "win": 12,
}  # fmt: skip
_MONTH_WORD = re.compile(
    r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?",
    re.I,
)
_ETAL = re.compile(r"[,;]?\s*(?:\bet\.?\s*al\b\.?|\band\s+others\b|\bet\s+coll?\b\.?|…|\.\.\.)\s*$", re.I)
_ORG_WORDS = (
    "association", "society", "institute", "organi[sz]ation", "college", "committee", "group", "agency",
    "department", "cent(?:er|re)s?", "council", "foundation", "network", "task force", "board", "academy",
    "administration", "services", "collaboration", "consortium", "commission", "ministry", "office", "inc", "ltd",
    "university", "hospital", "federation", "panel", "league", "alliance", "trust", "nice", "who", "fda", "cdc",
    "ahrq",
)  # fmt: skip
# the lookahead (the words' first letters) lets the alternation be tried only where one can start
_ORG = re.compile(
    r"\b(?=[" + "".join(sorted({w[0] for w in _ORG_WORDS})) + r"])(?:" + "|".join(_ORG_WORDS) + r")\b", re.I
)
_ETAL_SPAN = 24  # longer than any `_ETAL` match (", and others" is 12 characters)
_TASK = re.compile(r"task", re.I)
_BY = re.compile(r"^(?:by|in:?)\s+", re.I)
_EDS = re.compile(r"\s*\((?:eds?|hrsg|comp)\.?\)\s*$|,?\s*\beds?\.?$", re.I)
_BROKEN = re.compile(r"(\w)- (?=[a-z])")
_HYPHEN = re.compile(r"(\w)- (?=[A-Z])")
_AND = re.compile(r"\s+(?:and|&|und|y|et)\s+|^(?:and|&)\s+")
# `_AND` needs one of these (the text has single spaces; no IGNORECASE)
_MAY_AND = re.compile(r" (?:and|&|und|y|et) |^(?:and|&) ")
_LISTED = re.compile(r"[,;&]|\sand\s")
_PERSON_INITIALS = re.compile(r"\b[A-Z]{1,3}\b\s*(?:,|$)|\b[A-Z]\.")
_INITIAL_DOT = re.compile(r"\b[A-Z]\.")
#: "U.S. Food and Drug Administration": a country's dotted initials, not a person's
_COUNTRY = re.compile(r"\b(?:U\.\s?S\.(?:\s?A\.)?|U\.\s?K\.|U\.\s?N\.|E\.\s?U\.)")
_NOT_CAPITAL = re.compile(r"[^A-ZÀ-Þ]")
_INITIAL_TOKEN = re.compile(r"^(?:[A-ZÀ-Þ](?:\.|-|\.-)?){1,4}\.?$")
_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "da",
    "di",
    "del",
    "la",
    "le",
    "du",
    "dos",
    "das",
    "ten",
    "ter",
    "st",
    "st.",
}


def _remembered(fn):  # type: ignore[no-untyped-def]
    """A field's normal form is a function of its printed text alone, and a reference list
    prints the same journals, dates, volumes and author groups again and again."""
    fn = lru_cache(maxsize=1 << 14)(fn)
    _REMEMBERED.append(fn)
    return fn


_REMEMBERED: list = []


def forget() -> None:
    """Drop every remembered normal form."""
    for fn in _REMEMBERED:
        fn.cache_clear()
    _is_initials.cache_clear()
    _one_name.cache_clear()


def clean(text: str | None, strip: str = " .,;:") -> str | None:
    if text is None:
        return None
    text = text.replace("*", " ")
    if "_" in text:  # `_ITALIC_UNDERSCORE` needs one
        text = _ITALIC_UNDERSCORE.sub(" ", text)
    text = " ".join(text.split()).strip(strip)
    return text or None


def strip_quotes(text: str | None) -> str | None:
    if not text:
        return text
    text = text.strip(" .,;:")
    pairs = (("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'"), ("«", "»"))
    for a, b in pairs:
        if text.startswith(a) and text.endswith(b) and len(text) > 2:
            text = text[1:-1]
        elif text.startswith(a) and b not in text[1:]:
            text = text[1:]
        elif text.endswith(b) and a not in text[:-1]:
            text = text[:-1]
    return clean(text)


@_remembered
def title(text: str | None) -> str | None:
    text = clean(text, " ,;:")
    if text is None:
        return None
    text = re.sub(r"^(?:in\s*:\s*)", "", text, flags=re.I)
    text = strip_quotes(text) or text
    text = text.rstrip(" .,;:")
    return text or None


@_remembered
def journal(text: str | None) -> str | None:
    text = clean(text, " ,;:")
    if text is None:
        return None
    text = re.sub(r"^in\s*:?\s+(?=\S)", "", text, flags=re.I)
    text = text.strip(" ,;:")
    if text.endswith(".") and not text.endswith(("Inc.", "Ltd.", "Co.")):
        text = text[:-1].rstrip(" ,;:")
    text = text.strip("()") if text.startswith("(") and text.endswith(")") else text
    return text or None


@_remembered
def date(text: str | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from a printed date: 2016, Mar 03 2016, 2016 Mar 3, June 5, 2005, 2016/03/05."""
    if not text:
        return None, None, None
    years = _YEAR.findall(text)
    year = int(years[0]) if years else None
    if year is None:
        return None, None, None
    m = re.search(r"\b(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\b", text)
    if m and 1 <= int(m.group(2)) <= 12:
        day = int(m.group(3)) if m.group(3) and 1 <= int(m.group(3)) <= 31 else None
        return year, int(m.group(2)), day
    mw = _MONTH_WORD.search(text)
    if not mw:
        season = re.search(r"\b(spring|summer|autumn|fall|winter)\b", text, re.I)
        return year, (_MONTHS[season.group(1)[:3].lower()] if season else None), None
    month = _MONTHS[mw.group(1)[:3].lower()]
    day = None
    after = re.match(r"\s*(\d{1,2})(?!\d)", text[mw.end() :])
    before = re.search(r"(?<!\d)(\d{1,2})\s*$", text[: mw.start()])
    for cand in (after, before):
        if cand and 1 <= int(cand.group(1)) <= 31:
            day = int(cand.group(1))
            break
    return year, month, day


@_remembered
def volume_issue(text: str | None) -> tuple[str | None, str | None]:
    """'374(9):' -> ('374', '9'); 'vol. 36, no. 9' -> ('36', '9'); '38 Suppl 2' -> ('38', 'Suppl 2');
    '2011;(10):' -> (None, '10')."""
    text = clean(text, " .,;:")
    if not text:
        return None, None
    text = re.sub(r"^.*?;\s*(?=[\w(])", "", text) if ";" in text else text  # a date before ";"
    issue_only = re.fullmatch(r"\(([^()]{1,30})\)", text)  # Cochrane's "2011;(10):CD007946"
    if issue_only:
        return None, issue_only.group(1).strip()
    vol = re.search(r"\b(?:vol(?:ume)?|bd|t)\.?\s*([A-Za-z]?\d[\w\-]*)", text, re.I)
    num = re.search(r"\b(?:no|nr|issue|iss|heft|h|n°|#)\.?\s*([A-Za-z]?\d[\w\-/]*)", text, re.I)
    if vol or num:
        rest = re.search(r"^\s*([A-Za-z]?\d[\w\-]*)", text)
        volume = vol.group(1) if vol else (rest.group(1) if rest else None)
        return volume, num.group(1) if num else None
    m = re.match(r"^([^\s(]+?)\s*\(([^)]{1,30})\)", text)
    if m:
        return m.group(1).rstrip(".,:"), m.group(2).strip()
    m = re.match(r"^([A-Za-z]?\d[\w\-]*)\s+(suppl(?:ement)?\.?\s*\w*|pt\.?\s*\w+|part\s+\w+)$", text, re.I)
    if m:
        return m.group(1), m.group(2)
    lead = re.match(r"^([A-Za-z]?\d[\w\-/]*?)(?=[:\s]|$)", text)
    first = lead.group(1) if lead else text.split()[0].strip("()")
    return (first or None), None


@_remembered
def pages(text: str | None) -> str | None:
    """'pp. 334–344' -> '334-344'; 'p. A65.' -> 'A65'; 'e71-e126'; '3S-125S.e40'; 'CD008347'."""
    text = clean(text, " .,;:()")
    if not text:
        return None
    # 'S. 12' (Seite) loses its 'S.', but 'S172' is a supplement's page and keeps it
    text = re.sub(r"^(?:(?:pp?|pages?|art(?:icle)?(?:\s+no)?)\.?\s*|s(?:\.\s*|\s+))(?=\w)", "", text, flags=re.I)
    text = text.split(":")[-1].strip() if re.match(r"^\d+\s*:\s*\S", text) else text
    text = _DASHES.sub("-", text)
    text = text.strip(" .,;:")
    return text or None


@_remembered
def authors(text: str | None) -> tuple[tuple[str, ...], bool]:
    """Names in order as "Surname AB", and whether the list was cut ("et al")."""
    text = " ".join((text or "").replace("*", " ").split())
    text = _BY.sub("", text).strip(" .,;:")
    if not text:
        return (), False
    et_al = False
    # "et al" ends the text, so a match starts in its last few characters (single spaces, no
    # space at the end): searched from there, not tried at every position of a long list
    if m := _ETAL.search(text, max(0, len(text) - _ETAL_SPAN)):
        et_al, text = True, text[: m.start()].strip(" .,;:")
    if _may_be_editors(text):
        text = _EDS.sub("", text)
    text = text.strip(" .,;:")
    if not text:
        return (), et_al
    if "- " in text:
        text = _BROKEN.sub(r"\1", text)  # "Mur- phy": a line-break hyphen
        text = _HYPHEN.sub(r"\1-", text)  # "Martin- Facklam": a real one
    # an organisation's word in a name is one of the text's words (a name is whitespace chunks
    # of the text, cut at non-word characters); "task force" may also be two words that a dropped
    # chunk ("Task - Force") separated: only then are the names tested one by one
    org = bool(_ORG.search(text))
    if _is_collective(text, org):
        return (text,), et_al
    org = org or bool(_TASK.search(text))
    sep = ";" if ";" in text else ","
    # an initial keeps its period ("Smith, J."); q.strip(" .,") is p.strip(" .,")
    pieces = [q if _INITIAL_TOKEN.match(q := p.strip(" ,")) else q.strip(" .,") for p in text.split(sep)]
    expanded: list[str] = []
    for piece in pieces:
        if _MAY_AND.search(piece):
            expanded.extend(p for p in _AND.split(piece) if p and p.strip(" .,"))
        elif piece and piece.strip(" .,"):
            expanded.append(piece)
    names: list[str] = []
    pending: str | None = None
    expanded = [q for p in expanded if (q := p.strip())]
    for index, piece in enumerate(expanded):
        if "," in piece:  # "Smith, John A." inside a ;-separated list
            surname, _, given = piece.partition(",")
            names.append(_format(surname, given.split()))
            continue
        words = [w for w in piece.split() if w.isalpha() or any(ch.isalpha() for ch in w)]  # no stray quotes or dashes
        if not words:
            continue
        piece = " ".join(words)
        if org and _ORG.search(piece) or len(words) >= 4 and not any(map(_is_initials, words)):
            if pending is not None:
                names.append(_surname_case(pending))
                pending = None
            names.append(piece)
            continue
        if pending is not None and _given_only(words):
            names.append(_format(pending, words))
            pending = None
            continue
        if pending is not None:
            names.append(_surname_case(pending))
            pending = None
        following = expanded[index + 1].split() if index + 1 < len(expanded) else []
        # "Cabrera Garcia, J.": a two-word surname, inverted, its initials (with periods) next
        inverted = following and "." in "".join(following) and all(map(_is_initials, following))
        name = None if inverted and not any(map(_is_initials, words)) else _one_name(tuple(words))
        if name is None:
            pending = piece
        else:
            names.append(name)
    if pending is not None:
        names.append(_surname_case(pending))
    return tuple(n for n in names if n), et_al


def _may_be_editors(text: str) -> bool:
    """Whether `_EDS` can match at all (it needs "ed", "hrsg" or "comp"; exact for ASCII)."""
    if not text.isascii():
        return True
    low = text.lower()
    return "ed" in low or "hrsg" in low or "comp" in low


def _is_collective(text: str, org: bool) -> bool:
    """Whether the whole text is one organisation; `org`, whether `_ORG` finds a word in it."""
    if _LISTED.search(text):
        return org and not _PERSON_INITIALS.search(_COUNTRY.sub("", text))
    return org or len(text.split()) >= 5 and not _INITIAL_DOT.search(text)


@lru_cache(maxsize=1 << 16)  # asked ~15 times per reference, of the same few words
def _is_initials(word: str) -> bool:
    w = word.strip(",")
    return bool(_INITIAL_TOKEN.match(w)) and (len(w.replace(".", "").replace("-", "")) <= 4)


def _given_only(words: list[str]) -> bool:
    """'A.B.', 'J. A.', 'Bill', 'John Albert' -- what follows an inverted surname."""
    if all(map(_is_initials, words)):
        return True
    return (
        len(words) <= 3
        and all(w[:1].isupper() and (w.isalpha() or _is_initials(w) or "-" in w) for w in words)
        and any(_is_initials(w) for w in words)
        or len(words) == 1
        and words[0][:1].isupper()
        and words[0].replace("-", "").isalpha()
    )


@lru_cache(maxsize=1 << 14)  # the same authors recur across a list, whatever its separators
def _one_name(words: tuple[str, ...]) -> str | None:
    """A complete name from its words, or None when it is a surname alone (inverted form)."""
    if len(words) == 1:
        return None
    if all(map(_is_initials, words)):  # "SMITH AB", "GUO F"
        return _format(" ".join(words[:-1]), words[-1:])
    if _is_initials(words[-1]):
        k = len(words)
        while k > 1 and _is_initials(words[k - 1]):
            k -= 1
        return _format(" ".join(words[:k]), words[k:])
    if _is_initials(words[0]):
        k = 0
        while k < len(words) - 1 and (_is_initials(words[k]) or words[k][:1].isupper() and k < len(words) - 2):
            k += 1
        return _format(" ".join(words[k:]), words[:k])
    # "John Smith", "Maria de la Cruz": given names first
    k = len(words) - 1
    while k > 1 and words[k - 1].lower() in _PARTICLES:
        k -= 1
    return _format(" ".join(words[k:]), words[:k])


def _initials_of(given: list[str]) -> str:
    out = []
    for word in given:
        w = word.strip(".,")
        if _is_initials(word) or w.isupper() and len(w) <= 4:
            up = w.upper()
            out.append(up if up.isascii() and up.isalpha() else _NOT_CAPITAL.sub("", up))  # "AB": A-Z only
        else:
            out.extend(part[0].upper() for part in w.split("-") if part)
    return "".join(out)


def _surname_case(surname: str, person: bool = False) -> str:
    surname = surname.strip(" .,")
    if surname.isupper() and len(surname) > (1 if person else 3):
        return re.sub(r"(^|[\s'’\-])(\w)(\w*)", lambda m: m.group(1) + m.group(2) + m.group(3).lower(), surname)
    return surname


def _format(surname: str, given: list[str]) -> str:
    surname = _surname_case(surname, person=True)
    initials = _initials_of(given)
    return f"{surname} {initials}" if initials else surname
