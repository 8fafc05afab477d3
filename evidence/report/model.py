"""The evidence report as data: computed once, rendered as text, Markdown, HTML or JSON.

`build_report` is pure: the service gathers a `ReportInput` from the store (the policy, each
reference with its PubMed record if any, its design tag, and the flags already found) and
this module turns it into `ReportData`, a JSON-ready dict whose shape `schema.json` pins.

Rules a reviewer can check: a reference is *resolved* when a PubMed record backs it;
otherwise it is *unresolved* (NCBI said the PMID is unknown) or *unchecked* (never
compared with PubMed), and an unchecked reference is never reported as clean. Evidence
strength follows the design's level (Oxford CEBM 2011; guidelines are syntheses and not
levelled). The state-of-the-evidence paragraph only counts and quotes: it makes no
coverage decision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from evidence.extract import conclusion, included_studies, phase, sample_size
from evidence.report import since_review, table, verdict
from evidence.report.trials import ongoing_rows

ReportData = dict[str, Any]

#: default level per design when a tag carries none (Oxford CEBM 2011, treatment benefits)
DESIGN_LEVEL = {
    "meta-analysis": 1,
    "systematic-review": 1,
    "rct": 2,
    "non-randomized-trial": 3,
    "observational": 4,
    "case-report": 4,
    "narrative-review": 5,
    "editorial": 5,
}
#: designs in the order reports list them (strongest first)
DESIGN_ORDER = [
    "meta-analysis",
    "systematic-review",
    "rct",
    "non-randomized-trial",
    "observational",
    "case-report",
    "guideline",
    "narrative-review",
    "editorial",
    "other",
    "unknown",
]
SYNTHESES = ("meta-analysis", "systematic-review")


@dataclass
class ReferenceInput:
    """One cited reference with everything the store knows about it."""

    number: int
    raw: str
    authors: list[str] = field(default_factory=list)
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    pmid: str | None = None  # cited, or matched by ECitMatch (see pmid_source)
    pmid_source: str | None = None  # "cited" | "matched, unconfirmed"
    role: str | None = None
    article: dict[str, Any] | None = None  # the Article row's fields when resolved
    unresolved_reason: str | None = None
    tag: dict[str, Any] | None = None  # {"design", "level", "source", "modifiers", "signal"}
    flags: list[dict[str, str]] = field(default_factory=list)  # {"kind", "detail"} found upstream
    doi: str | None = None
    facts: dict[str, Any] | None = None  # evidence.extract.TrialFacts as a dict (RCTs, syntheses)
    #: what the readers found in the abstract when the store already knew it
    #: ({"included_studies", "sample_size"}, evidence.extract.stored); else they read it here
    abstract_reads: dict[str, Any] | None = None


@dataclass
class ReportInput:
    policy: dict[
        str, Any
    ]  # id, title, effective_date, last_reviewed, statements, codes, conclusion
    references: list[ReferenceInput]
    since_last_review: dict[str, Any] | None = None  # the latest review cycle (issue #6)
    #: studies included in the latest review cycle: {pmid, design, level, year, title, doi, facts}
    new_studies: list[dict[str, Any]] = field(default_factory=list)
    #: the policy's stored ClinicalTrials.gov records (Trial fields + cited, cited_by)
    trials: list[dict[str, Any]] = field(default_factory=list)
    generated_at: datetime | None = None
    tool_version: str | None = None
    pubmed_last_asked: datetime | None = None  # newest Article.fetched_at among the references
    ctgov_last_asked: datetime | None = None
    since_last_watch: dict[str, Any] | None = None  # open watch events (issue #14)


def build_report(data: ReportInput) -> ReportData:
    refs = [_reference(r) for r in data.references]
    last_reviewed = data.policy.get("last_reviewed")
    summary = _summary(refs, last_reviewed)
    flags = [
        dict(kind=f["kind"], pmid=r["pmid"], number=r["number"], detail=f["detail"])
        for r in refs
        for f in r["flags"]
    ]
    direct = _direct_evidence(data.references, refs, last_reviewed)
    report: ReportData = {
        "policy": _policy(data.policy),
        "basis": _basis(summary, data.policy["id"]),
        "references": refs,
        "summary": summary,
        "direct_evidence": direct,
        "flags": flags,
        "since_last_review": data.since_last_review,
        "since_last_watch": data.since_last_watch,
    }
    report["state_of_evidence"] = state_of_evidence(report)
    report["evidence_table"] = table.evidence_table(data.references, refs, data.new_studies)
    report["ongoing_trials"] = ongoing_rows(data.trials)
    generated = data.generated_at or datetime.now().astimezone()
    report["generated_at"] = _stamp(generated)
    report["tool_version"] = data.tool_version
    report["pubmed_last_asked"] = _stamp(data.pubmed_last_asked)
    report["ctgov_last_asked"] = _stamp(data.ctgov_last_asked)
    summary.update(verdict.summary(report, data.trials, generated.date()))
    return report


def _stamp(moment: datetime | None) -> str | None:
    """An ISO time to the second (UTC when the store kept it without a zone)."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat()


def to_json(report: ReportData) -> str:
    """The report as JSON (the shape schema.json describes)."""
    return json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n"


# ---------------------------------------------------------------- parts


def _iso(d: Any) -> str | None:
    return d.isoformat() if isinstance(d, date) else d


def _policy(p: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": p["id"],
        "title": p["title"],
        "effective_date": _iso(p.get("effective_date")),
        "last_reviewed": _iso(p.get("last_reviewed")),
        "statements": [
            dict(product=s["product"], status=s["status"], text=s["text"])
            for s in p.get("statements", [])
        ],
        "codes": [
            dict(code=c["code"], system=c.get("system"), description=c["description"])
            for c in p.get("codes", [])
        ],
        "conclusion": p.get("conclusion"),
    }


def _reference(r: ReferenceInput) -> dict[str, Any]:
    a = r.article or {}
    tag = r.tag or {}
    design = tag.get("design") or "unknown"
    level = tag.get("level") if tag else None
    flags = list(r.flags)
    status = "resolved" if r.article else "unresolved" if r.unresolved_reason else "unchecked"
    if status == "unresolved":
        flags.append(
            dict(
                kind="unresolved",
                detail=f"NCBI did not return PMID {r.pmid}: {r.unresolved_reason}",
            )
        )
    elif status == "unchecked":
        why = "no PMID in the citation" if not r.pmid else f"PMID {r.pmid} not yet checked"
        flags.append(dict(kind="unchecked", detail=f"not checked against PubMed ({why})"))
    return {
        "number": r.number,
        "pmid": r.pmid,
        "doi": a.get("doi") or r.doi,
        "pmid_source": r.pmid_source,
        "resolved": status == "resolved",
        "status": status,
        "first_author": _first_author(r),
        "title": a.get("title") or r.title,
        "journal": a.get("journal_iso") or a.get("journal") or r.journal,
        "year": a.get("year") or r.year,
        "design": design,
        "design_source": tag.get("source"),
        "evidence_level": level,
        "role": r.role,
        "flags": flags,
        "citation": r.raw,
    }


def _first_author(r: ReferenceInput) -> str | None:
    for au in (r.article or {}).get("authors") or []:
        if au.get("collective"):
            return str(au["collective"])
        if au.get("last"):
            return f"{au['last']} {au.get('initials') or ''}".strip()
    return r.authors[0] if r.authors else None


def names_author(author: dict[str, Any]) -> bool:
    """Whether `_first_author` stops at this record author (the service reads no further)."""
    return bool(author.get("collective") or author.get("last"))


def _count(refs: list[dict[str, Any]]) -> dict[str, int]:
    """References per design, in DESIGN_ORDER (one pass, not one per design)."""
    tally: dict[str, int] = {}
    for r in refs:
        tally[r["design"]] = tally.get(r["design"], 0) + 1
    return {d: tally[d] for d in DESIGN_ORDER if tally.get(d)}


def _summary(refs: list[dict[str, Any]], last_reviewed: Any) -> dict[str, Any]:
    direct = [r for r in refs if r["role"] == "direct"]
    years = [r["year"] for r in direct if r["year"]]
    newest = max(years) if years else None
    return {
        "total": len(refs),
        "resolved": sum(r["status"] == "resolved" for r in refs),
        "unresolved": sum(r["status"] == "unresolved" for r in refs),
        "unchecked": sum(r["status"] == "unchecked" for r in refs),
        "by_design": _count(refs),
        "direct_by_design": _count(direct),
        "by_role": {
            role: sum(1 for r in refs if (r["role"] or "unassigned") == role)
            for role in ("direct", "background", "unassigned")
        },
        "newest_direct_year": newest,
        "years_since_newest_direct": _years_since(newest, last_reviewed),
    }


def _years_since(year: int | None, last_reviewed: Any) -> int | None:
    if year is None or not isinstance(last_reviewed, date):
        return None
    return last_reviewed.year - year


def _basis(summary: dict[str, Any], policy_id: str) -> dict[str, Any]:
    how = f"evidence resolve {policy_id}"
    if summary["total"] and summary["resolved"] == summary["total"]:
        return {
            "source": "pubmed",
            "note": "every reference was checked against its PubMed record",
            "how_to_resolve": None,
        }
    if summary["resolved"]:
        rest = summary["total"] - summary["resolved"]
        return {
            "source": "pubmed (partial)",
            "note": f"{summary['resolved']} references rest on PubMed records, {rest} on the "
            f"citation text only",
            "how_to_resolve": how,
        }
    return {
        "source": "citation text only",
        "note": "no reference has been checked against PubMed; designs, years and flags come "
        "from the policy's citation text",
        "how_to_resolve": how,
    }


# ---------------------------------------------------------------- direct evidence


def _level(ref: dict[str, Any]) -> int | None:
    return ref["evidence_level"] or DESIGN_LEVEL.get(ref["design"])


def _direct_evidence(
    inputs: list[ReferenceInput], refs: list[dict[str, Any]], last_reviewed: Any
) -> dict[str, Any]:
    pairs = [(i, r) for i, r in zip(inputs, refs, strict=True) if r["role"] == "direct"]
    levels = [lv for _, r in pairs if (lv := _level(r)) is not None]
    best = min(levels) if levels else None
    strongest = sorted(
        {r["design"] for _, r in pairs if _level(r) == best and best is not None},
        key=DESIGN_ORDER.index,
    )
    years = [r["year"] for _, r in pairs if r["year"]]
    newest_year = max(years) if years else None
    return {
        "count": len(pairs),
        "strongest_designs": strongest,
        "strongest_level": best,
        "newest_strongest": _newest_of([r for _, r in pairs if best and _level(r) == best]),
        "newest_year": newest_year,
        "newest": [_ref_key(r) for _, r in pairs if r["year"] == newest_year and newest_year],
        "years_since_newest": _years_since(newest_year, last_reviewed),
        "last_reviewed": _iso(last_reviewed),
        "syntheses": [_synthesis(i, r) for i, r in pairs if r["design"] in SYNTHESES],
        "trials": [_trial(i, r) for i, r in pairs if r["design"] == "rct"],
    }


def _newest_of(refs: list[dict[str, Any]]) -> dict[str, Any] | None:
    dated = [r for r in refs if r["year"]]
    return _ref_key(max(dated, key=lambda r: (r["year"], r["number"]))) if dated else None


def _ref_key(r: dict[str, Any]) -> dict[str, Any]:
    return {"number": r["number"], "pmid": r["pmid"], "year": r["year"], "design": r["design"]}


def _abstract(i: ReferenceInput) -> str:
    return str((i.article or {}).get("abstract") or "")


def _read(i: ReferenceInput, name: str, reader: Any, text: str) -> Any:
    """A reader's answer for the abstract: the stored one when the service passed it."""
    if i.abstract_reads is not None and name in i.abstract_reads:
        return i.abstract_reads[name]
    return reader(text)


def _synthesis(i: ReferenceInput, r: dict[str, Any]) -> dict[str, Any]:
    text = _abstract(i)
    return {
        **_ref_key(r),
        "flags": [f["kind"] for f in r["flags"] if f["kind"] != "unchecked"],
        "title": r["title"],
        "included_studies": _read(i, "included_studies", included_studies, text),
        "conclusion": conclusion(i.article or {}) if i.article else None,
    }


def _trial(i: ReferenceInput, r: dict[str, Any]) -> dict[str, Any]:
    text = f"{r['title'] or ''}. {_abstract(i)}"
    mods = (i.tag or {}).get("modifiers") or []
    return {
        **_ref_key(r),
        "flags": [f["kind"] for f in r["flags"] if f["kind"] != "unchecked"],
        "title": r["title"],
        "sample_size": _read(i, "sample_size", sample_size, _abstract(i)),
        # the phase reader's case-blind search runs only on text that names a phase (what it
        # needs to match, "phase" in any case); its modifiers fallback either way
        "phase": phase(text if "phase" in text.casefold() else "", mods),
    }


# ---------------------------------------------------------------- state of the evidence


def _plural(n: int, word: str) -> str:
    irregular = {
        "meta-analysis": "meta-analyses",
        "systematic-review": "systematic reviews",
        "rct": "RCTs",
        "case-report": "case reports",
        "narrative-review": "narrative reviews",
        "observational": "observational studies",
        "unknown": "of unknown design",
        "other": "of other designs",
    }
    label = {
        "rct": "RCT",
        "systematic-review": "systematic review",
        "case-report": "case report",
        "narrative-review": "narrative review",
        "non-randomized-trial": "non-randomized trial",
        "observational": "observational study",
        "unknown": "of unknown design",
        "other": "of another design",
    }
    if n == 1:
        return f"1 {label.get(word, word)}"
    return f"{n} {irregular.get(word, label.get(word, word) + 's')}"


def design_phrase(counts: dict[str, int]) -> str:
    return ", ".join(_plural(n, d) for d, n in counts.items()) or "none"


#: flag kind -> how reports name it (an erratum is not a retraction)
FLAG_NAMES = {
    "retracted": "retracted",
    "retraction-notice": "retraction notice cited",
    "erratum": "erratum",
    "expression-of-concern": "expression of concern",
    "updated": "updated version",
    "republished": "corrected and republished",
    "citation-mismatch": "citation mismatch",
    "pmid-likely-wrong": "PMID likely wrong",
    "unresolved": "unresolved",
    "unchecked": "unchecked",
    "superseded": "superseded guideline",
}

_SERIOUS = [
    "retracted",
    "retraction-notice",
    "expression-of-concern",
    "erratum",
    "updated",
    "republished",
    "pmid-likely-wrong",
    "citation-mismatch",
    "unresolved",
    "superseded",
]


def state_of_evidence(report: ReportData) -> list[str]:
    """Sentences a reviewer can verify one by one against the tables above them."""
    s, d, pid = report["summary"], report["direct_evidence"], report["policy"]["id"]
    lines = [
        f"The policy cites {s['total']} references; {s['resolved']} were checked against "
        f"PubMed, {s['unresolved']} could not be found there and {s['unchecked']} "
        f"{'is' if s['unchecked'] == 1 else 'are'} unchecked."
    ]
    lines.append(f"By design: {design_phrase(s['by_design'])}.")
    if s["total"] and not any(r["design_source"] for r in report["references"]):
        lines.append(
            "No reference is tagged yet, so designs and roles are unknown "
            f"(run 'evidence tag --policy {pid}')."
        )
    elif s["by_role"]["unassigned"] == s["total"]:
        lines.append(
            "No reference has a role yet, so direct evidence cannot be told apart from "
            f"background (run 'evidence tag --policy {pid}')."
        )
    else:
        lines.append(
            f"{d['count']} references are direct evidence on the intervention: "
            f"{design_phrase(s['direct_by_design'])}."
        )
        lines += _strongest_lines(d)
    lines += _flag_lines(report)
    if report["basis"]["source"] != "pubmed":
        lines.append(
            f"This report rests partly or wholly on the citation text; run "
            f"'{report['basis']['how_to_resolve']}' to check it against PubMed."
        )
    lines += since_review.state_lines(report.get("since_last_review"))
    lines.append("This summary reports the cited evidence; it does not make the coverage decision.")
    return lines


def _strongest_lines(d: dict[str, Any]) -> list[str]:
    out = []
    if d["strongest_designs"]:
        names = " and ".join(_plural(2, x).split(" ", 1)[1] for x in d["strongest_designs"])
        out.append(f"The strongest direct evidence is {names} (level {d['strongest_level']}).")
    top = d["newest_strongest"]
    if top:
        pmid = f", PMID {top['pmid']}" if top["pmid"] else ""
        out.append(
            f"The newest level-{d['strongest_level']} study is ref {top['number']}{pmid} "
            f"({top['design']}, {top['year']})."
        )
    if d["newest_year"]:
        which = ", ".join(
            f"ref {n['number']}" + (f", PMID {n['pmid']}" if n["pmid"] else "") for n in d["newest"]
        )
        since = (
            f", {d['years_since_newest']} years before the last review ({d['last_reviewed']})"
            if d["years_since_newest"] is not None
            else ""
        )
        out.append(f"The newest direct study is from {d['newest_year']} ({which}){since}.")
    return out


def _flag_lines(report: ReportData) -> list[str]:
    counts: dict[str, list[int]] = {}
    for f in report["flags"]:
        counts.setdefault(f["kind"], []).append(f["number"])
    shown = [k for k in _SERIOUS if k in counts]
    if not shown:
        checked = report["summary"]["resolved"]
        return (
            [
                f"No retraction, erratum, expression of concern, update or citation problem was "
                f"found among the {checked} checked references."
            ]
            if checked
            else []
        )
    parts = [
        f"{FLAG_NAMES[k]} ({', '.join(f'ref {n}' for n in sorted(set(counts[k])))})" for k in shown
    ]
    return ["Flags: " + "; ".join(parts) + "."]
