"""trial_facts: the numbers, arms, follow-up and outcomes an RCT or meta-analysis abstract states.

Rules only, each value with the sentence it came from; anything the abstract does not state is
None. The finding for each outcome comes from `infer_finding`.
"""

from __future__ import annotations

import re

from evidence.extract import readers
from evidence.extract.finding import infer_finding
from evidence.extract.records import Outcome, TrialFacts
from evidence.extract.sentences import Sentence, sentences

_NUMW = r"(\d{1,3}(?:,\d{3})+|\d{1,6}|" + "|".join(readers._NUM_WORDS) + r")"
_WHO = r"(?:patients|participants|subjects|individuals|adults|children|women|men|infants|people|persons|volunteers|"
_WHO += r"neonates|smokers|pregnant women|eyes|cases)"

_RANDOMISED = [
    re.compile(
        rf"\b(?:a total of\s+)?{_NUMW}\s+(?:[\w-]+\s+){{0,5}}?{_WHO}?\s*(?:\([^)]*\)\s*)?(?:were|was)\s+"
        rf"(?:\w+\s+)?(?:randomi[sz]ed|randomly (?:assigned|allocated|divided)|allocated|assigned)",
        re.I,
    ),
    re.compile(rf"\brandomi[sz]ed\s+(?:a total of\s+)?{_NUMW}\s+(?:[\w-]+\s+){{0,4}}?{_WHO}", re.I),
    re.compile(rf"\b(?:enrolled|recruited|included)\s+(?:a total of\s+)?{_NUMW}\s+(?:[\w-]+\s+){{0,4}}?{_WHO}", re.I),
    re.compile(rf"\b{_NUMW}\s+(?:[\w-]+\s+){{0,4}}?{_WHO}\s+(?:were\s+)?(?:enrolled|recruited|included)", re.I),
]
_ANALYSED = [
    re.compile(
        rf"\b{_NUMW}\s+(?:[\w-]+\s+){{0,4}}?{_WHO}?\s*(?:were\s+)?(?:included in (?:the )?(?:final |primary )?"
        rf"analys[ie]s|analy[sz]ed|completed (?:the )?(?:study|trial|follow-up))",
        re.I,
    ),
    re.compile(rf"\banaly[sz]is (?:included|of)\s+{_NUMW}\b", re.I),
    re.compile(rf"\bdata (?:from|for|on)\s+{_NUMW}\s+(?:[\w-]+\s+){{0,3}}?{_WHO}", re.I),
]
_FOLLOW_UP = [
    re.compile(
        r"\b(?:median|mean|average)?\s*(?:duration of\s+)?follow[- ]?up\s+(?:period\s+)?(?:was|of|for|lasted|at)?\s*"
        r"(?:\w+\s+){0,2}?(\d+(?:\.\d+)?\s*(?:to|-|–)?\s*\d*\s*(?:years?|months?|weeks?|days?|hours?|yrs?|mo))\b",
        re.I,
    ),
    re.compile(
        r"\bfollowed(?: up)?\s+(?:for|over)\s+(?:a (?:median|mean) of\s+)?"
        r"(\d+(?:\.\d+)?\s*(?:years?|months?|weeks?|days?))",
        re.I,
    ),
    re.compile(
        r"\b(?:over|during) (?:a|the)\s+(\d+[- ](?:year|month|week|day))\s+(?:follow[- ]?up|period|treatment)", re.I
    ),
    re.compile(r"\b(?:at|after)\s+(\d+\s*(?:years?|months?|weeks?))\s+(?:of\s+)?(?:follow[- ]?up|treatment)", re.I),
]
_ARMS = [
    re.compile(
        r"\b(?:randomi[sz]ed|randomly (?:assigned|allocated)|allocated|assigned)\s*(?:\([^)]*\)\s*)?"
        r"(?:\w+\s+){0,3}?(?:to|into)\s+(?:receive\s+|either\s+|one of two groups:?\s*)*"
        r"(?P<a>[^;:]{3,120}?)\s*(?:\([^)]*\)\s*)?,?\s+(?:or|versus|vs\.?|and)\s+(?:to\s+)?(?:receive\s+)?"
        r"(?P<b>[^;,.]{3,120}?)(?=\s*(?:[;,.(]|$|\bfor\b|\bgroups?\b|\bin a\b|\bat\b|\bdaily\b))",
        re.I,
    ),
    re.compile(
        r"\bcompar\w*\s+(?:the\s+)?(?:effects?|efficacy|safety)?\s*(?:and\s+\w+\s+)?(?:of\s+)?"
        r"(?P<a>[^;:]{3,100}?)\s+(?:with|to|versus|vs\.?|and)\s+(?P<b>[^;,.]{3,100}?)(?=\s*(?:[;,.(]|$|\bin\b|\bfor\b|\bon\b))",
        re.I,
    ),
    re.compile(
        r"^(?P<a>[^:;]{3,100}?)\s+(?:versus|vs\.?|compared with|compared to)\s+(?P<b>[^:;,.]{3,100}?)"
        r"(?=\s*(?:[:;,.(]|$|\bfor\b|\bin\b|\bon\b|\bamong\b))",
        re.I,
    ),
]
_PRIMARY = re.compile(
    r"\b(?:the\s+)?(?:co-?)?primary\s+(?:efficacy\s+|safety\s+)?(?:outcome|end[- ]?point|endpoint|end point|"
    r"outcome measure|measure|variable|objective|aim)s?\s*(?:measures?\s*)?(?:was|were|is|are|included|:|,)\s*"
    r"(?:the\s+)?(?P<what>[^;.]{3,200})",
    re.I,
)
_SECONDARY = re.compile(
    r"\bsecondary\s+(?:efficacy\s+)?(?:outcome|end[- ]?point|endpoint|end point|outcome measure|measure)s?\s*"
    r"(?:measures?\s*)?(?:were|was|included|include|are|:|,)\s*(?P<what>[^;.]{3,300})",
    re.I,
)
_POOLED_PATIENTS = re.compile(
    rf"\b(?:a total of\s+|total(?:ling)?\s+|involving\s+|including\s+|with\s+|of\s+|and\s+|\(n\s*=\s*)?{_NUMW}\s*"
    rf"(?:\)\s*)?(?:[\w-]+\s+){{0,2}}?{_WHO}",
    re.I,
)


def _to_int(s: str) -> int:
    s = s.replace(",", "")
    return int(s) if s.isdigit() else readers._NUM_WORDS[s.lower()]


def _first(
    sents: list[Sentence], patterns: list[re.Pattern[str]], *, sections: tuple[str, ...] = ()
) -> tuple[re.Match[str], Sentence] | tuple[None, None]:
    for pattern in patterns:
        for s in sents:
            if sections and s.section not in sections:
                continue
            m = pattern.search(s.text)
            if m:
                return m, s
    return None, None


def _clean(phrase: str) -> str:
    phrase = re.sub(r"^(?:the|a|an|either|receive|treatment with|a group receiving)\s+", "", phrase.strip(), flags=re.I)
    phrase = re.sub(r"\s+(?:groups?|arms?)$", "", phrase, flags=re.I)
    return phrase.strip(" ,")


def _outcome_names(what: str) -> list[str]:
    """ "X and Y" / "X, Y, and Z" -> names; a trailing "at 12 months" or "(...)" stays with its name."""
    what = re.sub(r"\s+(?:which|that|as|defined as|measured|assessed|evaluated)\b.*$", "", what.strip(), flags=re.I)
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?=(?:the\s+)?[a-z])", what)
    return [p for p in (_clean(x) for x in parts) if len(p) > 2]


def _outcomes(
    sents: list[Sentence], abstract: str, sections: list[dict] | None, intervention: str, comparator: str
) -> tuple[Outcome, ...]:
    named: list[tuple[str, bool]] = []
    for s in sents:
        for pattern, primary in ((_PRIMARY, True), (_SECONDARY, False)):
            m = pattern.search(s.text)
            if m:
                names = _outcome_names(m.group("what"))
                if (
                    primary
                    and len(names) > 1
                    and not re.search(
                        r"\b(?:co-?primary|primary\s+\w+\s+\w*s\b|"
                        r"(?:outcomes|end ?points|endpoints)\s+(?:were|are))",
                        s.text,
                        re.I,
                    )
                ):
                    names = [_clean(m.group("what"))]
                named += [(n, primary) for n in names if n.lower() not in {x.lower() for x, _ in named}]
    outs = []
    for name, primary in sorted(named, key=lambda x: not x[1]):
        finding = infer_finding(abstract, intervention, comparator, name, sections)
        outs.append(Outcome(name, primary, finding))
    return tuple(outs)


def _pooled_patients(sents: list[Sentence]) -> int | None:
    for s in sents:
        if readers.included_studies(s.text) is not None:
            nums = [_to_int(m.group(1)) for m in _POOLED_PATIENTS.finditer(s.text)]
            nums = [n for n in nums if n > 20]
            if nums:
                return max(nums)
    return None


def trial_facts(abstract: str, title: str | None = None, sections: list[dict] | None = None) -> TrialFacts:
    """What the abstract states about the trial (or the pooled trials), each with its sentence."""
    sents = [s for s in sentences(abstract or "", sections) if s.section != "title"]
    title_sents = (
        [Sentence(title, "title", -1, 0)] if title else [s for s in sentences(abstract or "") if s.section == "title"]
    )
    body = [s for s in sents if s.section != "registration"]

    m, n_sent = _first(body, _RANDOMISED)
    randomised = _to_int(m.group(1)) if m else None
    ma, a_sent = _first(body, _ANALYSED)
    analysed = _to_int(ma.group(1)) if ma else None

    arm_m, arm_sent = _first(body, _ARMS[:2])
    if not arm_m:
        arm_m, arm_sent = _first(title_sents, _ARMS)
    intervention = _clean(arm_m.group("a")) if arm_m else None
    comparator = _clean(arm_m.group("b")) if arm_m else None

    fm, f_sent = _first(body, _FOLLOW_UP)
    trials_pooled = readers.included_studies(" ".join(s.text for s in body))
    concl = readers.conclusion({"abstract": abstract, "abstract_sections": sections or _sections_of(sents)})
    return TrialFacts(
        randomised=randomised,
        analysed=analysed,
        n_sentence=(n_sent or a_sent).text if (n_sent or a_sent) else None,
        intervention=intervention,
        comparator=comparator,
        arms_sentence=arm_sent.text if arm_sent else None,
        follow_up=re.sub(r"\s+", " ", fm.group(1)).strip() if fm else None,
        follow_up_sentence=f_sent.text if f_sent else None,
        outcomes=_outcomes(body, abstract, sections, intervention or "", comparator or ""),
        trials_pooled=trials_pooled,
        patients_pooled=_pooled_patients(body) if trials_pooled is not None else None,
        conclusion=concl["text"] if concl else None,
    )


def _sections_of(sents: list[Sentence]) -> list[dict]:
    """The conclusion sentences as a CONCLUSIONS section, so `readers.conclusion` finds them."""
    text = " ".join(s.text for s in sents if s.section == "conclusions")
    return [{"label": "CONCLUSIONS", "text": text}] if text else []
