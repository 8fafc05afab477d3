"""Journal title -> NLM abbreviation, where it is recognisable.

The table is data: word abbreviations learnt by aligning the titles of real PubMed records with
their ISO abbreviations (the training script writes them to journal_words.json), over a core of
LTWA word abbreviations (the ISO 4 list NLM follows). A title already printed abbreviated
("J. Appl. Phys.", "N Engl J Med") is recognised when its words are known abbreviations; a
full title when every significant word is in the table. Single-word titles stay as they are
(ISO 4 abbreviates none). Anything else gets None: no guess is better than a wrong one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from evidence.citations.model import word_table

# LTWA word abbreviations common in medical journal titles (general facts about words).
LTWA = {
    "journal": "J", "american": "Am", "medicine": "Med", "medical": "Med", "international": "Int",
    "clinical": "Clin", "research": "Res", "annals": "Ann", "archives": "Arch", "british": "Br",
    "european": "Eur", "surgery": "Surg", "surgical": "Surg", "cardiology": "Cardiol",
    "association": "Assoc", "society": "Soc", "science": "Sci", "sciences": "Sci",
    "review": "Rev", "reviews": "Rev", "england": "Engl", "new": "N", "vascular": "Vasc",
    "endovascular": "Endovasc", "college": "Coll", "therapy": "Ther", "therapeutics": "Ther",
    "translational": "Transl", "molecular": "Mol", "cell": "Cell", "cellular": "Cell",
    "biology": "Biol", "biological": "Biol", "pharmacology": "Pharmacol", "oncology": "Oncol",
    "neurology": "Neurol", "psychiatry": "Psychiatry", "pediatrics": "Pediatr", "paediatrics": "Paediatr",
    "diabetes": "Diabetes", "heart": "Heart", "health": "Health", "public": "Public",
    "internal": "Intern", "national": "Natl", "academy": "Acad", "proceedings": "Proc",
    "united": "U", "states": "S", "physiology": "Physiol", "endocrinology": "Endocrinol",
    "metabolism": "Metab", "epidemiology": "Epidemiol", "infectious": "Infect", "diseases": "Dis",
    "disease": "Dis", "systematic": "Syst", "database": "Database", "cochrane": "Cochrane",
    "circulation": "Circ", "cardiovascular": "Cardiovasc", "interventions": "Interv",
    "interventional": "Interv", "thoracic": "Thorac", "anesthesia": "Anesth", "anaesthesia": "Anaesth",
    "anesthesiology": "Anesthesiol", "radiology": "Radiol", "orthopaedic": "Orthop",
    "orthopedic": "Orthop", "bone": "Bone", "joint": "Joint", "dermatology": "Dermatol",
    "gastroenterology": "Gastroenterol", "hepatology": "Hepatol", "nephrology": "Nephrol",
    "urology": "Urol", "obstetrics": "Obstet", "gynecology": "Gynecol", "gynaecology": "Gynaecol",
    "ophthalmology": "Ophthalmol", "otolaryngology": "Otolaryngol", "rheumatology": "Rheumatol",
    "hematology": "Hematol", "haematology": "Haematol", "immunology": "Immunol", "allergy": "Allergy",
    "respiratory": "Respir", "critical": "Crit", "care": "Care", "emergency": "Emerg",
    "nursing": "Nurs", "rehabilitation": "Rehabil", "physical": "Phys", "sports": "Sports",
    "experimental": "Exp", "applied": "Appl", "physics": "Phys", "chemistry": "Chem",
    "chemical": "Chem", "biochemistry": "Biochem", "genetics": "Genet", "human": "Hum",
    "frontiers": "Front", "reports": "Rep", "report": "Rep", "letters": "Lett", "communications": "Commun",
    "advances": "Adv", "current": "Curr", "opinion": "Opin", "trends": "Trends", "progress": "Prog",
    "quarterly": "Q", "transactions": "Trans", "bulletin": "Bull", "canadian": "Can",
    "australian": "Aust", "scandinavian": "Scand", "japanese": "Jpn", "chinese": "Chin",
    "german": "Ger", "french": "Fr", "world": "World", "stem": "Stem", "cells": "Cells",
    "transplantation": "Transplant", "regenerative": "Regen", "wound": "Wound", "wounds": "Wounds",
    "lower": "Low", "extremity": "Extrem", "foot": "Foot", "ankle": "Ankle", "pain": "Pain",
    "management": "Manage", "technology": "Technol", "assessment": "Assess", "economics": "Econ",
    "policy": "Policy", "quality": "Qual", "safety": "Saf", "education": "Educ", "family": "Fam",
    "practice": "Pract", "general": "Gen", "primary": "Prim", "angiology": "Angiology",
    "atherosclerosis": "Atherosclerosis", "thrombosis": "Thromb", "hemostasis": "Haemost",
    "haemostasis": "Haemost", "biomedical": "Biomed", "engineering": "Eng", "imaging": "Imaging",
    "nuclear": "Nucl", "magnetic": "Magn", "resonance": "Reson", "neuroscience": "Neurosci",
    "behavioral": "Behav", "psychology": "Psychol", "social": "Soc", "cancer": "Cancer",
    "tumor": "Tumor", "pathology": "Pathol", "microbiology": "Microbiol", "virology": "Virol",
    "veterinary": "Vet", "dental": "Dent", "dentistry": "Dent", "oral": "Oral", "plastic": "Plast",
    "reconstructive": "Reconstr", "aesthetic": "Aesthet", "pharmacy": "Pharm", "pharmaceutical": "Pharm",
    "drug": "Drug", "drugs": "Drugs", "toxicology": "Toxicol", "environmental": "Environ",
    "occupational": "Occup", "nutrition": "Nutr", "food": "Food", "open": "Open", "network": "Netw",
    "evidence": "Evid", "based": "Based", "systems": "Syst", "system": "Syst", "studies": "Stud",
    "annual": "Annu", "acta": "Acta", "nature": "Nat", "natural": "Nat", "products": "Prod",
    "lancet": "Lancet", "investigation": "Invest", "investigative": "Invest", "molecules": "Molecules",
    "hormone": "Horm", "comparative": "Comp", "neuropathology": "Neuropathol", "brain": "Brain",
    "endocrine": "Endocr", "kidney": "Kidney", "liver": "Liver", "lung": "Lung", "infection": "Infect",
    "control": "Control", "prevention": "Prev", "preventive": "Prev", "geriatrics": "Geriatr",
    "gerontology": "Gerontol", "women": "Womens", "child": "Child", "adolescent": "Adolesc",
    "youth": "Youth", "psychosomatic": "Psychosom", "sleep": "Sleep", "stroke": "Stroke",
    "spine": "Spine", "hand": "Hand", "arthroplasty": "Arthroplasty", "arthritis": "Arthritis",
    "alternative": "Altern", "complementary": "Complement", "integrative": "Integr",
}  # fmt: skip
_DROP = {"of", "the", "and", "&", "for", "in", "on", "a", "an", "de", "la", "le", "der", "die", "und", "du", "des"}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def _words(title: str) -> list[str]:
    return [w for w in re.split(r"[\s\-–/:,]+", title.replace(".", " ")) if w]


def learn(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Word -> abbreviation from (full title, ISO abbreviation) pairs whose words align 1:1."""
    table: dict[str, str] = {}
    for full, iso in pairs:
        full = re.sub(r"\s*\(.*?\)\s*", " ", full)
        iso = re.sub(r"\s*\(.*?\)\s*", " ", iso)
        fw = [w for w in _words(full) if _fold(w) not in _DROP]
        aw = _words(iso)
        if len(fw) != len(aw) or len(fw) < 2:
            continue
        for f, a in zip(fw, aw, strict=True):
            if _fold(f).startswith(_fold(a)[:1]) and len(a) <= len(f):
                table.setdefault(_fold(f), a)
    return table


@cache
def _tables() -> tuple[dict[str, str], dict[str, str], frozenset[str]]:
    """(known journals, word -> abbreviation, the abbreviations themselves), built once."""
    table = word_table()
    known = table.get("journals", {})
    words = table.get("abbrev", {})
    learnt: dict[str, str] = {**LTWA, **(words if isinstance(words, dict) else {})}
    return (known if isinstance(known, dict) else {}), learnt, frozenset(_fold(v) for v in learnt.values())


@lru_cache(maxsize=1 << 14)  # a reference list cites the same journals again and again
def abbreviate(journal: str | None) -> str | None:
    """The NLM abbreviation of a printed journal title, or None when it is not recognisable."""
    if not journal:
        return None
    printed = " ".join(journal.replace("*", " ").split()).strip(" .,;:")
    if not printed or len(printed) > 200:
        return None
    known, learnt, abbreviations = _tables()
    key = _fold(re.sub(r"[.\s]+", " ", printed)).strip()
    if key in known:
        return str(known[key])
    # parenthesised qualifiers ("(Lausanne)") are kept as printed
    qualifier = ""
    m = re.search(r"\s*(\([^)]*\))\s*$", printed)
    if m:
        qualifier, printed = " " + m.group(1), printed[: m.start()]
    parts = _words(printed)
    if not parts or not all(re.match(r"^[^\W\d_][\w'’]*$", p) for p in parts):
        return None
    if len(parts) == 1:
        return parts[0][:1].upper() + parts[0][1:] + qualifier
    out = []
    for part in parts:
        low = _fold(part)
        if low in _DROP:
            continue
        if low in learnt:
            out.append(learnt[low])
        elif low in abbreviations or len(low) <= 4 and part[:1].isupper():
            out.append(part[:1].upper() + part[1:])
        else:
            return None
    return " ".join(out) + qualifier if out else None
