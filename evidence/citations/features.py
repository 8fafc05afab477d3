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
_ASCII_NOT_WORD = "".join(ch for ch in map(chr, range(128)) if not ch.isalnum())  # `[\W_]` in ASCII
_ETAL = frozenset(("et", "al", "etal"))
_AND = frozenset(("and", "&", "und", "et", "y"))
_IN = frozenset(("in", "in:"))
_ED = frozenset(("ed", "eds", "edn", "edition", "editor", "editors", "hrsg"))
_PP = frozenset(("p", "pp", "page", "pages", "s"))
_VOL = frozenset(("vol", "volume", "no", "nr", "issue", "suppl", "supplement", "pt", "part"))
_PMID = frozenset(("pmid", "pmcid", "pubmed"))


_SHAPES: dict[str, str] = {}  # an ASCII token, its letters and digits replaced -> its shape


def _shape(text: str) -> str:
    """Capitals as A, letters as a, digits as 0, the rest as itself; runs collapsed."""
    if text.isascii():  # the same, without a loop over the characters
        pattern = text.translate(_ASCII_SHAPE)
        shape = _SHAPES.get(pattern)  # far fewer patterns than tokens ("Aaaaa," for each name)
        if shape is None:
            if len(_SHAPES) > _CACHE_LIMIT:
                _SHAPES.clear()
            shape = _SHAPES[pattern] = _RUNS.sub(_FIRST, pattern)[:12]
        return shape
    out = []
    for ch in text:
        c = "A" if ch.isupper() else "a" if ch.isalpha() else "0" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)[:12]


def _own(text: str) -> list[str]:
    """What one token looks like, whatever its neighbours."""
    return _looks(text)[0]


def _looks(text: str) -> tuple[list[str], bool, bool, bool]:
    """(`_own`'s features, whether they hold "year", "jw", and "num" / "hasnum" / "year")."""
    # the token without the non-word characters around it; `_WORD` only for non-ASCII tokens
    word = text.strip(_ASCII_NOT_WORD) if text.isascii() else _WORD.match(text).group(1)  # type: ignore[union-attr]
    low = word.lower()
    f = ["w=" + low, "sh=" + _shape(text)]
    if word:
        f += ["p2=" + low[:2], "s2=" + low[-2:], "s3=" + low[-3:]]
    if text[-1] in ".,;:)]\"'”’*":
        f.append("last=" + text[-1])
    if text[0] in "([\"'“‘*<":
        f.append("first=" + text[0])
    numeric = year = False
    if word.isdigit():
        f.append("num")
        numeric = True
    elif not word.isalpha() and (_ASCII_DIGIT.search(word) if word.isascii() else any(ch.isdigit() for ch in word)):
        f.append("hasnum")
        numeric = True
    if text[0] in "([12" and _YEAR.match(text):
        f.append("year")
        numeric = year = True
    if "A" <= text[0] <= "Z" and len(text) < 14:  # both patterns: at most 4 initials and a mark
        if _INITIALS.match(text):
            f.append("initials")
        if _INITIAL_DOTS.match(text):
            f.append("initdots")
    if ("-" in text or not text.isascii()) and _RANGE.search(text):  # "-": the only ASCII dash
        f.append("range")
    if word.isupper() and len(word) > 1:
        f.append("caps")
    elif word[:1].isupper():
        f.append("cap")
    elif word[:1].islower():
        f.append("lower")
    if low.rstrip(".") in _MONTHS:
        f.append("month")
    jw = low in journal_words
    if jw:
        f.append("jw")
    if low in _PUBLISHER_WORDS:
        f.append("pubw")
    if (not word.isascii() or "0" <= word[:1] <= "9") and _ORDINAL.match(word):
        f.append("ordinal")
    if len(word) < 6 and _ROMAN.match(word):
        f.append("roman")
    if low in _ETAL:
        f.append("etal")
    if low in _AND:
        f.append("and")
    if low in _IN:
        f.append("in")
    if low in _ED:
        f.append("ed")
    if low in _PP:
        f.append("pp")
    if low in _VOL:
        f.append("vol")
    if "://" in text or low.startswith("www."):
        f.append("url")
    if low.startswith(("doi", "10.")):
        f.append("doi")
    if low in _PMID:
        f.append("pmid")
    if "*" in text:
        f.append("star")
    if "-" in word:
        f.append("hyphen")
    return f, year, jw, numeric


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


_new = tuple.__new__


def _entry(text: str) -> _Entry:
    hit = _CACHE.get(text)
    if hit is None:
        own, year, jw, numeric = _looks(text)
        closes = text.rstrip(".,;:").endswith(("”", '"', "’"))
        one_initial = len(text) < 4 and _ONE_INITIAL.match(text) is not None
        hit = _new(  # an _Entry, in its fields' order, without the generated __new__'s call
            _Entry,
            (
                own,
                text.count("(") + text.count("[") - text.count(")") - text.count("]"),
                "*" in text and len(_STARS.findall(text)) % 2 == 1,
                text[0] in '“"‘' and not closes,
                closes,
                year,
                jw,
                numeric,
                text.endswith((".", "?", "!", ":")) and not one_initial,
                text[-1] in ".,;:)]" and not one_initial,
                text.startswith("*"),
                text[0] in '“"‘',
            ),
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
