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
from operator import itemgetter
from typing import NamedTuple

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

_CACHE: dict[str, _Entry] = {}
_CACHE_LIMIT = 200_000

journal_words: frozenset[str] = frozenset()  # set by the model loader from the shipped table


def set_journal_words(words: frozenset[str]) -> None:
    """The journal-word dictionary the "jw" feature looks in (the cache depends on it)."""
    global journal_words
    journal_words = words
    _CACHE.clear()
    _NEAR.clear()


_ASCII_SHAPE = str.maketrans(
    {**{c: "A" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}, **{c: "a" for c in "abcdefghijklmnopqrstuvwxyz"},
     **{c: "0" for c in "0123456789"}}
)  # fmt: skip
_RUNS = re.compile(r"(.)\1+", re.S)
_FIRST = itemgetter(1)  # a run's character (faster than the template r"\1")
_ASCII_DIGIT = re.compile(r"[0-9]")


def _shape(text: str) -> str:
    """Capitals as A, letters as a, digits as 0, the rest as itself; runs collapsed."""
    if text.isascii():  # the same, without a loop over the characters
        return _RUNS.sub(_FIRST, text.translate(_ASCII_SHAPE))[:12]
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
        f += ["p2=" + low[:2], "s2=" + low[-2:], "s3=" + low[-3:]]
    if text[-1] in ".,;:)]\"'”’*":
        f.append("last=" + text[-1])
    if text[0] in "([\"'“‘*<":
        f.append("first=" + text[0])
    if word.isdigit():
        f.append("num")
    elif _ASCII_DIGIT.search(word) if word.isascii() else any(ch.isdigit() for ch in word):
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


class _Entry(NamedTuple):
    own: list[str]
    parens: int  # opening minus closing brackets
    star: bool  # toggles *italics*
    quote_open: bool
    quote_close: bool
    year: bool
    jw: bool
    numeric: bool
    sentence_end: bool
    chunk_end: bool
    opens_star: bool
    opens_quote: bool


def _entry(text: str) -> _Entry:
    hit = _CACHE.get(text)
    if hit is None:
        own = _own(text)
        bare = text.rstrip(".,;:")
        hit = _Entry(
            own,
            text.count("(") + text.count("[") - text.count(")") - text.count("]"),
            len(_STARS.findall(text)) % 2 == 1,
            text[0] in '“"‘' and not bare.endswith(("”", '"', "’")),
            bare.endswith(("”", '"', "’")),
            "year" in own,
            "jw" in own,
            "num" in own or "year" in own or "hasnum" in own,
            text.endswith((".", "?", "!", ":")) and not _ONE_INITIAL.match(text),
            text[-1] in ".,;:)]" and not _ONE_INITIAL.match(text),
            text.startswith("*"),
            text[0] in '“"‘',
        )
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[text] = hit
    return hit


class _Near(NamedTuple):
    """What a token adds to its neighbours' features: `prev` to the next token's, `next` to
    the previous token's, `prev2` / `next2` two away. (scorer.py derives the same from `own`.)"""

    prev: list[str]
    next: list[str]
    prev2: list[str]
    next2: list[str]


_NEAR: dict[str, _Near] = {}


def _near(text: str, own: list[str]) -> _Near:
    hit = _NEAR.get(text)
    if hit is None:
        near = [f for f in own if not f.startswith(("p2=", "s2="))]
        far = [own[0]] + [f for f in own if f in ("year", "initials", "num", "month", "jw")]
        hit = _Near(
            ["-1" + f for f in near], ["+1" + f for f in near], ["-2" + f for f in far], ["+2" + f for f in far]
        )
        if len(_NEAR) > _CACHE_LIMIT:
            _NEAR.clear()
        _NEAR[text] = hit
    return hit


_CL = ["cl=1", "cl=1", "cl=2", "cl=3", "cl=3", "cl=5", "cl=5", "cl=5", "cl=5"]


def _chunks(entries: list[_Entry]) -> list[list[str]]:
    """Per token, what its chunk (the run up to the next token ending in . , ; : or a closing
    bracket) looks like: its length, how many chunks follow, whether it is mostly journal
    words, and whether a number comes right after it (a journal is followed by its volume)."""
    n = len(entries)
    bounds: list[tuple[int, int]] = []
    start = 0
    for i, e in enumerate(entries):
        if e.chunk_end or i == n - 1:
            bounds.append((start, i + 1))
            start = i + 1
    out: list[list[str]] = [[]] * n
    total = len(bounds)
    for k, (a, b) in enumerate(bounds):
        size = b - a
        common = [_CL[size] if size < 9 else "cl=9", "cend=" + str(min(total - 1 - k, 5))]
        if 2 * sum(entries[j].jw for j in range(a, b)) >= size:
            common.append("cjw")
        if b < n and entries[b].numeric:
            common.append("cnextnum")
        out[a] = common + ["cfirst"]
        for j in range(a + 1, b):
            out[j] = common
    return out


_POS = [f"pos={k}" for k in range(10)]
_SENT = [f"sent={k}" for k in range(7)]


def entries_of(tokens: Sequence[Token]) -> list[_Entry]:
    return [_entry(t.text) for t in tokens]


def position_features(entries: list[_Entry]) -> list[list[str]]:
    """Per token, the features that depend on where it stands in the sequence (its chunk, its
    relative position, the sentences before it, the brackets/italics/quotes it is inside,
    whether a year came before, BOS/EOS) -- everything but what the token and its neighbours
    look like. Few distinct combinations occur, which `scorer.py` exploits."""
    n = len(entries)
    out = _chunks(entries)
    sentence = 0
    paren = 0
    star = quote = year_seen = False
    for i, e in enumerate(entries):
        f = out[i] + [_POS[10 * i // n], _SENT[min(sentence, 6)]]
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        if paren or e.parens > 0:
            f.append("inparen")
        if star or e.opens_star:
            f.append("instar")
        if quote or e.opens_quote:
            f.append("inquote")
        if year_seen:
            f.append("afteryear")
        out[i] = f
        paren = max(0, paren + e.parens)
        if e.star:
            star = not star
        if e.quote_open:
            quote = True
        elif quote and e.quote_close:
            quote = False
        if e.year:
            year_seen = True
        if e.sentence_end:
            sentence += 1
    return out


def sequence_features(tokens: Sequence[Token]) -> list[list[str]]:
    """One feature list per token (crfsuite's input): what the token looks like, what its two
    neighbours on each side look like, and where it stands."""
    n = len(tokens)
    entries = entries_of(tokens)
    near = [_near(t.text, e.own) for t, e in zip(tokens, entries, strict=True)]
    out: list[list[str]] = []
    for i, (e, where) in enumerate(zip(entries, position_features(entries), strict=True)):
        f = e.own + where
        if i > 0:
            f += near[i - 1].prev
            if i > 1:
                f += near[i - 2].prev2
        if i < n - 1:
            f += near[i + 1].next
            if i + 2 < n:
                f += near[i + 2].next2
        out.append(f)
    return out
