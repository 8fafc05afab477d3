"""Labelled training references made from real PubMed records and from templates.

Every field of a PubMed record is known, so rendering it in a house style gives a reference
string whose segments are labelled for free. The styles are the ones policies print:
Vancouver/NLM, AMA with `*italic*` journals, APA-like author-year, no period between journal
and year, month before year, `Author: Title`, initials with periods, inverted names, en-dash
pages, no title, one-word journals. Books, chapters, reports and web pages come from templates
over generic vocabularies (publishers, places, organisations) -- no facts about particular
references. Only the training script uses this module.
"""

from __future__ import annotations

import random
import re

from evidence.citations.corpus import Segments
from evidence.records import Article

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTHS_LONG = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
_SMALL = {"of", "and", "in", "the", "for", "on", "a", "an", "to", "with", "de", "la", "at"}
PLACES = [
    "New York, NY", "Washington, DC", "Philadelphia, PA", "London", "Oxford", "Geneva",
    "Rockville, MD", "Boston, MA", "Chicago, IL", "Baltimore, MD", "Berlin", "Amsterdam",
    "Silver Spring, MD", "Bethesda, MD", "Atlanta, GA", "Ottawa, ON", "Toronto", "Paris",
    "Cambridge, MA", "San Diego, CA", "Lansdale, PA", "Stockholm", "Melbourne", "Heidelberg",
    "St. Louis, MO", "Hoboken, NJ", "Thousand Oaks, CA", "New York", "Cambridge", "Edinburgh",
]  # fmt: skip
PUBLISHERS = [
    "National Academies Press", "Oxford University Press", "Springer", "Elsevier", "Wiley-Blackwell",
    "Lippincott Williams & Wilkins", "McGraw-Hill", "Saunders", "Cambridge University Press",
    "World Health Organization", "Agency for Healthcare Research and Quality", "CRC Press",
    "American Medical Association", "Mosby", "Wolters Kluwer", "Thieme", "BMJ Publishing Group",
    "Academic Press", "Routledge", "SAGE Publications", "Hayes, Inc.", "ECRI Institute",
    "Institute for Clinical and Economic Review", "U.S. Government Printing Office",
    "Canadian Agency for Drugs and Technologies in Health", "NICE", "Humana Press",
]  # fmt: skip
ORGS = [
    "American Heart Association", "World Health Organization", "U.S. Food and Drug Administration",
    "National Institute for Health and Care Excellence", "Centers for Medicare & Medicaid Services",
    "Agency for Healthcare Research and Quality", "Institute of Medicine", "Hayes, Inc.",
    "American College of Cardiology", "National Comprehensive Cancer Network",
    "American Diabetes Association", "Society for Vascular Surgery", "ECRI Institute",
    "Centers for Disease Control and Prevention", "National Cancer Institute",
    "American Academy of Pediatrics", "Blue Cross Blue Shield Association",
    "European Society of Cardiology", "Canadian Agency for Drugs and Technologies in Health",
    "UpToDate", "BlueCross BlueShield Association Technology Evaluation Center",
]  # fmt: skip
GENRES = ["Technology Assessment", "Evidence Report/Technology Assessment No. 212",
          "Technical report", "Health Technology Assessment", "Clinical Practice Guideline",
          "Policy statement", "Report No. 14-EHC001", "Comparative Effectiveness Review No. 98"]  # fmt: skip


def _initials(author: dict) -> str:
    if author.get("initials"):
        return str(author["initials"])
    fore = author.get("fore") or ""
    return "".join(w[0] for w in re.split(r"[\s-]+", fore) if w)


def _name(author: dict, form: str, rng: random.Random) -> str:
    if author.get("collective"):
        return str(author["collective"])
    last = str(author.get("last") or "")
    ini = _initials(author)
    fore = str(author.get("fore") or ini)
    dotted = "".join(f"{c}." for c in ini)
    spaced = " ".join(f"{c}." for c in ini)
    if form == "nlm":
        return f"{last} {ini}"
    if form == "caps":
        return f"{last.upper()} {ini}"
    if form == "dots":  # Cook D.J.
        return f"{last} {dotted}"
    if form == "inverted":  # Smith, J.A. / Smith, J. A.
        return f"{last}, {rng.choice([dotted, spaced])}"
    if form == "natural":  # J. A. Smith
        return f"{rng.choice([dotted, spaced, ini])} {last}"
    if form == "full":  # Smith, John A.
        return f"{last}, {fore}"
    if form == "fullnatural":
        return f"{fore} {last}"
    return f"{last} {ini}"


def _authors(authors: list[dict], rng: random.Random) -> tuple[str, str]:
    """(author segment, form used)."""
    form = rng.choice(["nlm", "nlm", "nlm", "caps", "dots", "inverted", "inverted", "natural", "full", "fullnatural"])
    names = [_name(a, form, rng) for a in authors if a.get("last") or a.get("collective")]
    if not names:
        return "", form
    cut = rng.choice([3, 6, 6, 100, 100])
    etal = len(names) > cut
    if etal:
        names = names[: min(cut, 3) if rng.random() < 0.6 else cut]
    sep = "; " if form in ("full", "inverted") and rng.random() < 0.2 else ", "
    if form in ("nlm", "caps", "dots") or etal or len(names) == 1:
        text = sep.join(names)
    else:
        joiner = rng.choice([" and ", ", and ", " & ", ", & ", ", "])
        text = sep.join(names[:-1]) + joiner + names[-1]
    if etal:
        text += rng.choice([", et al", ", et al.", " et al.", ", et al"])
    return text, form


def _journal_name(article: Article, rng: random.Random) -> str:
    iso = article.journal_iso or article.journal or ""
    full = re.sub(r"\s*\(.*?\)\s*$", "", article.journal or iso).strip() or iso
    full = " ".join(w if w.lower() in _SMALL and i else w[:1].upper() + w[1:] for i, w in enumerate(full.split()))
    choice = rng.random()
    if choice < 0.55:
        return iso.replace(".", "")
    if choice < 0.75:
        return iso if "." in iso else iso
    return full


def _pages(pages: str, rng: random.Random) -> str:
    m = re.match(r"^(\d+)-(\d+)$", pages)
    if m and rng.random() < 0.4:
        a, b = m.groups()
        if len(b) < len(a):
            pages = f"{a}-{a[: len(a) - len(b)]}{b}"
    dash = rng.choice(["-", "-", "-", "–", "–", "—"])
    return pages.replace("-", dash)


def _date(article: Article, rng: random.Random, form: str) -> str:
    year = str(article.year)
    mon = article.month
    day = article.day or (rng.randint(1, 28) if rng.random() < 0.4 else None)
    if form == "year" or not mon:
        return year
    short = _MONTHS[mon - 1]
    if form == "nlm":
        return f"{year} {short}" + (f" {day}" if day and rng.random() < 0.6 else "")
    if form == "monthfirst":
        return f"{short} " + (f"{day:02d} " if day and rng.random() < 0.5 else "") + year
    if form == "long":
        return f"{_MONTHS_LONG[mon - 1]} " + (f"{day}, " if day and rng.random() < 0.5 else "") + year
    return year


def render_article(article: Article, rng: random.Random) -> Segments:
    """One record in one randomly chosen house style, labelled."""
    style = rng.choice(["vancouver", "vancouver", "ama", "ama", "apa", "nospace", "ieee", "physics", "harvard"])
    segs: Segments = []
    authors, form = _authors(article.authors, rng)
    title = (article.title or "").strip()
    if title.startswith("[") and title.endswith("]."):
        title = title[1:-2] + "."
    title = title if title.endswith((".", "?", "!")) else title + "."
    if rng.random() < 0.03:  # a section heading in capitals opens the title ("CLINICAL PRACTICE.")
        title = rng.choice(["CLINICAL PRACTICE. ", "REVIEW. ", "CASE REPORT. ", "EDITORIAL. ", "GUIDELINES. "]) + title
    elif rng.random() < 0.03:
        title = title.upper()
    if rng.random() < 0.04:  # guideline titles open with their year ("2016 AHA/ACC Guideline ...")
        title = f"{rng.randint(1995, 2025)} {title}"
    journal = _journal_name(article, rng)
    vol, iss = article.volume or "", article.issue or ""
    pages = _pages(article.pages, rng) if article.pages else ""
    no_title = rng.random() < 0.07
    if rng.random() < 0.05:
        segs.append(("citation-number", rng.choice([f"{rng.randint(1, 80)}. ", f"[{rng.randint(1, 80)}] "])))
    if not article.year:
        style = "vancouver"
    if style in ("apa", "harvard"):
        if authors:
            segs.append(("author", authors + " "))
        year = f"({article.year})" if style == "apa" or rng.random() < 0.5 else f"{article.year}"
        segs.append(("date", year + rng.choice([". ", " ", ", "])))
        if not no_title:
            segs.append(("title", title + " "))
        jtxt = f"*{journal}*" if rng.random() < 0.3 else journal
        vi = vol + (f"({iss})" if iss else "")
        if style == "apa":
            segs.append(("journal", jtxt + rng.choice([", ", " "])))
            if vi:
                segs.append(("volume", vi + (", " if rng.random() < 0.5 else ": ")))
        else:
            segs.append(("journal", jtxt + rng.choice([", ", " "])))
            if vi:
                segs.append(
                    (
                        "volume",
                        (vi + ", ") if rng.random() < 0.5 else f"vol. {vol}" + (f", no. {iss}" if iss else "") + ", ",
                    )
                )
        if pages:
            segs.append(("pages", (pages if rng.random() < 0.8 else f"pp. {pages}") + "."))
    elif style == "ieee":
        if authors:
            segs.append(("author", authors + ", "))
        if not no_title:
            segs.append(("title", f"“{title.rstrip('.')},” "))
        segs.append(("journal", journal + ", "))
        if vol:
            segs.append(("volume", f"vol. {vol}, " + (f"no. {iss}, " if iss else "")))
        if pages:
            segs.append(("pages", f"pp. {pages}, "))
        segs.append(("date", _date(article, rng, rng.choice(["year", "long"])) + "."))
    elif style == "physics":
        if authors:
            segs.append(("author", authors + ", "))
        if not no_title and rng.random() < 0.5:
            segs.append(("title", title + " "))
        segs.append(("journal", journal + " "))
        if vol:
            segs.append(("volume", vol + (f"({iss})" if iss and rng.random() < 0.5 else "") + ", "))
        if pages:
            segs.append(("pages", pages + " "))
        segs.append(("date", f"({article.year})" + rng.choice([".", ""])))
    else:
        if authors:
            end = ": " if rng.random() < 0.1 else ". "
            segs.append(("author", authors.rstrip(".") + end))
        if not no_title:
            segs.append(("title", title + " "))
        dform = (
            rng.choice(["nlm", "year", "year", "monthfirst"])
            if style == "vancouver"
            else rng.choice(["monthfirst", "monthfirst", "year", "nlm"])
        )
        date = _date(article, rng, dform)
        if style == "ama":
            star = rng.random() < 0.6
            jtxt = f"*{journal}.* " if star and rng.random() < 0.5 else f"*{journal}*. " if star else journal + ". "
            segs.append(("journal", jtxt))
            space = " "
        else:
            segs.append(("journal", journal + (". " if style == "vancouver" and rng.random() < 0.85 else " ")))
            space = "" if rng.random() < 0.7 else " "
        vi = vol + (f"({iss})" if iss else "")
        if vi:
            segs.append(("date", date + ";" + space))
            if pages:
                segs.append(("volume", vi + ":" + space))
                segs.append(("pages", pages + "."))
            else:
                segs.append(("volume", vi + "."))
        else:
            segs.append(("date", date + (":" + space if pages else ".")))
            if pages:
                segs.append(("pages", pages + "."))
    _identifiers(segs, article, rng)
    return segs


def _identifiers(segs: Segments, article: Article, rng: random.Random) -> None:
    def add(label: str, text: str) -> None:
        last_label, last = segs[-1]
        if not last.endswith(" "):
            segs[-1] = (last_label, last + " ")
        segs.append((label, text))

    if rng.random() < 0.1:
        add("note", rng.choice(["Epub 2019 Jan 3.", "Review.", "[Epub ahead of print]", "(in press)"]))
    if article.doi and rng.random() < 0.35:
        add("doi", rng.choice([f"doi:{article.doi}", f"doi: {article.doi}.", f"https://doi.org/{article.doi}"]))
    if rng.random() < 0.35:
        add("pmid", rng.choice([f"PMID: {article.pmid}.", f"PMID {article.pmid}", f"PMID:{article.pmid}"]))
    if article.pmcid and rng.random() < 0.1:
        add("note", f"PMCID: {article.pmcid}.")


def _title_like(article: Article) -> str:
    return (article.title or "Clinical guidance").rstrip(".")


def render_other(article: Article, rng: random.Random) -> Segments:
    """A book, chapter, report or web page, its title borrowed from a real record's title."""
    kind = rng.choice(["book", "book", "chapter", "report", "report", "web", "web"])
    title = _title_like(article)
    year = str(rng.randint(1985, 2025))
    org = rng.choice(ORGS)
    person, _ = _authors(article.authors[:4], rng)
    author = org if kind in ("report", "web") and rng.random() < 0.7 or not person else person
    segs: Segments = [("author", author.rstrip(".") + ". ")]
    place, publisher = rng.choice(PLACES), rng.choice(PUBLISHERS)
    if kind == "book":
        segs.append(("title", title + ". "))
        if rng.random() < 0.4:
            segs.append(("edition", rng.choice(["2nd ed. ", "3rd ed. ", "5th ed. ", "2nd edition. "])))
        segs.append(("location", place + ": "))
        segs.append(("publisher", publisher + "; "))
        segs.append(("date", year + "."))
    elif kind == "chapter":
        segs.append(("title", title + ". "))
        eds, _ = _authors(article.authors[-2:], rng)
        segs.append(("editor", "In: " + (eds or "Smith J") + ", eds. "))
        segs.append(
            (
                "container-title",
                rng.choice(["Textbook of ", "Principles of ", "Handbook of "])
                + rng.choice(["Vascular Medicine", "Internal Medicine", "Surgery", "Cardiology"])
                + ". ",
            )
        )
        if rng.random() < 0.5:
            segs.append(("edition", rng.choice(["2nd ed. ", "4th ed. "])))
        segs.append(("location", place + ": "))
        segs.append(("publisher", publisher + "; "))
        pages = f"{rng.randint(1, 400)}-{rng.randint(401, 900)}"
        if rng.random() < 0.5:
            segs.append(("date", year + ":"))
            segs.append(("pages", pages + "."))
        else:
            segs.append(("date", year + ". "))
            segs.append(("pages", f"p. {pages}."))
    elif kind == "report":
        segs.append(("title", title + ". "))
        if rng.random() < 0.5:
            segs.append(("genre", rng.choice(GENRES) + ". "))
        segs.append(("location", place + ": "))
        segs.append(("publisher", (org if rng.random() < 0.5 else publisher) + "; "))
        segs.append(("date", (year if rng.random() < 0.7 else f"{rng.choice(_MONTHS_LONG)} {year}") + "."))
    else:
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower())[:40].strip("-")
        url = f"https://www.{rng.choice(['example', 'agency', 'health', 'society'])}.org/{slug}"
        segs.append(("title", title + ". "))
        if rng.random() < 0.4:
            segs.append(("date", rng.choice(["Published ", "Updated ", ""]) + f"{rng.choice(_MONTHS_LONG)} {year}. "))
        segs.append(("url", rng.choice(["Available at: ", "Available from: ", "URL: ", ""]) + url + ". "))
        segs.append(("note", f"Accessed {rng.choice(_MONTHS_LONG)} {rng.randint(1, 28)}, {rng.randint(2015, 2026)}."))
    if segs[-1][1].endswith(" "):
        segs[-1] = (segs[-1][0], segs[-1][1].rstrip())
    return segs


def render_all(articles: list[Article], copies: int, seed: int = 11) -> list[Segments]:
    """`copies` renderings of each record in random styles, plus a third as many non-articles."""
    rng = random.Random(seed)
    out = []
    for article in articles:
        if not article.year or not article.journal:
            continue
        for _ in range(copies):
            out.append(render_article(article, rng))
        for _ in range(max(1, copies // 3)):
            out.append(render_other(article, rng))
    return out
