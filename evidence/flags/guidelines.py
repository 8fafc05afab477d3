"""Superseded guidelines: an older edition cited next to a newer one from the same body.

A guideline is identified by who issued it and what it is about. Issuing bodies come from
the title: acronyms in a slash run ("ACC/AHA/SVS"), in parentheses ("(ESC)"), known
acronyms anywhere ("NICE"), and known full names ("European Society of Cardiology"). Two
guidelines are editions of one another when their bodies overlap with one contained in the
other, and their topic words (stemmed by prefix, so "artery" meets "arterial") share at
least two content words. The older (by edition year in the title, else publication year)
is flagged as superseded by the newest such edition. Only titles and years are needed, so
this works from the citation text when no PubMed record is available.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

KNOWN_BODIES = frozenset(
    """AHA ACC ESC ESVS SVS NICE WHO USPSTF ACCP ADA EASD IDSA ASCO NCCN AACVPR APMA SCAI SVM SVN
    SIR VESS ESO KDIGO ACR AUA ACOG AAOS AAN ACP ESH ERS ATS SIGN WFVS ACCF ASA HRS ESMO AASLD
    EASL ACG AGA ASH ISTH CHEST TASC IWGDF ACEP ASGE ESGE AAFP NHFA CCS""".split()
)
FULL_NAMES = {
    "american heart association": "AHA",
    "american college of cardiology": "ACC",
    "european society of cardiology": "ESC",
    "european society for vascular surgery": "ESVS",
    "society for vascular surgery": "SVS",
    "national institute for health and care excellence": "NICE",
    "national institute for health and clinical excellence": "NICE",
    "world health organization": "WHO",
    "american diabetes association": "ADA",
    "american college of physicians": "ACP",
    "world federation of vascular societies": "WFVS",
}
_NOT_BODIES = frozenset(
    "PAD CLI CLTI CAD DVT COPD HIV RCT USA UK EU II III IV PLX FDA CT MRI ECG ABI".split()
)
_STOP = frozenset(
    """a an and the of on in for to with by from at as or its their our this that these those
    guideline guidelines statement recommendation recommendations update updated focused report
    task force committee joint clinical practice management diagnosis treatment patients patient
    document covering collaboration endorsed society college association american european
    international national global consensus edition version executive summary full text new
    care disease diseases""".split()
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_GUIDELINE = re.compile(r"\bguidelines?\b|\bconsensus statement\b|\brecommendations?\b", re.I)


@dataclass(frozen=True)
class GuidelineCite:
    """One cited guideline: `key` is how the report points at it (e.g. the reference number)."""

    key: int
    title: str
    year: int | None
    pmid: str | None = None


@dataclass(frozen=True)
class Superseded:
    older: GuidelineCite
    newer: GuidelineCite
    detail: str


def looks_like_guideline(title: str | None) -> bool:
    return bool(title and _GUIDELINE.search(title))


def bodies(title: str) -> frozenset[str]:
    """Issuing bodies named in a guideline's title."""
    found: set[str] = set()
    for run in re.findall(r"\b[A-Z]{2,8}(?:/[A-Z]{2,8})+\b", title):
        found.update(run.split("/"))
    found.update(re.findall(r"\(([A-Z]{2,8})\)", title))
    found.update(t for t in re.findall(r"\b[A-Z]{2,8}\b", title) if t in KNOWN_BODIES)
    low = title.lower()
    found.update(acr for name, acr in FULL_NAMES.items() if name in low)
    return frozenset(found - _NOT_BODIES)


_AUTHORSHIP = re.compile(
    r"\b(?:a report of|the task force|task force|endorsed by|in collaboration with)\b.*",
    re.I | re.S,
)


def topic(title: str) -> frozenset[str]:
    """Content words of the title, stemmed to their first five letters.

    The authorship tail ("A Report of the ... Task Force"), the bodies' names and all-caps
    acronyms are left out: they say who wrote it, not what it is about.
    """
    low = re.sub(r"\b[A-Z]{2,8}\b", " ", _AUTHORSHIP.sub("", title)).lower()  # acronyms: bodies
    for name in FULL_NAMES:
        low = low.replace(name, " ")
    words = re.findall(r"[a-z]+", low)
    return frozenset(w[:5] for w in words if len(w) > 2 and w not in _STOP)


def edition_year(cite: GuidelineCite) -> int | None:
    """The year the title names (a 2016 guideline published in 2017 is the 2016 edition)."""
    m = _YEAR.search(cite.title)
    return int(m.group(1)) if m else cite.year


def same_series(a: GuidelineCite, b: GuidelineCite) -> bool:
    ba, bb = bodies(a.title), bodies(b.title)
    if not ba or not bb or not (ba <= bb or bb <= ba):
        return False
    return len(topic(a.title) & topic(b.title)) >= 2


def find_superseded(cites: Iterable[GuidelineCite]) -> list[Superseded]:
    """Each older edition with the newest edition of the same series that the list holds.

    Each title's year, bodies and topic are worked out once, not once per pair: the pairwise
    recomputation took 30 s on a 10,000-reference policy (issue #16). Cites naming no body
    can be in no series (`same_series`), so they are left out of the pairing."""
    items = []
    for c in cites:
        year = edition_year(c)
        named = bodies(c.title) if year is not None else frozenset()
        if named:
            items.append((c, year, named, topic(c.title)))
    out = []
    for old, year, named, words in items:
        newer = [
            (y, c)
            for c, y, b, t in items
            if c is not old
            and y > year
            and (named <= b or b <= named)
            and len(words & t) >= 2
        ]
        if newer:
            best_year, best = max(newer, key=lambda yc: (yc[0], -yc[1].key))
            out.append(Superseded(old, best, _detail(best)))
    return out


def _detail(newer: GuidelineCite) -> str:
    where = f"ref {newer.key}" + (f" / PMID {newer.pmid}" if newer.pmid else "")
    return f"superseded by {where} ({edition_year(newer)})"
