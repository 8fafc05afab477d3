"""Abstract readers the report used first: studies included, sample size, phase, conclusion.

Moved here from `evidence.report.model` (issue #12); their behaviour is unchanged. Each reads
only the text it is given.
"""

from __future__ import annotations

import re
from typing import Any

_NUM_WORDS = {
    w: n
    for n, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUM = r"(\d{1,4}|" + "|".join(_NUM_WORDS) + r")"
_STUDIES = r"(?:randomi[sz]ed controlled trials|randomi[sz]ed (?:clinical )?trials|RCTs|trials|studies)"
_INCLUDED = [
    re.compile(
        rf"\b(?:included|including|identified|pooled|analy[sz]ed|comprised|of)\s+(?:a total of\s+)?"
        rf"{_NUM}\s+(?:\w+\s+){{0,2}}{_STUDIES}\b",
        re.I,
    ),
    re.compile(
        rf"\b{_NUM}\s+(?:\w+\s+){{0,2}}{_STUDIES}\s+(?:were|was|met|fulfilled|are)\s+"
        rf"(?:included|identified|eligible|selected)",
        re.I,
    ),
    re.compile(rf"\b{_NUM}\s+{_STUDIES}\b", re.I),
]


def _to_int(s: str) -> int:
    return int(s) if s.isdigit() else _NUM_WORDS[s.lower()]


def included_studies(abstract: str) -> int | None:
    """How many studies a meta-analysis or systematic review included, when its abstract says."""
    for pattern in _INCLUDED:
        m = pattern.search(abstract)
        if m:
            return _to_int(m.group(1))
    return None


_SAMPLE = [
    re.compile(r"\b[nN]\s*=\s*(\d{2,6})\b"),
    re.compile(
        r"\b(\d{2,6})\s+(?:\w+\s+){0,3}(?:patients|participants|subjects|individuals|men|women)"
        r"\s+(?:\w+\s+){0,3}(?:were\s+)?(?:randomi[sz]ed|enrolled|assigned|included)",
        re.I,
    ),
    re.compile(
        r"\brandomi[sz]ed\s+(?:a total of\s+)?(\d{2,6})\s+(?:\w+\s+){0,3}"
        r"(?:patients|participants|subjects)",
        re.I,
    ),
    re.compile(
        r"\b(?:total of|enrolled|included)\s+(\d{2,6})\s+(?:\w+\s+){0,3}"
        r"(?:patients|participants|subjects)",
        re.I,
    ),
]


def sample_size(abstract: str) -> int | None:
    """An RCT's sample size as its abstract states it ("n = 120", "120 were randomized")."""
    for pattern in _SAMPLE:
        m = pattern.search(abstract)
        if m:
            return int(m.group(1))
    return None


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "i/ii": "1/2", "ii/iii": "2/3"}
_PHASE = re.compile(r"\bphase[\s-]*(i{1,3}/i{1,3}|iv|i{1,3}|[1-4](?:/[1-4])?)\b", re.I)


def phase(text: str, modifiers: list[str] | None = None) -> str | None:
    """A trial's phase ("2", "3", "1/2") from its title/abstract or its tag's modifiers."""
    m = _PHASE.search(text)
    if m:
        raw = m.group(1).lower()
        return _ROMAN.get(raw, raw)
    for mod in modifiers or []:
        mm = re.match(r"phase[\s:-]*(\S+)", str(mod), re.I)
        if mm:
            return _ROMAN.get(mm.group(1).lower(), mm.group(1))
    return None


_SENT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


def conclusion(article: dict[str, Any]) -> dict[str, Any] | None:
    """The abstract's conclusion: its CONCLUSION(S) section, else its last two sentences."""
    for sec in article.get("abstract_sections") or []:
        label = f"{sec.get('label') or ''} {sec.get('category') or ''}".upper()
        if "CONCLUSION" in label and sec.get("text"):
            return {"text": str(sec["text"]).strip(), "source": "CONCLUSIONS section"}
    abstract = str(article.get("abstract") or "").strip()
    if not abstract:
        return None
    sentences = _SENT.split(abstract)
    return {"text": " ".join(sentences[-2:]).strip(), "source": "last sentences of the abstract"}
