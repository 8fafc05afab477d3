"""Abstract text -> sentences, each knowing which section it sits in.

Abstracts arrive in three shapes: PubMed's labelled sections (a list of {label, category, text}),
text with section headings ("RESULTS: ...", or "ABSTRACT.RESULTS:" lines as Evidence Inference
ships them), and plain prose. All three become the same list of `Sentence`s, so the finding
model sees one form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: section heading words -> the category a reader cares about
_CATEGORY = [
    ("results", ("RESULT", "FINDING", "OUTCOME")),
    ("conclusions", ("CONCLUSION", "INTERPRETATION", "DISCUSSION", "IMPLICATION")),
    (
        "methods",
        (
            "METHOD",
            "DESIGN",
            "SETTING",
            "PARTICIPANT",
            "PATIENT",
            "INTERVENTION",
            "MEASURE",
            "SUBJECT",
            "MATERIAL",
            "PROCEDURE",
            "SEARCH",
            "SELECTION",
            "DATA",
            "ELIGIB",
        ),
    ),
    (
        "background",
        ("BACKGROUND", "INTRODUCTION", "OBJECTIVE", "AIM", "PURPOSE", "CONTEXT", "RATIONALE", "IMPORTANCE", "HYPOTHES"),
    ),
    ("registration", ("REGISTRATION", "REGISTRY", "CLINICALTRIALS", "FUNDING", "SUPPLEMENTARY")),
]


@dataclass(frozen=True)
class Sentence:
    text: str
    section: str  # "title" | "background" | "methods" | "results" | "conclusions" | "registration" | ""
    index: int  # position among the abstract's sentences (title excluded)
    count: int  # how many sentences the abstract has


def category(label: str | None) -> str:
    """A heading ("MATERIALS AND METHODS", "Main outcome measures") -> its category, or ""."""
    up = (label or "").upper()
    for name, words in _CATEGORY:
        if any(w in up for w in words):
            return name
    return ""


# "ABSTRACT.RESULTS:" on its own line (Evidence Inference) or "RESULTS:" / "Results:" starting a
# paragraph or following a sentence end (PubMed's flattened structured abstracts).
_EI_HEADING = re.compile(r"^\s*(TITLE|ABSTRACT(?:\.[^\n]*?)?):+\s*$", re.M)
_INLINE_HEADING = re.compile(
    r"(?:(?<=^)|(?<=[.!?\]\)]\s)|(?<=\n))\s*([A-Z][A-Z /&-]{2,40}|(?:Background|Introduction|Objectives?|Aims?|"
    r"Purpose|Context|Methods?|Design|Setting|Participants|Patients|Interventions?|Measurements|"
    r"Main outcome measures?|Results?|Findings|Conclusions?|Interpretation|Trial registration)"
    r"(?: and [A-Za-z]+)?):\s+"
)

_ABBREV = re.compile(
    r"(?:\b(?:vs|v|e\.g|i\.e|et al|approx|ca|cf|Fig|Figs|No|Dr|Mr|Mrs|Ms|St|resp|incl|al|Ref|Vol|pp|Inc|Co|Ltd|"
    r"U\.S|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.)$",
    re.I,
)
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


#: words that open a sentence and never follow an initial as a surname would ("drug C. The cure rate");
#: not "a", which is also the next initial ("J. A. Smith")
_OPENERS = frozenset(
    "the an in at after among of on for this these those there we our patients participants it "
    "both all no none however overall compared during by with mean median".split()
)


def _initial_before(before: str, after: str) -> bool:
    """Whether `before` ends in a capital that is an initial ("J. Smith"), not an arm, a vitamin
    or a hepatitis type ending its sentence ("... or drug C. The cure rate ...")."""
    if not re.search(r"\b[A-Z]\.$", before):
        return False
    first = re.match(r"[\"'(\[]?([A-Za-z]+)", after)
    return not (first and first.group(1).lower() in _OPENERS)


def split_sentences(text: str) -> list[str]:
    """Prose -> sentences; does not split after "vs.", "e.g.", "et al." and the like."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    out: list[str] = []
    for piece in _SPLIT.split(text):
        if out and (_ABBREV.search(out[-1]) or _initial_before(out[-1], piece) or len(piece) < 3):
            out[-1] = f"{out[-1]} {piece}"
        else:
            out.append(piece)
    return [s.strip() for s in out if s.strip()]


def _sections_from_text(abstract: str) -> list[tuple[str, str]]:
    """(heading, body) pairs from heading-marked text; one ("", text) pair for prose."""
    if _EI_HEADING.search(abstract):
        parts = _EI_HEADING.split(abstract)
        pairs = [("", parts[0])] if parts[0].strip() else []
        for head, body in zip(parts[1::2], parts[2::2], strict=True):
            if head == "TITLE":  # the title is its first paragraph; unlabelled prose may follow
                title, _, rest = body.strip().partition("\n\n")
                pairs += [("TITLE", title), ("", rest)]
            else:
                pairs.append((head.partition(".")[2], body))
        return pairs
    marks = list(_INLINE_HEADING.finditer(abstract))
    marks = [m for m in marks if category(m.group(1))]
    if not marks:
        return [("", abstract)]
    pairs = [("", abstract[: marks[0].start()])] if abstract[: marks[0].start()].strip() else []
    for m, nxt in zip(marks, [*marks[1:], None], strict=True):
        pairs.append((m.group(1), abstract[m.end() : nxt.start() if nxt else len(abstract)]))
    return pairs


def sentences(abstract: str, sections: list[dict] | None = None) -> list[Sentence]:
    """The abstract's sentences in order, with their section category (title lines are "title")."""
    if sections:
        pairs = [(str(s.get("label") or s.get("category") or ""), str(s.get("text") or "")) for s in sections]
    else:
        pairs = _sections_from_text(abstract or "")
    raw: list[tuple[str, str]] = []
    for label, body in pairs:
        cat = "title" if label.upper() == "TITLE" else category(label)
        for s in split_sentences(body):
            raw.append((s, cat))
    body_count = sum(1 for _, c in raw if c != "title")
    out, i = [], 0
    for text, cat in raw:
        if cat == "title":
            out.append(Sentence(text, cat, -1, body_count))
        else:
            out.append(Sentence(text, cat, i, body_count))
            i += 1
    return out
