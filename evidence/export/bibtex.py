"""BibTeX (biblatex-friendly), hand-formatted so every byte is ours to keep stable.

- Keys: `kullo2016peripheral` (see `entry.citation_keys`).
- Text is UTF-8 with accents kept (biber, biblatex, pybtex and pandoc read it); the characters
  LaTeX treats as commands (& % $ # _ { } ~ ^ \\) are escaped.
- In titles, words whose capitals are not just a leading one (acronyms such as "JUVENTAS",
  "AHA/ACC", "mRNA") are wrapped in braces so sentence-case styles keep them.
- A group author is braced whole so BibTeX never splits "Task Force" into names.
- `keywords` carries the design tag, level, role, decision and flags (what JabRef, Zotero and
  biblatex's keyword filters use); `pmid`, `pmcid`, `doi`, `url`, `note` are biblatex fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TextIO

from evidence.export.entry import Author, ExportEntry, citation_keys, full_pages

_TYPES = {"article": "article", "book": "book"}
_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$",
    "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\{}&%$#_~^]")


def escape(text: str) -> str:
    """LaTeX-safe text: the special characters escaped, whitespace collapsed."""
    return _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group()], " ".join(text.split()))


def _needs_protection(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return any(c.isupper() for c in letters[1:])


def protect_title(title: str) -> str:
    """Escape, and brace the words a style must not lowercase."""
    out = []
    for word in title.split():
        text = escape(word)
        out.append(f"{{{text}}}" if _needs_protection(word) else text)
    return " ".join(out)


def format_author(a: Author) -> str:
    if a.literal is not None:
        return "{" + escape(a.literal) + "}"
    family = escape(a.family or "")
    if " " in family and family.split(" ")[0][:1].isupper():
        family = "{" + family + "}"  # "Peeters Weem" is one surname, not first + last
    return f"{family}, {escape(a.given)}" if a.given else family


def _fields(e: ExportEntry) -> list[tuple[str, str | None]]:
    date = None
    if e.year:
        date = f"{e.year:04d}" + (f"-{e.month:02d}" if e.month else "")
        date += f"-{e.day:02d}" if e.month and e.day else ""
    authors = " and ".join(format_author(a) for a in e.authors)
    if e.et_al and authors:
        authors += " and others"
    return [
        ("author", authors or None),
        ("title", protect_title(e.title) if e.title else None),
        ("journal", escape(e.journal) if e.journal else None),
        ("shortjournal", escape(e.journal_abbrev) if e.journal_abbrev else None),
        ("year", str(e.year) if e.year else None),
        ("month", str(e.month) if e.month else None),
        ("date", date),
        ("volume", escape(e.volume) if e.volume else None),
        ("number", escape(e.issue) if e.issue else None),
        ("pages", escape(full_pages(e.pages, "--") or "") or None),
        ("doi", escape(e.doi) if e.doi else None),
        ("pmid", e.pmid),
        ("pmcid", e.pmcid),
        ("url", e.url),
        ("abstract", escape(e.abstract) if e.abstract else None),
        ("keywords", escape(", ".join(e.keywords())) or None),
        ("note", escape(" ".join(n.rstrip(".") + "." for n in e.notes())) or None),
    ]


def format_entry(e: ExportEntry, key: str) -> str:
    kind = _TYPES.get(e.kind, "article") if e.is_published_work else "misc"
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in _fields(e) if value]
    lines.append("}")
    return "\n".join(lines) + "\n"


def write(entries: Sequence[ExportEntry], stream: TextIO) -> None:
    keys = citation_keys(list(entries))
    for i, (e, k) in enumerate(zip(entries, keys, strict=True)):  # entries "\n"-separated
        stream.write(("\n" if i else "") + format_entry(e, k))
