"""The evidence table: one row per direct trial and synthesis, with what it found.

Rows come from the cited references whose role is direct and whose design is a meta-analysis,
systematic review, RCT or non-randomised trial, then from the studies included in the latest
review cycle (`new`: true). What a row says about a study comes from its abstract's extracted
facts (`evidence.extract.trial_facts`, as a dict); what the abstract does not state is None
(JSON null), which the renderers print as "not stated". Nothing is guessed here.
"""

from __future__ import annotations

from typing import Any

TABLE_DESIGNS = ("meta-analysis", "systematic-review", "rct", "non-randomized-trial")
DESIGN_WORDS = {
    "meta-analysis": "meta-analysis",
    "systematic-review": "systematic review",
    "rct": "RCT",
    "non-randomized-trial": "non-randomised trial",
}
NOT_STATED = "not stated"


def evidence_table(
    inputs: list[Any], refs: list[dict[str, Any]], new_studies: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = [
        _row(ref["number"], ref["pmid"], ref["design"], i.facts, new=False)
        for i, ref in zip(inputs, refs, strict=True)
        if ref["role"] == "direct" and ref["design"] in TABLE_DESIGNS
    ]
    rows.sort(key=lambda r: (TABLE_DESIGNS.index(r["design"]), r["ref"]))
    cited = {r["pmid"] for r in rows if r["pmid"]}
    new = [
        _row(None, s["pmid"], s.get("design") or "unknown", s.get("facts"), new=True)
        for s in new_studies
        if s.get("design") in TABLE_DESIGNS and s["pmid"] not in cited
    ]
    new.sort(key=lambda r: TABLE_DESIGNS.index(r["design"]))
    return rows + new


def _row(
    number: int | None, pmid: str | None, design: str, facts: dict[str, Any] | None, new: bool
) -> dict[str, Any]:
    f = facts or {}
    outcome = primary_outcome(f)
    finding = (outcome or {}).get("finding") or {}
    effect = finding.get("effect") or {}
    return {
        "ref": number,
        "pmid": pmid,
        "design": design,
        "n": size_text(f, design),
        "intervention": f.get("intervention"),
        "comparator": f.get("comparator"),
        "outcome": (outcome or {}).get("name"),
        "finding": finding.get("label"),
        "effect": {k: effect.get(k) for k in ("measure", "value", "ci_low", "ci_high", "p")},
        "follow_up": f.get("follow_up"),
        "sentence": finding.get("evidence") or _conclusion_text(f.get("conclusion")),
        "new": new,
    }


def primary_outcome(facts: dict[str, Any]) -> dict[str, Any] | None:
    """The first primary outcome; else the first outcome with a finding; else the first."""
    outcomes = [o for o in facts.get("outcomes") or [] if isinstance(o, dict)]
    for test in (
        lambda o: o.get("primary"),
        lambda o: (o.get("finding") or {}).get("label"),
        lambda o: True,
    ):
        for o in outcomes:
            if test(o):
                return o
    return None


def size_text(facts: dict[str, Any], design: str) -> str | None:
    """ "12 trials, 600 patients" for a synthesis; "120 randomised, 112 analysed" for a trial."""
    if design in ("meta-analysis", "systematic-review"):
        parts = []
        if facts.get("trials_pooled"):
            parts.append(_plural(facts["trials_pooled"], "study", "studies"))
        if facts.get("patients_pooled"):
            parts.append(_plural(facts["patients_pooled"], "patient", "patients"))
        return ", ".join(parts) or None
    rnd, ana = facts.get("randomised"), facts.get("analysed")
    if rnd and ana and ana != rnd:
        return f"{rnd} randomised, {ana} analysed"
    if rnd:
        return f"{rnd} randomised"
    if ana:
        return f"{ana} analysed"
    return f"n = {facts['sample_size']}" if facts.get("sample_size") else None


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _conclusion_text(c: Any) -> str | None:
    if isinstance(c, dict):
        return c.get("text")
    return c if isinstance(c, str) and c else None


def effect_text(e: dict[str, Any]) -> str:
    """ "HR 0.72 (95% CI 0.55 to 0.94), p = 0.02"; "" when nothing is stated."""
    out = ""
    if e.get("measure") and e.get("value") is not None:
        out = f"{e['measure']} {_num(e['value'])}"
        if e.get("ci_low") is not None and e.get("ci_high") is not None:
            out += f" (95% CI {_num(e['ci_low'])} to {_num(e['ci_high'])})"
    if e.get("p") not in (None, ""):
        p = str(e["p"]).replace(" ", "")
        p_text = f"p {p[0]} {p[1:]}" if p[0] in "<>=≤≥" else f"p = {p}"
        out = f"{out}, {p_text}" if out else p_text
    return out


def _num(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def finding_text(row: dict[str, Any]) -> str:
    """ "significantly decreased: HR 0.72 (95% CI 0.55 to 0.94)" or "not stated"."""
    label = row["finding"] or NOT_STATED
    eff = effect_text(row["effect"])
    return f"{label}: {eff}" if eff else label


def arms_text(row: dict[str, Any]) -> str:
    if not row["intervention"] and not row["comparator"]:
        return NOT_STATED
    return f"{row['intervention'] or NOT_STATED} vs {row['comparator'] or NOT_STATED}"


def design_text(row: dict[str, Any]) -> str:
    return DESIGN_WORDS.get(row["design"], row["design"])


def where_text(row: dict[str, Any]) -> str:
    if row["ref"] is not None:
        return f"ref {row['ref']}"
    return "new"
