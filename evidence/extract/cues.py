"""Words and patterns that say what a results sentence found (shared by the rules and the model)."""

from __future__ import annotations

import re

STOP = frozenset(
    "a an the of in on at to for with and or by from as is was were be been are than that this these those "
    "its it their his her patients patient group groups subjects participants treatment treated therapy "
    "versus vs compared who which during after before between among per each all any both no not "
    "mg kg ml day days week weeks month months year years h".split()
)
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z0-9]+(?:'[a-z0-9]+)*")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def content_words(text: str) -> set[str]:
    """The words of a prompt that identify it (stop words and bare numbers dropped, crude stems)."""
    return {stem(t) for t in tokens(text) if t not in STOP and not t.isdigit() and len(t) > 1}


def stem(word: str) -> str:
    """A crude suffix stripper: enough to match "infection"/"infections", "reduced"/"reduce"."""
    for suf in ("ations", "ation", "ings", "ing", "ies", "es", "ed", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 4:
            return word[: -len(suf)]
    return word


NO_DIFF = re.compile(
    r"\b(?:no(?:t)?\s+(?:\w+\s+){0,3}(?:statistically\s+)?significan\w*|non-?significant\w*|"
    r"insignificant\w*|did\s+not\s+(?:\w+\s+){0,2}(?:differ|change|reduce|increase|improve|decrease|affect|"
    r"alter|show|reach|result)|do\s+not\s+differ|does\s+not\s+differ|were\s+not\s+different|was\s+not\s+different|"
    r"no\s+(?:\w+\s+){0,2}differen\w*|(?:was|were)\s+(?:similar|comparable)|similar\s+(?:in|between|among|for)|"
    r"comparable|not\s+(?:statistically\s+)?significant\w*|n\.?\s?s\.|failed\s+to|no\s+(?:effect|change|"
    r"benefit|improvement|impact)|neither|unchanged|did\s+not\s+reach|not\s+differ|equivalen\w*|non-?inferior\w*|"
    r"p\s*(?:=|>|≥)\s*0?\.(?:0[5-9]|[1-9])\d*)",
    re.I,
)
SIGNIFICANT = re.compile(
    r"\b(?:significan\w*|p\s*(?:<|≤|=)\s*0?\.0(?:[0-4]\d*|5(?!\d))|p\s*<\s*0?\.05|p\s*<\s*\.01)", re.I
)
UP = re.compile(
    r"\b(?:higher|increas\w*|greater|more|longer|rais\w*|elevat\w*|larger|enhanc\w*|"
    r"gain\w*|rose|rise|exceed\w*|prolong\w*|augment\w*|boost\w*|doubl\w*|accelerat\w*)\b",
    re.I,
)
DOWN = re.compile(
    r"\b(?:lower|reduc\w*|decreas\w*|less|fewer|shorter|declin\w*|drop\w*|fell|fall|diminish\w*|smaller|"
    r"attenuat\w*|suppress\w*|lowered|prevent\w*|halv\w*|slow\w*|shorten\w*|depress\w*|"
    r"inhibit\w*|decline|minimi\w*)\b",
    re.I,
)
STATS = re.compile(r"(?:\bp\s*[<>=≤≥]|\bCI\b|confidence interval|\b(?:OR|RR|HR|MD|SMD)\b|±|\d+(?:\.\d+)?\s*%)", re.I)
#: words that judge rather than measure: "better" lowers pain but raises survival
BETTER = re.compile(r"\b(?:improv\w*|better|benefi\w*|favou?r\w*|superior|effective\w*|relie\w*|success\w*)\b", re.I)
WORSE = re.compile(r"\b(?:worse\w*|poor\w*|inferior|deteriorat\w*|harm\w*|aggravat\w*)\b", re.I)
#: outcomes that are bad to have (more of them is worse): the sense "improved" takes for them
BAD_OUTCOME = re.compile(
    r"\b(?:pain|mortality|death|deaths|died|dying|infection\w*|adverse|complication\w*|failure\w*|risk\w*|"
    r"symptom\w*|severity|nausea|vomiting|incidence|recurrence|relapse\w*|morbidity|toxicit\w*|bleeding|"
    r"loss|anxiety|depression|depressive|fatigue|length of stay|duration|time to|disability|edema|oedema|"
    r"swelling|rate of|hospitali[sz]ation\w*|exacerbation\w*|fracture\w*|stroke|events?|scores?|level\w*|"
    r"concentration\w*|pressure|errors?|itching|pruritus|dyspnea|cough|fever|injur\w*|withdrawal|"
    r"consumption|requirement\w*|need for|use of|shivering|agitation|delirium|hypotension|bradycardia)\b",
    re.I,
)
GOOD_OUTCOME = re.compile(
    r"\b(?:survival|success\w*|quality of life|qol|satisfaction|healing|remission|response|cure|"
    r"improvement\w*|recovery|function\w*|efficacy|adherence|compliance|knowledge|abstinence|"
    r"accuracy|strength|performance|well-being|wellbeing|clearance)\b",
    re.I,
)
