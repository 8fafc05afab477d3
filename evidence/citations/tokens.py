"""Reference string -> tokens with their character spans.

Whitespace separates most tokens, but citations glue fields together ("2002;144(5):760-8",
"Oncol.2002;"), so a whitespace chunk is cut again after `;`, `:` and `,` and before `(`
when the piece that follows starts a new field. URLs and DOIs stay whole: their colons and
slashes are part of one identifier.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    text: str
    start: int
    end: int


_CHUNK = re.compile(r"\S+")
_MAY_CUT = re.compile(r"[;:,(.)]")  # no cut point without one of these before the last character
_WHOLE = re.compile(r"^(?:<?https?://|www\.|doi:|10\.\d{4,9}/|urn:)", re.I)
# cut points inside a chunk: after ; : , before a digit/letter/( ; before ( after a word
# character; after a letter-period before a digit ("Oncol.2002;")
_CUT = re.compile(
    r"(?<=[;,])(?=[\w(\[])"
    r"|(?<=[^\W\d_]:)(?=\d)|(?<=\d:)(?=[\w(])|(?<=\):)(?=\w)"
    r"|(?<=\w)(?=\((?!s\)))"
    r"|(?<=[^\W\d_]{2}\.)(?=\d)"
    r"|(?<=\))(?=\d)"
)


# chunk -> its pieces (text, start, end), or () when it is one token (most are: nothing to build)
_PIECES: dict[str, tuple[tuple[str, int, int], ...]] = {}
_PIECES_LIMIT = 100_000


def _pieces(word: str) -> tuple[tuple[str, int, int], ...]:
    """Where one whitespace chunk is cut; the same words recur across a reference list."""
    if len(word) < 4 or not _MAY_CUT.search(word, 0, len(word) - 1) or _WHOLE.match(word) or "://" in word:
        return ((word, 0, len(word)),)
    out = []
    last = 0
    for cut in _CUT.finditer(word):
        at = cut.start()
        if at > last:
            out.append((word[last:at], last, at))
            last = at
    out.append((word[last:], last, len(word)))
    return tuple(out)


_new = tuple.__new__  # a Token without the generated __new__'s Python call (~30 per reference)


def tokenize(text: str) -> list[Token]:
    """Tokens of `text` in order; the spans index into `text` itself."""
    tokens: list[Token] = []
    find, at = text.find, 0
    # str.split() cuts at the characters `\s` matches (str.isspace); each chunk is then found
    # from the end of the last: only whitespace lies between, so the first hit is the chunk
    get, append = _PIECES.get, tokens.append
    for word in text.split():
        start = find(word, at)
        at = start + len(word)
        pieces = get(word)
        if pieces is None:
            if len(_PIECES) > _PIECES_LIMIT:
                _PIECES.clear()
            pieces = _pieces(word)
            pieces = _PIECES[word] = pieces if len(pieces) > 1 else ()
        if pieces:
            tokens.extend(_new(Token, (piece, start + a, start + b)) for piece, a, b in pieces)
        else:
            append(_new(Token, (word, start, at)))
    return tokens
