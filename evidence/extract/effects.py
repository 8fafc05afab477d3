"""Effect estimates as abstracts write them: "HR 0.75 (95% CI 0.60-0.93; P = 0.01)".

Only what the sentence states is returned; a p-value alone gives an Effect with just `p`.
"""

from __future__ import annotations

import re

from evidence.extract.records import Effect

#: how abstracts name a measure -> the abbreviation reports print
_MEASURES = [
    (r"standardi[sz]ed mean differences?|SMD", "SMD"),
    (r"(?:weighted )?mean differences?|WMD|MD", "MD"),
    (r"(?:adjusted )?hazard ratios?|a?HR", "HR"),
    (r"(?:adjusted )?odds ratios?|a?OR", "OR"),
    (r"incidence rate ratios?|rate ratios?|IRR", "IRR"),
    (r"relative risks?|risk ratios?|a?RR", "RR"),
    (r"(?:absolute )?risk differences?|absolute risk reductions?|ARR|RD", "RD"),
    (r"differences?", "difference"),  # "difference, -1.4 percentage points": as stated
]
_MEASURE_ALT = "|".join(f"(?P<m{i}>{pat})" for i, (pat, _) in enumerate(_MEASURES))
_NUMBER = r"[-−–]?\s?\d+(?:[.·]\d+)?"
_EFFECT = re.compile(
    rf"(?<![A-Za-z])(?:{_MEASURE_ALT})(?![A-Za-z])"
    rf"(?:\s*[\[(](?:{_MEASURE_ALT.replace('?P<m', '?P<x')})[\])])?"  # "hazard ratio [HR]"
    rf"(?:\s*(?:was|of|were|=|:|,)\s*)*\s*(?P<value>{_NUMBER})",
    re.I,
)
_CI = re.compile(
    rf"^(?:[^.]|\.\d){{0,40}}?(?:(?:9[059](?:\s*%|\s*per\s*cent)\s*)?(?:CI|confidence interval|CrI)"
    rf"[,:\s]*(?:[\[(]CI[\])][,:\s]*)?"
    rf"|[(\[]\s*)(?P<lo>{_NUMBER})\s*(?:-|–|—|to|,|;|\.\.)\s*(?P<hi>{_NUMBER})",
    re.I,
)
_P = re.compile(
    r"(?<![A-Za-z])p(?:\s*(?:-\s*)?values?)?\s*(?:for\s+\w+\s*)?(?P<op>[<>=≤≥]|&lt;|&gt;)\s*"
    r"(?P<num>\d?[.·]\d+(?:\s*[x×]\s*10\s*[-−]?\s*\d+)?|[01](?![.\d]))",
    re.I,
)


def _num(s: str) -> float:
    return float(s.replace("−", "-").replace("–", "-").replace("·", ".").replace(" ", ""))


def p_value(text: str) -> str | None:
    """The first p-value as written ("0.03", "<0.001"); "=" is dropped."""
    m = _P.search(text)
    if not m:
        return None
    op = {"&lt;": "<", "&gt;": ">", "=": ""}.get(m.group("op"), m.group("op"))
    return f"{op}{m.group('num').replace(' ', '')}"


def effect(text: str) -> Effect | None:
    """The first stated effect estimate in a sentence (with its CI and p), or just its p-value."""
    p = p_value(text)
    m = _EFFECT.search(text)
    if m:
        idx = next(i for i in range(len(_MEASURES)) if m.group(f"m{i}"))
        measure = _MEASURES[idx][1]
        lo = hi = None
        ci = _CI.search(text[m.end() :])
        if ci:
            lo, hi = _num(ci.group("lo")), _num(ci.group("hi"))
        after = p_value(text[m.end() :])
        return Effect(measure, _num(m.group("value")), lo, hi, after or p)
    if p:
        return Effect(None, None, None, None, p)
    return None
