"""Words the renderers share, so text, Markdown and HTML name things the same way."""

from __future__ import annotations

from typing import Any

from evidence.report.model import FLAG_NAMES

FLAG_LABELS = {**FLAG_NAMES, "retracted": "RETRACTED"}


def flag_label(kind: str) -> str:
    return FLAG_LABELS.get(kind, kind)


def ref_flags(ref: dict[str, Any]) -> str:
    """A reference's flags in a table cell: each kind once."""
    kinds = list(dict.fromkeys(f["kind"] for f in ref["flags"]))
    return ", ".join(flag_label(k) for k in kinds)


def level_text(level: Any, design: str) -> str:
    if design == "guideline":
        return "not levelled"
    return "" if level is None else str(level)


LEVEL_NOTE = "Level: Oxford CEBM 2011 (1 strongest); guidelines are syntheses and not levelled."


def basis_text(b: dict[str, Any]) -> str:
    """The basis in plain words: "Checked against PubMed: every reference ..."."""
    head = {
        "pubmed": "Checked against PubMed",
        "pubmed (partial)": "Partly checked against PubMed",
        "citation text only": "Not checked against PubMed (citation text only)",
    }.get(b["source"], b["source"])
    return f"{head}: {b['note']}."


def pubmed_url(pmid: str) -> str:
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def doi_url(doi: str) -> str:
    return f"https://doi.org/{doi}"


def nct_url(nct: str) -> str:
    return f"https://clinicaltrials.gov/study/{nct}"


def provenance(r: dict[str, Any]) -> str:
    """When the report was made, by what, and when each source was last asked."""
    version = f"evidence {r['tool_version']}" if r.get("tool_version") else "evidence"
    return (
        f"Generated {_when(r.get('generated_at'))} by {version}. PubMed last asked "
        f"{_when(r.get('pubmed_last_asked'))}; ClinicalTrials.gov last asked "
        f"{_when(r.get('ctgov_last_asked'))}."
    )


def _when(stamp: str | None) -> str:
    if not stamp:
        return "never"
    return stamp.replace("T", " ").replace("+00:00", " UTC")


def verdict_head(summary: dict[str, Any]) -> tuple[str, str]:
    """("Re-examine the conclusion", reasons) or ("No new evidence ...", what was checked)."""
    v = summary["verdict"]
    if v.startswith("re-examine"):
        reason = summary["reason"]
        return "Re-examine the conclusion", reason[:1].upper() + reason[1:]
    return v[0].upper() + v[1:], "Checked: " + summary["reason"]


def pmid_text(ref: dict[str, Any]) -> str:
    if not ref["pmid"]:
        return ""
    return ref["pmid"] + ("?" if ref.get("pmid_source") not in (None, "cited") else "")


INVENTORY_HEADERS = ["#", "First author", "Year", "Journal", "Design", "Level", "Role", "PMID", "Flags"]


def inventory_row(ref: dict[str, Any]) -> list[Any]:
    """One reference as the inventory table shows it, in every format."""
    return [
        ref["number"],
        ref["first_author"],
        ref["year"],
        ref["journal"],
        ref["design"],
        level_text(ref["evidence_level"], ref["design"]),
        ref["role"] or "-",
        pmid_text(ref),
        ref_flags(ref),
    ]


def counts_rows(summary: dict[str, Any]) -> list[tuple[str, int, int]]:
    """(design, overall, direct) in report order."""
    by, direct = summary["by_design"], summary["direct_by_design"]
    return [(d, n, direct.get(d, 0)) for d, n in by.items()]


def direct_headline(d: dict[str, Any]) -> list[str]:
    """The direct evidence in one or two plain sentences (renderers escape and wrap them)."""
    level = f" (level {d['strongest_level']})." if d["strongest_level"] else "."
    lines = [
        f"{d['count']} direct references. Strongest designs: "
        f"{', '.join(d['strongest_designs']) or 'unknown'}{level}"
    ]
    if d["newest_year"]:
        since = (
            f"; {d['years_since_newest']} years before the last review ({d['last_reviewed']})"
            if d["years_since_newest"] is not None
            else ""
        )
        newest = "; ".join(where(n) for n in d["newest"])
        lines.append(f"Newest: {d['newest_year']} ({newest}){since}.")
    return lines


def sentence(text: Any) -> str:
    """A title as a sentence: one final period, whether PubMed's title had one or not."""
    return str(text or "").rstrip(" .") + "."


def trial_line(t: dict[str, Any]) -> str:
    size = f"n = {t['sample_size']}" if t["sample_size"] else "sample size not stated"
    ph = f", phase {t['phase']}" if t["phase"] else ""
    return f"{size}{ph}{flag_note(t)}"


def synthesis_count(s: dict[str, Any]) -> str:
    n = s["included_studies"]
    text = f"{n} included studies" if n else "number of included studies not stated"
    return text + flag_note(s)


def flag_note(item: dict[str, Any]) -> str:
    """ "; flagged: RETRACTED" when a direct study carries flags (it still counts, visibly)."""
    kinds = item.get("flags") or []
    return "; flagged: " + ", ".join(flag_label(k) for k in kinds) if kinds else ""


def where(ref: dict[str, Any]) -> str:
    return f"ref {ref['number']}" + (f", PMID {ref['pmid']}" if ref.get("pmid") else "")


def flag_lines(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(where, label, detail) per flag; the many "unchecked" flags collapse into one line."""
    out, unchecked = [], []
    for f in report["flags"]:
        if f["kind"] == "unchecked":
            unchecked.append(f["number"])
            continue
        loc = f"ref {f['number']}" + (f" (PMID {f['pmid']})" if f["pmid"] else "")
        out.append((loc, flag_label(f["kind"]), f["detail"]))
    if unchecked:
        out.append(
            (
                ("ref " if len(unchecked) == 1 else "refs ") + number_ranges(unchecked),
                "unchecked",
                "not checked against PubMed: no record confirms or flags them",
            )
        )
    return out


def number_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 5] -> "1-3, 5"."""
    nums, parts = sorted(set(numbers)), []
    start = prev = nums[0]
    for n in nums[1:] + [None]:  # type: ignore[list-item]
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(parts)
