"""A tiny evaluator for PubMed-style query strings, enough for the fake server's esearch.

Supports quoted phrases, bare words (trailing * as a prefix wildcard), AND / OR / NOT,
parentheses, implicit AND between adjacent terms, and field tags: [tiab]/[ti]/[ab] search
title and abstract, [pt] publication types, [mh]/[mesh] MeSH; anything else (or no tag)
searches title + abstract + MeSH. Matching is case-insensitive on word boundaries; a [mh] term
must be a whole heading of the record (PubMed also explodes a heading to the narrower ones
under it in the MeSH tree; this fake does not, so it finds fewer records than PubMed would).

`translate` renders a query the way PubMed's esearch reports it in `QueryTranslation`
("..."[MeSH Terms], "..."[Title/Abstract], and the date window as `AND lo:hi[Date - Entrez]`).
"""

from __future__ import annotations

import re
from collections.abc import Callable

TOKEN = re.compile(r'\s*(?:(\()|(\))|"([^"]*)"(\[[^\]]*\])?|([^\s()"]+))')
Fields = dict[str, str]  # "tiab" | "pt" | "mh" | "all" -> lower-cased searchable text
Predicate = Callable[[Fields], bool]


def _tokens(query: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(query):
        m = TOKEN.match(query, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        lp, rp, phrase, phrase_tag, word = m.groups()
        if lp:
            out.append(("(", ""))
        elif rp:
            out.append((")", ""))
        elif phrase is not None:
            out.append(("term", phrase + (phrase_tag or "")))
        elif word.upper() in ("AND", "OR", "NOT"):
            out.append((word.upper(), ""))
        else:
            out.append(("term", word))
    return out


def _field(tag: str) -> str:
    tag = tag.lower()
    if tag in ("tiab", "ti", "ab", "title", "title/abstract"):
        return "tiab"
    if tag in ("pt", "publication type", "ptyp"):
        return "pt"
    if tag in ("mh", "mesh", "majr", "mesh terms"):
        return "mh"
    return "all"


def _term(text: str) -> Predicate:
    m = re.match(r"^(.*?)(?:\[([^\]]*)\])?$", text.strip())
    assert m
    words, tag = m.group(1).strip().lower(), m.group(2) or ""
    field = _field(tag)
    if field == "mh" and not words.endswith("*"):
        heading = re.compile(r"(?:^|\n)" + re.escape(words) + r"(?:$|\n)")
        return lambda fields: bool(heading.search(fields["mh"]))
    # PubMed reads a hyphen in a phrase as a space ("limb-threatening" = "limb threatening")
    body = re.escape(words.rstrip("*")).replace(r"\-", "[- ]").replace(r"\ ", "[- ]")
    pattern = re.compile(r"\b" + body + ("" if words.endswith("*") else r"\b"))
    return lambda fields: bool(pattern.search(fields[field]))


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens, self.i = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def expr(self) -> Predicate:  # or-expression
        left = self.conj()
        while self.peek() == "OR":
            self.take()
            right = self.conj()
            left = (lambda a, b: lambda f: a(f) or b(f))(left, right)
        return left

    def conj(self) -> Predicate:
        left = self.atom()
        while self.peek() in ("AND", "NOT", "term", "("):
            op = self.take()[0] if self.peek() in ("AND", "NOT") else "AND"
            right = self.atom()
            if op == "NOT":
                left = (lambda a, b: lambda f: a(f) and not b(f))(left, right)
            else:
                left = (lambda a, b: lambda f: a(f) and b(f))(left, right)
        return left

    def atom(self) -> Predicate:
        kind, text = self.take() if self.peek() else ("term", "")
        if kind == "(":
            inner = self.expr()
            if self.peek() == ")":
                self.take()
            return inner
        if kind == "term":
            # a tag written apart from its words: `stem cells [tiab]`
            return _term(text)
        return lambda f: False


def compile_query(query: str) -> Predicate:
    """Turn a query string into a predicate over an article's searchable fields."""
    tokens = _tokens(query)
    # glue a stray "[tag]" token onto the term before it
    glued: list[tuple[str, str]] = []
    for kind, text in tokens:
        if kind == "term" and text.startswith("[") and glued and glued[-1][0] == "term":
            glued[-1] = ("term", glued[-1][1] + text)
        elif (
            kind == "term"
            and glued
            and glued[-1][0] == "term"
            and "[" not in glued[-1][1]
            and text.endswith("]")
            and "[" in text
        ):
            glued[-1] = ("term", f"{glued[-1][1]} {text}")  # two words sharing one tag
        else:
            glued.append((kind, text))
    if not glued:
        return lambda f: False
    return _Parser(glued).expr()


_TAG_NAMES = {"tiab": "Title/Abstract", "pt": "Publication Type", "mh": "MeSH Terms",
              "all": "All Fields"}  # fmt: skip
_DATE_NAMES = {"edat": "Date - Entrez", "pdat": "Date - Publication", "mdat": "Date - Modification"}
_TAGGED = re.compile(r'"([^"]*)"\s*\[([^\]]*)\]|([^\s()"\[\]]+)\[([^\]]*)\]')


def translate(query: str, mindate: str | None = None, maxdate: str | None = None,
              datetype: str = "edat") -> str:  # fmt: skip
    """The query as PubMed's `QueryTranslation` spells it (field tags written out)."""

    def one(m: re.Match[str]) -> str:
        words, tag = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(3), m.group(4))
        field = _field(tag)
        name = "Title" if tag.lower() in ("ti", "title") else _TAG_NAMES[field]
        if field == "all" and tag.lower() not in ("all", "all fields"):
            name = tag
        return f'"{words}"[{name}]'

    text = _TAGGED.sub(one, query.strip())
    if mindate or maxdate:
        field = _DATE_NAMES.get(datetype, datetype)
        text = f"({text}) AND {mindate or '1800/01/01'}:{maxdate or '3000/12/31'}[{field}]"
    return text
