"""The summary on top of the report: one verdict signal, and the few lines behind it.

The verdict is a rule, not a judgement, and says which rule fired:
- **new high-level evidence**: the latest review cycle included an RCT, meta-analysis,
  systematic review or guideline (issue #6's `re_examine`);
- **a significant finding against the policy's position**: a direct RCT or synthesis, not
  retracted or under concern, reports a significant difference on its primary outcome while the
  policy calls the evidence insufficient (or the technology investigational / not medically
  necessary / unproven);
- **trials that completed or posted results** on ClinicalTrials.gov since the last review;
- **flags on direct evidence** that undermine it (retracted, retraction notice, expression of
  concern, PMID likely wrong).
Any rule firing gives "re-examine the conclusion: <reasons>"; none gives "no new evidence that
could change the conclusion". Either way the reader is told what was checked; the coverage
decision stays with them.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from evidence.report import table as tbl
from evidence.report import trials as tr

NO_CHANGE = "no new evidence that could change the conclusion"
RE_EXAMINE = "re-examine the conclusion"
SIGNIFICANT = ("significantly increased", "significantly decreased")
INSUFFICIENT = re.compile(
    r"\binsufficient\b|\binvestigational\b|\bexperimental\b|\bunproven\b|"
    r"\bnot (?:medically necessary|covered)\b|\bnot been (?:shown|established|proven)\b",
    re.IGNORECASE,
)
UNDERMINING = ("retracted", "retraction-notice", "expression-of-concern", "pmid-likely-wrong")
TO_ACT = ("retracted", "retraction-notice", "expression-of-concern", "pmid-likely-wrong",
          "erratum", "updated", "republished", "citation-mismatch", "superseded", "unresolved")  # fmt: skip
ACTION = {
    "retracted": "drop or replace it",
    "retraction-notice": "cite the retracted article's status, not the notice",
    "expression-of-concern": "weigh it with caution",
    "pmid-likely-wrong": "correct the PMID",
    "erratum": "check the correction",
    "updated": "cite the newer version",
    "republished": "cite the corrected version",
    "citation-mismatch": "correct the citation",
    "superseded": "cite the newer guideline",
    "unresolved": "check the PMID",
}


def insufficient_position(policy: dict[str, Any]) -> bool:
    texts = [policy.get("conclusion") or ""]
    texts += [f"{s['status']} {s['text']}" for s in policy.get("statements", [])]
    return any(INSUFFICIENT.search(t) for t in texts)


def summary(report: dict[str, Any], trials: list[dict[str, Any]], today: date) -> dict[str, Any]:
    policy = report["policy"]
    last = date.fromisoformat(policy["last_reviewed"]) if policy.get("last_reviewed") else None
    reasons: list[str] = []
    since = report.get("since_last_review")
    if since and since.get("re_examine"):
        reasons.append(_newly_included(since))
    rows = report["evidence_table"]
    flagged = _flagged_direct(report)
    if insufficient_position(policy):
        hits = [r for r in rows if r["finding"] in SIGNIFICANT and r["ref"] not in flagged
                and (r["outcome"] or r["effect"]["value"] is not None or r["effect"]["p"])]  # fmt: skip
        if hits:
            reasons.append(
                "significant findings in direct evidence ("
                + "; ".join(f"{_where(r)} {r['outcome'] or 'main outcome'} {r['finding']}"
                            for r in hits[:3])  # fmt: skip
                + ") while the policy calls the evidence insufficient"
            )
    news = [(t, why) for t in trials if (why := tr.news(t, last))]
    if news:
        reasons.append(
            "trials completed or posted results since the last review ("
            + "; ".join(f"{t['nct_id']} {why}" for t, why in news[:3])
            + ")"
        )
    undermined = sorted(n for n, kinds in flagged.items() if kinds)
    if undermined:
        reasons.append(
            "direct evidence is undermined by flags ("
            + "; ".join(f"ref {n}: {', '.join(flagged[n])}" for n in undermined)
            + ")"
        )
    verdict = f"{RE_EXAMINE}: " + "; ".join(reasons) if reasons else NO_CHANGE
    return {
        "verdict": verdict,
        "reason": "; ".join(reasons) if reasons else _nothing_fired(report, trials, since),
        "strongest": strongest(report),
        "new_since_review": _new_lines(report, trials, last),
        "trials_due": [line for line in tr.due_lines(trials, last, today)
                       if " after the last review" not in line],  # fmt: skip
        "flags_to_act": flags_to_act(report),
    }


def _where(row: dict[str, Any]) -> str:
    base = f"ref {row['ref']}" if row["ref"] is not None else f"new PMID {row['pmid']}"
    return f"{base} ({tbl.design_text(row)})"


def _newly_included(since: dict[str, Any]) -> str:
    names = [f"{tbl.DESIGN_WORDS.get(i['design'], i['design'])} PMID {i['pmid']}"
             for i in since["included"] if i["design"] in since["re_examine_designs"]]  # fmt: skip
    return "new high-level evidence was included in review cycle " + (
        f"{since['cycle']} ({'; '.join(names)})"
    )


def _flagged_direct(report: dict[str, Any]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for ref in report["references"]:
        if ref["role"] != "direct":
            continue
        kinds = [f["kind"] for f in ref["flags"] if f["kind"] in UNDERMINING]
        if kinds:
            out[ref["number"]] = [_name(k) for k in dict.fromkeys(kinds)]
    return out


def _nothing_fired(
    report: dict[str, Any], trials: list[dict[str, Any]], since: dict[str, Any] | None
) -> str:
    checked = []
    checked.append(
        f"review cycle {since['cycle']} included no new RCT, meta-analysis, systematic review "
        "or guideline"
        if since
        else "no review cycle has been run yet ('evidence review start')"
    )
    checked.append("no direct study reports a significant finding against the policy's position")
    checked.append(
        f"none of the {len(trials)} registered trials completed or posted results since the "
        "last review"
        if trials
        else "no registered trial is stored ('evidence trials POLICY')"
    )
    checked.append("no direct study is retracted or under concern")
    return "; ".join(checked)


def strongest(report: dict[str, Any]) -> list[str]:
    """The strongest direct evidence (best level, newest first) and what it found."""
    rows = [r for r in report["evidence_table"] if not r["new"]]
    by_number = {ref["number"]: ref for ref in report["references"]}
    level = {r["ref"]: by_number[r["ref"]]["evidence_level"] for r in rows}
    ranked = sorted(
        rows,
        key=lambda r: (level[r["ref"]] or 9, -(by_number[r["ref"]]["year"] or 0), r["ref"]),
    )
    out = []
    for r in ranked[:3]:
        ref = by_number[r["ref"]]
        bits = [f"{tbl.design_text(r)}, ref {r['ref']}"
                + (f" (PMID {r['pmid']}, {ref['year']})" if r["pmid"] else f" ({ref['year']})")]  # fmt: skip
        if r["n"]:
            bits.append(r["n"])
        if r["finding"]:
            bits.append(f"{r['outcome'] or 'main outcome'} {tbl.finding_text(r)}")
        elif r["sentence"]:
            bits.append(f'it says: "{r["sentence"]}"')
        else:
            bits.append("finding not stated")
        kinds = [f["kind"] for f in ref["flags"] if f["kind"] in UNDERMINING]
        if kinds:
            bits.append("flagged " + ", ".join(_name(k) for k in dict.fromkeys(kinds)))
        line = "; ".join(bits)
        line = line[:1].upper() + line[1:]
        out.append(line if line.endswith(('"', ".")) else line + ".")
    return out


def _new_lines(
    report: dict[str, Any], trials: list[dict[str, Any]], last: date | None
) -> list[str]:
    out = []
    since = report.get("since_last_review")
    if since:
        out.append(
            f"Review cycle {since['cycle']} ({since['since']} to {since['until']}): "
            f"{since['candidates']} new candidates, {len(since['included'])} included."
        )
        for r in report["evidence_table"]:
            if r["new"]:
                size = f" ({r['n']})" if r["n"] else ""
                found = (
                    f"{r['outcome'] or 'main outcome'} {tbl.finding_text(r)}"
                    if r["finding"]
                    else "finding not stated"
                )
                out.append(f"New {tbl.design_text(r)} PMID {r['pmid']}{size}: {found}.")
    for t in trials:
        why = tr.news(t, last)
        if why:
            out.append(f"{t['nct_id']} {why}: {tr._short(t)}.")
    return out


def _name(kind: str) -> str:
    return "PMID likely wrong" if kind == "pmid-likely-wrong" else kind.replace("-", " ")


def flags_to_act(report: dict[str, Any]) -> list[str]:
    """One line per reference whose flags ask for an edit to the policy."""
    out = []
    for ref in report["references"]:
        kinds = [k for k in dict.fromkeys(f["kind"] for f in ref["flags"]) if k in TO_ACT]
        if not kinds:
            continue
        pmid = f" (PMID {ref['pmid']})" if ref["pmid"] else ""
        what = "; ".join(f"{_name(k)}: {ACTION[k]}" for k in kinds)
        out.append(f"ref {ref['number']}{pmid}: {what}.")
    return out
