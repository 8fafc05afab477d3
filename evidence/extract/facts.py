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

_UNITS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SMALL = rf"(?:(?:{'|'.join(_TENS)})(?:[- ](?:{'|'.join(_UNITS[:9])}))?|{'|'.join(_UNITS)})"
_WORDNUM = rf"(?:{_SMALL}(?:\s+(?:hundred|thousand)(?:\s+(?:and\s+)?{_SMALL}(?:\s+hundred)?)*)?)"
_NUMW = r"(\d{1,3}(?:,\d{3})+|\d{1,6}|" + _WORDNUM + r"|zero)"
_WHO = r"(?:patients|participants|subjects|individuals|adults|children|women|men|infants|people|persons|volunteers|"
_WHO += r"neonates|smokers|pregnant women|eyes|cases)"

_RANDOMISED = [
    re.compile(
        rf"\b(?:a total of\s+)?{_NUMW}\s+(?:[\w-]+\s+){{0,4}}?{_WHO}\b(?:[^.;\d(]|\([^)]*\)){{0,120}}?(?:were|was)?\s+"
        rf"(?:\w+\s+)?(?:randomi[sz]ed|randomly (?:assigned|allocated|divided)|allocated|assigned)",
        re.I,
    ),
    re.compile(
        rf"\b(?:a total of\s+)?{_NUMW}\s+(?:[\w-]+\s+){{0,5}}?{_WHO}?\s*(?:\([^)]*\)\s*)?(?:were|was)\s+"
        rf"(?:\w+\s+)?(?:randomi[sz]ed|randomly (?:assigned|allocated|divided)|allocated|assigned)",
        re.I,
    ),
    re.compile(
        rf"\b(?:randomi[sz]ed|randomly (?:assigned|allocated))\s+(?:a total of\s+)?{_NUMW}\s+"
        rf"(?:[\w-]+\s+){{0,4}}?{_WHO}",
        re.I,
    ),
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
        r"(?:[\w,-]+\s+){0,8}?(?:to|into)\s+(?:receive\s+|either\s+|one of two groups:?\s*)*"
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


_WORD_VALUE = {w: i + 1 for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}


def _to_int(s: str) -> int:
    """ "2,400" -> 2400; "Two hundred and sixty" -> 260; "forty-five" -> 45."""
    s = s.replace(",", "")
    if s.isdigit():
        return int(s)
    total = current = 0
    for w in re.split(r"[\s-]+", s.lower()):
        if w in _WORD_VALUE:
            current += _WORD_VALUE[w]
        elif w == "hundred":
            current *= 100
        elif w == "thousand":
            total, current = total + current * 1000, 0
    return total + current


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
    """ "X and Y" / "X, Y, and Z" -> names; "patient and physician global assessment" stays one name."""
    what = re.sub(r"\s+(?:which|that|as|defined as|measured|assessed|evaluated)\b.*$", "", what.strip(), flags=re.I)
    if "," in what:
        parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+(?=(?:the\s+)?[a-z])", what)
    else:
        left, sep, right = what.partition(" and ")
        two_sided = sep and len(left.split()) >= 2 and len(right.split()) >= 2
        parts = [left, right] if two_sided else [what]
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


_NOT_AN_ARM = re.compile(
    r"\d+(?:\.\d+)?\s*%|\bp\s*[<>=]|\[|\b(?:showed|significant\w*|patients|women|men|"
    r"participants|were|was|groups?)\b",
    re.I,
)


def _arm(phrase: str) -> str | None:
    phrase = _clean(phrase)
    if not phrase or len(phrase.split()) > 10 or _NOT_AN_ARM.search(phrase):
        return None
    return phrase


def _arms(body: list[Sentence], title: list[Sentence]) -> tuple[str | None, str | None, Sentence | None]:
    """The arms from "randomised to A or B" (methods), "to compare A with B" (aims), or "A versus B"
    (the title); a candidate that reads like a result ("showed", "p <", "%") is no arm."""
    design = [s for s in body if s.section in ("", "methods", "background") and s.index < max(s.count * 0.6, 3)]
    for pattern, where in ((_ARMS[0], design), (_ARMS[1], design), (_ARMS[2], title), (_ARMS[1], title)):
        for s in where:
            m = pattern.search(s.text)
            if m:
                a, b = _arm(m.group("a")), _arm(m.group("b"))
                if a and b:
                    return a, b, s
    return None, None, None


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

    intervention, comparator, arm_sent = _arms(body, title_sents)

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
