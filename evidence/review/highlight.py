"""The words of a policy to highlight in a candidate's title and abstract while screening.

Pure: terms in, text pieces out. The screen page used to match the terms in the browser
over every abstract it was sent; now the server marks the one record being shown, so the
page receives only what it draws: `(text, kind)` pieces, `kind` None for plain text, else
"intervention" or "condition". Pieces, not offsets, because Python counts code points and
JavaScript UTF-16 units: offsets would drift on the first character outside the BMP.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

KINDS = ("intervention", "condition")

# words of a condition phrase too general to highlight on their own
_GENERAL = frozenset("disease diseases disorder disorders syndrome chronic acute severe critical "
                     "advanced including patients treatment".split())  # fmt: skip

Pieces = list[tuple[str, str | None]]


def highlight_terms(intervention: Iterable[str], condition: Iterable[str]) -> dict[str, list[str]]:
    """The terms to mark: the intervention terms, and the condition phrases with their
    distinctive words (so "limb ischemia" is marked inside "chronic limb-threatening ischemia")."""
    phrases = list(condition)
    words = [w for p in phrases for w in p.replace("-", " ").split()
             if len(w) > 3 and w.lower() not in _GENERAL]  # fmt: skip
    return {
        "intervention": list(dict.fromkeys(intervention)),
        "condition": list(dict.fromkeys([*phrases, *words])),
    }


def _word(w: str) -> str:
    """A word and its inflections: long words by their stem ("ischemia" -> "ischemic"), short
    ones with an optional plural s."""
    if len(w) >= 5:
        return re.escape(re.sub(r"(es|s)$", "", w, flags=re.IGNORECASE)) + r"[\w-]*"
    return re.escape(w) + "s?"


@lru_cache(maxsize=64)
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    parts = [r"[\s-]+".join(_word(w) for w in re.split(r"[\s-]+", t.strip())) for t in terms if t.strip()]
    if not parts:
        return None
    parts.sort(key=len, reverse=True)  # the longest phrase wins
    return re.compile(r"\b(?:" + "|".join(parts) + r")\b", re.IGNORECASE)


def mark(text: str | None, terms: dict[str, Sequence[str]]) -> Pieces:
    """`text` cut into pieces, each match of a term its own piece with the term's kind; where
    an intervention and a condition match overlap, the one starting first (then the longer) wins."""
    text = text or ""
    spans: list[tuple[int, int, str]] = []
    for kind in KINDS:
        pattern = _pattern(tuple(terms.get(kind) or ()))
        if pattern is not None:
            spans += [(m.start(), m.end(), kind) for m in pattern.finditer(text) if m.end() > m.start()]
    spans.sort(key=lambda s: (s[0], -s[1]))
    pieces: Pieces = []
    at = 0
    for start, end, kind in spans:
        if start < at:
            continue  # overlaps one already marked
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], kind))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces
