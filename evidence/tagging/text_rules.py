"""Design from words: rules on a record's title, abstract, journal and MeSH, and on a citation.

Used when PubMed's publication types say nothing (In-Process or Publisher records, or only
"Journal Article") and, for unresolved references, on the citation's title and journal alone.

Each rule is a named regular expression with a design and a confidence; rules are tried in
order (strongest and most specific first) and the first that matches decides. The phrase it
matched is the tag's signal, so a reviewer can see exactly why. Rules describe how study
designs are named in titles in general; none is written for a particular article.

Care points:
- negation: "non-randomized", "not randomized", "quasi-randomized", "Mendelian randomization"
  are not randomized trials;
- protocols ("study protocol", "rationale and design") report no results: `other` + protocol;
- plural "randomized trials" in a title is about trials (a review), not one trial;
- an article about a guideline ("... Guideline: Perioperative Implications", "a critique of the
  guidelines") is a narrative review, not the guideline itself;
- "guideline-based care", "adherence to guidelines" do not make a study a guideline.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from evidence.tagging import vocabulary as v
from evidence.tagging.pubtypes import is_cochrane
from evidence.tagging.result import CITATION_TEXT, RECORD_TEXT, TagResult, make

_F = re.IGNORECASE


@dataclass(frozen=True)
class Rule:
    name: str
    design: str
    pattern: re.Pattern[str]
    confidence: float
    modifiers: tuple[str, ...] = ()
    negations: re.Pattern[str] | None = None  # checked on the text just before the match
    requires: re.Pattern[str] | None = None  # must also match somewhere in the text
    forbids: re.Pattern[str] | None = None  # must not match anywhere in the text


def _r(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _F)


RANDOM_NEGATION = _r(r"(?:\bnon|\bnot|\bquasi|\bpseudo|\bwithout|\bmendelian|\bun)[\s-]*$")
GUIDELINE_NEGATION = _r(
    r"(?:adherence to|compliance with|implementation of|according to|concordance with|"
    r"deviation from|adherence with|use of|based on)(?:\s+\w+){0,3}\s*$"
)

GUIDELINE_WORDS = (
    r"\bguidelines?\b(?![- ](?:based|directed|recommended|concordant|discordant|adheren\w*|"
    r"compliant|driven|oriented))"
    r"|\bconsensus (?:statement|conference|report|document|recommendations?|paper)\b"
    r"|\bexpert consensus\b|\bposition (?:statement|paper)\b|\bscientific statement\b"
    r"|\bpractice (?:parameters?|advisory|bulletin)\b|\bappropriate use criteria\b"
    r"|\bclinical practice recommendations?\b"
)
ABOUT_GUIDELINE = (
    r"\bimplications\b|\bcommentary\b|\bcritique\b|\bcritical appraisal\b|\bwhat'?s new\b"
    r"|\bhighlights\b|\bkey (?:changes|points|messages|updates)\b|\breview of\b|\bappraisal\b"
    r"|\bperspective\b|\bcomparison of\b|\bcontroversies\b"
)
PHASE = _r(
    r"\bphase[\s-]*(iv|iii|ii|i|[1-4])(?:\s*[ab])?(?:\s*(?:/|-|and|or)\s*(iv|iii|ii|i|[1-4])\b)?\b"
)
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
NONRANDOMIZED_CONTENT = _r(
    r"\bnon-?randomi[sz]ed\b|\bnoncontrolled\b|\buncontrolled\b|\bnon-?controlled\b"
    r"|\bobservational\b"
    r"|\bcohort studies\b|\bsingle[- ]arm\b|\bcase series\b"
)

# ------------------------------------------------------------------ title / citation rules

TITLE_RULES: tuple[Rule, ...] = (
    Rule(
        "protocol",
        v.OTHER,
        _r(
            r"\b(?:study|trial|review) protocol\b|\bprotocol (?:for|of) an?\b"
            r"|\brationale and design\b"
            r"|\bdesign and rationale\b|\(protocol\)"
        ),
        0.8,
        (v.PROTOCOL,),
    ),
    Rule(
        "article about a guideline",
        v.NARRATIVE_REVIEW,
        _r(ABOUT_GUIDELINE),
        0.65,
        requires=_r(GUIDELINE_WORDS),
    ),
    Rule(
        "NEJM-style clinical practice review",
        v.NARRATIVE_REVIEW,
        _r(r"^\s*clinical practice\b"),
        0.7,
    ),
    Rule(
        "guideline or consensus",
        v.GUIDELINE,
        _r(GUIDELINE_WORDS),
        0.85,
        negations=GUIDELINE_NEGATION,
    ),
    Rule(
        "meta-analysis",
        v.META_ANALYSIS,
        _r(
            r"\bmeta[- ]?analys[ie]s\b|\bmeta[- ]?analytic\b|\bpooled analysis of\b"
            r"|\bindividual (?:patient|participant) data\b"
        ),
        0.9,
    ),
    Rule(
        "systematic review",
        v.SYSTEMATIC_REVIEW,
        _r(
            r"\bsystematic (?:literature )?review\b|\bcochrane review\b|\bumbrella review\b"
            r"|\bsystematic overview\b|\bevidence synthesis\b|\bsystematic (?:literature )?search\b"
        ),
        0.9,
    ),
    Rule(
        "review of trials",
        v.NARRATIVE_REVIEW,
        _r(
            r"\breview\b.*\btrials?\b|\btrials?\b.*\breview\b"
            r"|\b(?:randomi[sz]ed|controlled|clinical) (?:controlled )?trials\b"
        ),
        0.6,
        negations=RANDOM_NEGATION,
    ),
    Rule(
        "randomized trial",
        v.RCT,
        _r(
            r"(?<![\w-])randomi[sz]ed\b[^.;]{0,160}?\b(?:trial|study|comparison|experiment|evaluation)\b"
            r"|\brandomi[sz]ed[- ](?:controlled|clinical|crossover|pilot|start)\b"
            r"|\brandomi[sz]ed,? (?:double|single|triple)[- ]blind\b|\bRCT\b"
        ),
        0.85,
        negations=RANDOM_NEGATION,
    ),
    Rule("trial phase without randomization", v.NON_RANDOMIZED_TRIAL, PHASE, 0.75),
    Rule(
        "non-randomized trial",
        v.NON_RANDOMIZED_TRIAL,
        _r(
            r"\bnon-?randomi[sz]ed\b[^.;]{0,60}?\b(?:trial|study|comparison)\b|\bsingle[- ]arm\b"
            r"|\bopen[- ]label\b|\bfirst[- ]in[- ]human\b|\b(?:pilot|feasibility) (?:trial|study)\b"
            r"|\bcontrolled (?:clinical )?trial\b"
            r"|\bclinical trial\b(?! (?:design|methodolog|endpoint|registr|outcome))"
            r"|\bdose[- ]escalation\b"
        ),
        0.7,
    ),
    Rule(
        "case report or series",
        v.CASE_REPORT,
        _r(
            r"\bcase reports?\b|\ba case of\b|\bcase series\b"
            r"|\b(?:a|an|two|three|four|\d+) cases? (?:of|with)\b"
            r"|\breport of (?:a|an|two|three|four|\d+) (?:cases?|patients?|famil(?:y|ies))\b"
            r"|:\s*a case\b"
            r"|\bcase study\b"
        ),
        0.85,
    ),
    Rule(
        "observational design",
        v.OBSERVATIONAL,
        _r(
            r"\bcohort\b|\bcase[- ]control\b|\bcross[- ]sectional\b|\bregistry\b"
            r"|\bregister[- ]based\b"
            r"|\bretrospective(?:ly)?\b"
            r"|\bprospective (?:study|analysis|observational|evaluation|follow-up|cohort)\b"
            r"|\bobservational\b|\bpopulation[- ]based\b|\blongitudinal (?:study|analysis)\b"
            r"|\bfollow[- ]up study\b"
            r"|\breal[- ]world\b|\bnationwide\b|\bclaims (?:data|database|analysis)\b"
            r"|\bdatabase (?:study|analysis)\b"
            r"|\bchart review\b|\bmendelian randomi[sz]ation\b"
            r"|\bqualitative (?:study|exploration|analysis)\b"
            r"|\bmixed[- ]methods\b|\bsurvey\b|\bnatural history\b"
        ),
        0.75,
    ),
    Rule(
        "editorial or comment",
        v.EDITORIAL,
        _r(
            r"^\s*(?:inaugural )?editorial\b|\beditorial\b|\bcommentary\b|\bcomment on\b"
            r"|^\s*comment\b|\bin reply\b"
            r"|^\s*reply\b|\breply to\b|\bletter to the editor\b|\bviewpoint\b|\bcorrespondence\b"
            r"|\bin memoriam\b|\bobituary\b|\bopinion\b"
        ),
        0.75,
    ),
    Rule(
        "erratum or retraction notice",
        v.OTHER,
        _r(
            r"\berratum\b|\bcorrigendum\b|^\s*correction\b|^\s*retraction\b"
            r"|\bexpression of concern\b"
        ),
        0.8,
    ),
    Rule(
        "narrative review",
        v.NARRATIVE_REVIEW,
        _r(
            r"(?<!peer )(?<!institutional )(?<!chart )\breview\b(?! board)|\boverview\b"
            r"|\bstate[- ]of[- ]the[- ]art\b"
            r"|\bupdate on\b|\ban update\b|\brecent advances\b|\badvances in\b|\bprimer\b"
            r"|\btutorial\b"
            r"|\bcurrent (?:concepts|perspectives?|status|management|understanding|approaches"
            r"|evidence|trends|state)\b"
            r"|\bwhere do we stand\b|\blessons learned\b|\bthe evidence for\b"
        ),
        0.75,
    ),
    Rule(
        "association study",
        v.OBSERVATIONAL,
        _r(
            r"\brisk factors?\b|\bassociation (?:between|of|with)\b|\bassociated with\b"
            r"|\bincidence (?:of|and)\b"
            r"|\bprevalence (?:of|and)\b|\bpredictors? of\b"
            r"|\boutcomes? (?:of|after|in) (?:patients|\d+)\b"
            r"|\bexperience with\b|\bsingle[- ]cent(?:er|re)\b"
        ),
        0.55,
    ),
    Rule(
        "review-like topic",
        v.NARRATIVE_REVIEW,
        _r(
            r"\bpathogenesis\b|\bpathophysiology\b|\bmanagement of\b"
            r"|\btreatment of\b[^:]*\b(?:using|with)\b"
            r"|\bmechanisms? of\b|\bimplications\b|\bchallenges\b|\bemerging\b"
            r"|\bfuture directions\b"
            r"|\bperspectives?\b|\bprinciples of\b|\bconcepts\b|\bnew standard\b|\brole of\b"
            r"|\bwhat we know\b"
        ),
        0.45,
    ),
    Rule(
        "laboratory or technical study",
        v.OTHER,
        _r(
            r"\bmice\b|\bmouse\b|\bmurine\b|\brats?\b|\bporcine\b|\bcanine\b|\bin vitro\b"
            r"|\bin vivo\b"
            r"|\bcell lines?\b|\bzebrafish\b|\bcrystal structure\b|\balgorithms?\b"
            r"|\bneural network\b"
            r"|\bsimulation\b|\bsynthesis (?:of|and)\b|\bnanoparticles?\b|\bgenome[- ]wide\b"
            r"|\bsignaling\b"
            r"|\benzym\w*\b|\bspecies\b|\bdna\b|\brna\b|\bprotein\b"
        ),
        0.5,
    ),
)

# ------------------------------------------------------------------ abstract rules

ABSTRACT_RULES: tuple[Rule, ...] = (
    Rule(
        "protocol (abstract)",
        v.OTHER,
        _r(
            r"\bthis (?:study )?protocol\b|\bwill be randomi[sz]ed\b|\bwill be randomly\b"
            r"|\bwill be recruited\b"
        ),
        0.6,
        (v.PROTOCOL,),
    ),
    Rule(
        "meta-analysis (abstract)",
        v.META_ANALYSIS,
        _r(
            r"\b(?:this|a|we performed a|we conducted a|we undertook a)\s+"
            r"(?:systematic review and )?meta-analys[ie]s\b"
            r"|\brandom[- ]effects?\b"
            r"|\bpooled (?:odds|risk|hazard|relative|mean|estimates?|analysis)\b"
        ),
        0.7,
    ),
    Rule(
        "systematic review (abstract)",
        v.SYSTEMATIC_REVIEW,
        _r(
            r"\b(?:this|a|we performed a|we conducted a|we undertook a)\s+"
            r"systematic (?:literature )?review\b"
            r"|\bsearched (?:medline|pubmed|embase|cochrane|the cochrane|\w+ databases?"
            r"|electronic databases)\b"
            r"|\bprisma\b"
        ),
        0.7,
    ),
    Rule(
        "random assignment (abstract)",
        v.RCT,
        _r(
            r"\brandomly (?:assigned|allocated)\b|\bwere randomi[sz]ed\b"
            r"|\brandomi[sz]ed (?:\d+:\d+|in a \d+:\d+)"
            r"|\brandomi[sz]ed(?:,)? (?:double|single|triple)[- ]blind\b"
            r"|\brandomi[sz]ed,? (?:controlled|clinical|placebo)"
        ),
        0.7,
        negations=RANDOM_NEGATION,
    ),
    Rule(
        "non-randomized trial (abstract)",
        v.NON_RANDOMIZED_TRIAL,
        _r(
            r"\bsingle[- ]arm\b|\bopen[- ]label\b|\bfirst[- ]in[- ]human\b"
            r"|\bnon-?randomi[sz]ed (?:trial|study)\b"
            r"|\bphase[\s-]*(?:iv|iii|ii|i|[1-4])\b[^.]{0,40}\b(?:trial|study)\b"
        ),
        0.6,
    ),
    Rule(
        "case report (abstract)",
        v.CASE_REPORT,
        _r(
            r"\bwe (?:report|describe|present) (?:a|an|the case|two|three)\b|\bcase report\b"
            r"|\ban? \d+[- ]year[- ]old (?:man|woman|male|female|boy|girl|patient)\b"
        ),
        0.7,
    ),
    Rule(
        "observational design (abstract)",
        v.OBSERVATIONAL,
        _r(
            r"\bcohort\b|\bcase[- ]control\b|\bcross[- ]sectional\b|\bregistry\b"
            r"|\bretrospective(?:ly)?\b"
            r"|\bprospective(?:ly)? (?:enrolled|collected|study|observational)\b|\bobservational\b"
            r"|\bpopulation[- ]based\b|\bmendelian randomi[sz]ation\b|\bsurvey\b"
            r"|\bqualitative\b"
        ),
        0.6,
    ),
    Rule(
        "review (abstract)",
        v.NARRATIVE_REVIEW,
        _r(
            r"\b(?:this|in this|the present|our) (?:narrative |mini-?)?review\b|\bwe review\b"
            r"|\bhere,? we (?:review|discuss|summari[sz]e|highlight)\b"
            r"|\bthis (?:article|paper|chapter) (?:reviews|summari[sz]es|discusses)\b"
            r"|\bwe summari[sz]e\b"
        ),
        0.6,
    ),
    Rule("laboratory study (abstract)", v.OTHER, TITLE_RULES[-1].pattern, 0.5),
)

MESH_RULES: tuple[tuple[str, str, frozenset[str], float], ...] = (
    (
        "observational MeSH check tag",
        v.OBSERVATIONAL,
        frozenset(
            {
                "cohort studies",
                "retrospective studies",
                "prospective studies",
                "case-control studies",
                "cross-sectional studies",
                "longitudinal studies",
                "follow-up studies",
                "registries",
            }
        ),
        0.65,
    ),
    (
        "randomization MeSH",
        v.RCT,
        frozenset({"random allocation", "double-blind method", "single-blind method"}),
        0.6,
    ),
)

# ------------------------------------------------------------------ modifiers

MODIFIER_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (v.DOUBLE_BLIND, _r(r"\bdouble[- ]blind(?:ed)?\b|\bdouble[- ]mask(?:ed)?\b")),
    (v.BLINDED, _r(r"\b(?:single|triple|observer|assessor)[- ]blind(?:ed)?\b|\bblinded\b")),
    (v.PLACEBO_CONTROLLED, _r(r"\bplacebo\b|\bsham[- ]controlled\b")),
    (
        v.MULTICENTER,
        _r(r"\bmulti[- ]?cent(?:er|re|ric)\b|\bmulti[- ]?institutional\b|\bmulti[- ]?site\b"),
    ),
)


def normalise(text: str | None) -> str:
    """One form for matching: unified dashes and quotes, single spaces (case kept for RCT)."""
    if not text:
        return ""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = text.replace("\u2019", "'")
    text = re.sub(r"<[^>]+>", " ", text)  # inline HTML/MathML tags of PubMed abstracts
    return re.sub(r"\s+", " ", text).strip()


def text_modifiers(text: str) -> set[str]:
    mods = {name for name, pat in MODIFIER_PATTERNS if pat.search(text)}
    if v.DOUBLE_BLIND in mods:
        mods.discard(v.BLINDED)
    for m in PHASE.finditer(text):
        for g in m.groups():
            if g:
                mods.add(f"phase-{ROMAN[g.lower()]}")
    return mods


def first_match(rules: Iterable[Rule], text: str) -> tuple[Rule, str] | None:
    """The first rule (in order) whose pattern matches `text` without a negation before it."""
    for rule in rules:
        if rule.requires is not None and not rule.requires.search(text):
            continue
        if rule.forbids is not None and rule.forbids.search(text):
            continue
        for m in rule.pattern.finditer(text):
            if rule.negations is not None and rule.negations.search(
                text[max(0, m.start() - 40) : m.start()]
            ):
                continue
            return rule, m.group(0)
    return None


def _result(
    rule: Rule, phrase: str, where: str, source: str, confidence: float, text_for_mods: str
) -> TagResult:
    mods = set(rule.modifiers) | text_modifiers(text_for_mods)
    if rule.design in (v.META_ANALYSIS, v.SYSTEMATIC_REVIEW) and NONRANDOMIZED_CONTENT.search(
        text_for_mods
    ):
        mods.add(v.INCLUDES_NONRANDOMIZED)
    if rule.design not in (v.RCT, v.NON_RANDOMIZED_TRIAL):
        mods -= {*v.PHASES}
    signal = f'{rule.name}: "{phrase.strip()}" in {where}'
    return make(rule.design, source, signal, confidence, mods)


def tag_citation_text(title: str | None, journal: str | None = None) -> TagResult:
    """Design from a citation's title and journal alone (the offline path)."""
    text = normalise(title)
    cochrane = is_cochrane(journal)
    protocol = first_match(TITLE_RULES[:1], text)
    if cochrane and not protocol:
        return make(
            v.SYSTEMATIC_REVIEW,
            CITATION_TEXT,
            f'Cochrane review journal: "{journal}"',
            0.9,
            {v.COCHRANE}
            | ({v.INCLUDES_NONRANDOMIZED} if NONRANDOMIZED_CONTENT.search(text) else set()),
        )
    hit = first_match(TITLE_RULES, text)
    if hit is None:
        return make(v.UNKNOWN, CITATION_TEXT, "no design phrase in the citation title", 0.0)
    rule, phrase = hit
    result = _result(rule, phrase, "citation title", CITATION_TEXT, rule.confidence * 0.9, text)
    return result.with_modifiers({v.COCHRANE}) if cochrane else result


def tag_record_text(
    title: str | None,
    abstract: str | None = None,
    journal: str | None = None,
    mesh: Iterable[dict | str] = (),
    journal_iso: str | None = None,
) -> TagResult:
    """Design from a PubMed record's words: title rules, then declarations in the abstract,
    then MeSH check tags, then weaker title topics; a record with none is `other` research."""
    t, a = normalise(title), normalise(abstract)
    both = f"{t} {a}"
    cochrane = is_cochrane(journal, journal_iso)
    extra = {v.COCHRANE} if cochrane else set()
    strong_title = [r for r in TITLE_RULES if r.confidence >= 0.6]
    weak_title = [r for r in TITLE_RULES if r.confidence < 0.6]
    if cochrane and not first_match(TITLE_RULES[:1], t):
        return make(
            v.SYSTEMATIC_REVIEW,
            RECORD_TEXT,
            f'Cochrane review journal: "{journal or journal_iso}"',
            0.9,
            extra,
        )
    hit = first_match(strong_title, t)
    if hit:
        return _result(
            hit[0], hit[1], "title", RECORD_TEXT, hit[0].confidence, both
        ).with_modifiers(extra)
    hit = first_match(ABSTRACT_RULES, a)
    if hit:
        return _result(
            hit[0], hit[1], "abstract", RECORD_TEXT, hit[0].confidence, both
        ).with_modifiers(extra)
    mesh_names = {str(h.get("descriptor") if isinstance(h, dict) else h).lower() for h in mesh}
    for name, design, terms, conf in MESH_RULES:
        found = sorted(mesh_names & terms)
        if found:
            signal = f'{name}: "{found[0]}" in MeSH'
            return make(design, RECORD_TEXT, signal, conf, text_modifiers(both) | extra)
    if "animals" in mesh_names and "humans" not in mesh_names:
        return make(
            v.OTHER, RECORD_TEXT, 'animal study: "Animals" in MeSH without "Humans"', 0.6, extra
        )
    hit = first_match(weak_title, t)
    if hit:
        return _result(
            hit[0], hit[1], "title", RECORD_TEXT, hit[0].confidence, both
        ).with_modifiers(extra)
    if t or a:
        return make(
            v.OTHER,
            RECORD_TEXT,
            "no design phrase in title or abstract: primary research of unstated design",
            0.3,
            extra,
        )
    return make(v.UNKNOWN, RECORD_TEXT, "record has no title or abstract", 0.0, extra)
