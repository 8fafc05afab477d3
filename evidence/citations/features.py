"""Tokens -> CRF features (lists of strings, crfsuite's binary attributes).

What a token looks like (its word, shape, affixes, punctuation, whether it is a year, an
initial, a page range, a month, a known journal word) is computed once per distinct token
text and cached, with the copies its neighbours use; what depends on the sequence (relative
position, how many sentences came before, inside parentheses/asterisks/quotes, whether a year
was seen already) is added per position. Keeping the per-token work to list concatenation is
what lets 5,000 references be labelled in well under two seconds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evidence.citations.tokens import Token

_MONTHS = {
    "jan", "january", "feb", "february", "mar", "march", "apr", "april", "may", "jun", "june",
    "jul", "july", "aug", "august", "sep", "sept", "september", "oct", "october", "nov",
    "november", "dec", "december", "spring", "summer", "autumn", "fall", "winter",
}  # fmt: skip
_PUBLISHER_WORDS = {
    "press", "publishing", "publishers", "publisher", "verlag", "books", "university", "wiley",
    "springer", "elsevier", "academic", "sons", "inc", "ltd", "llc", "co", "company", "mcgraw-hill",
    "lippincott", "saunders", "routledge", "sage", "oxford", "cambridge", "blackwell", "mosby",
    "wolters", "kluwer", "taylor", "francis", "office", "agency", "institute", "foundation",
    "organization", "organisation", "association", "society", "department", "centers", "center",
    "centre", "council", "commission", "ministry", "national", "health", "services",
}  # fmt: skip
_WORD = re.compile(r"^[\W_]*(.*?)[\W_]*$", re.S)
_YEAR = re.compile(r"^\(?\[?(1[5-9]\d\d|20\d\d)[a-z]?\]?\)?[.,;:]*$")
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,4}[.,;]?$")
_INITIAL_DOTS = re.compile(r"^(?:[A-Z]\.-?){1,4}[,;]?$")
_RANGE = re.compile(r"\d+\s*[-–—‐‑−]+\s*[A-Za-z]?\d+")
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$", re.I)
_STARS = re.compile(r"\*+")
_ONE_INITIAL = re.compile(r"^[A-Z]\.$")
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.I)

_CACHE: dict[str, tuple[list[str], list[str], list[str], list[str], list[str]]] = {}
_CACHE_LIMIT = 200_000

journal_words: frozenset[str] = frozenset()  # set by the model loader from the shipped table


def set_journal_words(words: frozenset[str]) -> None:
    """The journal-word dictionary the "jw" feature looks in (the cache depends on it)."""
    global journal_words
    journal_words = words
    _CACHE.clear()


def _shape(text: str) -> str:
    out = []
    for ch in text:
        c = "A" if ch.isupper() else "a" if ch.isalpha() else "0" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:12]


def _own(text: str) -> list[str]:
    """What one token looks like, whatever its neighbours."""
    word = _WORD.match(text).group(1)  # type: ignore[union-attr]
    low = word.lower()
    f = ["w=" + low, "sh=" + _shape(text)]
    if word:
        f += ["p1=" + word[0], "p2=" + low[:2], "s2=" + low[-2:], "s3=" + low[-3:]]
    if text[-1] in ".,;:)]\"'”’*":
        f.append("last=" + text[-1])
    if text[0] in "([\"'“‘*<":
        f.append("first=" + text[0])
    f.append("len=" + str(min(len(word), 8)))
    if word.isdigit():
        f.append("num")
    elif any(ch.isdigit() for ch in word):
        f.append("hasnum")
    if _YEAR.match(text):
        f.append("year")
    if _INITIALS.match(text):
        f.append("initials")
    if _INITIAL_DOTS.match(text):
        f.append("initdots")
    if _RANGE.search(text):
        f.append("range")
    if word.isupper() and len(word) > 1:
        f.append("caps")
    elif word[:1].isupper():
        f.append("cap")
    elif word[:1].islower():
        f.append("lower")
    if low.rstrip(".") in _MONTHS:
        f.append("month")
    if low in journal_words:
        f.append("jw")
    if low in _PUBLISHER_WORDS:
        f.append("pubw")
    if _ORDINAL.match(word):
        f.append("ordinal")
    if _ROMAN.match(word) and len(word) < 6:
        f.append("roman")
    if low in ("et", "al", "etal"):
        f.append("etal")
    if low in ("and", "&", "und", "et", "y"):
        f.append("and")
    if low in ("in", "in:"):
        f.append("in")
    if low in ("ed", "eds", "edn", "edition", "editor", "editors", "hrsg"):
        f.append("ed")
    if low in ("p", "pp", "page", "pages", "s"):
        f.append("pp")
    if low in ("vol", "volume", "no", "nr", "issue", "suppl", "supplement", "pt", "part"):
        f.append("vol")
    if "://" in text or low.startswith("www."):
        f.append("url")
    if low.startswith("doi") or low.startswith("10."):
        f.append("doi")
    if low in ("pmid", "pmcid", "pubmed"):
        f.append("pmid")
    if "*" in text:
        f.append("star")
    if "-" in word:
        f.append("hyphen")
    return f


def _entry(text: str) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    hit = _CACHE.get(text)
    if hit is None:
        own = _own(text)
        near = [f for f in own if not f.startswith(("p1=", "p2=", "s2=", "len="))]
        far = [own[0]] + [f for f in own if f in ("year", "initials", "num", "month", "jw")]
        hit = (
            own,
            ["-1" + f for f in near],
            ["+1" + f for f in near],
            ["-2" + f for f in far],
            ["+2" + f for f in far],
        )
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[text] = hit
    return hit


def sequence_features(tokens: Sequence[Token]) -> list[list[str]]:
    """One feature list per token."""
    n = len(tokens)
    entries = [_entry(t.text) for t in tokens]
    out: list[list[str]] = []
    sentence = 0
    paren = star = quote = 0
    year_seen = False
    for i, tok in enumerate(tokens):
        text = tok.text
        f = list(entries[i][0])
        f.append("pos=" + str(10 * i // n))
        f.append("sent=" + str(min(sentence, 6)))
        if i == 0:
            f.append("BOS")
        else:
            f.extend(entries[i - 1][1])
            if i > 1:
                f.extend(entries[i - 2][3])
        if i == n - 1:
            f.append("EOS")
        else:
            f.extend(entries[i + 1][2])
            if i + 2 < n:
                f.extend(entries[i + 2][4])
        opens = text.count("(") + text.count("[")
        closes = text.count(")") + text.count("]")
        if paren or opens:
            f.append("inparen")
        if star or text.startswith("*"):
            f.append("instar")
        if quote or text[0] in "“\"‘":
            f.append("inquote")
        if year_seen:
            f.append("afteryear")
        out.append(f)
        paren = max(0, paren + opens - closes)
        if len(_STARS.findall(text)) % 2:
            star = 1 - star
        if text[0] in "“\"‘" and not text.rstrip(".,;:").endswith(("”", '"', "’")):
            quote = 1
        elif quote and text.rstrip(".,;:").endswith(("”", '"', "’")):
            quote = 0
        if "year" in entries[i][0]:
            year_seen = True
        if text.endswith((".", "?", "!", ":")) and not _ONE_INITIAL.match(text):
            sentence += 1
    return out
