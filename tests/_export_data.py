"""A synthetic policy for the export tests: what goes into the store, and what must come out.

PMIDs are synthetic (9000000x). The records are built to trip exporters: accented names,
a group author, a particle surname, eight authors, LaTeX specials and acronyms in titles,
an unresolved reference with a PMID, one without, a key collision, review candidates.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from evidence.export.entry import flag_words
from evidence.store import models as m
from evidence.store import transaction

POLICY = "synthetic-pad"
# explicit aware timestamps: the store refuses naive ones on some sqlmodel versions
NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)

A1 = dict(
    pmid="90000001",
    title="Cell therapy in CLI: 100% {braced} & $costly# under_score care, a JUVENTAS-like RCT.",
    abstract="BACKGROUND: Procházka's cohort had 50% fewer amputations.",
    journal="Cell transplantation", journal_iso="Cell Transplant",
    year=2010, month=11, day=5, volume="19", issue="11", pages="1413-24",
    doi="10.3727/096368910X90000001", pmcid="PMC9000001", language="eng",
    citation_status="MEDLINE", publication_status="ppublish",
    authors=[
        {"last": "Procházka", "fore": "Václav", "initials": "V"},
        {"last": "Jalůvka", "fore": "František", "initials": "F"},
        {"last": "Müller", "fore": "Hans-Jürgen", "initials": "HJ"},
        {"last": "den Ruijter", "fore": "Hester M", "initials": "HM"},
        {"collective": "ESC Task Force & Friends"},
    ],
    publication_types=[{"ui": "D016428", "name": "Journal Article"},
                       {"ui": "D016449", "name": "Randomized Controlled Trial"}],
    mesh=[{"descriptor": "Ischemia", "ui": "D007511", "major": True, "qualifiers": []}],
    comments_corrections=[
        {"ref_type": "ErratumIn", "pmid": "90000099", "source": "x", "note": None}
    ],
)
A2 = dict(
    pmid="90000002",
    title="Autologous stem cells for peripheral arterial disease: a meta-analysis of 12 RCTs.",
    journal="Stem cells international", journal_iso="Stem Cells Int",
    year=2018, month=6, volume="2018", pages="7528464", doi="10.1155/2018/90000002",
    language="eng",
    authors=[{"last": n, "fore": f, "initials": i} for n, f, i in [
        ("Skóra", "Jan", "J"), ("Dubský", "Michal", "M"), ("Xie", "Bing", "B"), ("Luo", "Hui", "H"),
        ("Zhang", "Yan", "Y"), ("Wang", "Li", "L"), ("Chen", "Dong", "D"), ("Liu", "Gang", "G")]],
    publication_types=[{"ui": "D017418", "name": "Meta-Analysis"}],
)
A4 = dict(
    pmid="90000004",
    title="Cell therapy revisited.",
    journal="Cell transplantation", journal_iso="Cell Transplant",
    year=2010, volume="19", issue="12", pages="1500-1", language="eng",
    authors=[{"last": "Procházka", "fore": "Václav", "initials": "V"}],
    publication_types=[{"ui": "D016454", "name": "Review"}],
)
CAND_INCLUDED = dict(
    pmid="90000010", title="Bone marrow cells in no-option limb ischaemia: 5-year follow-up.",
    journal="Journal of vascular surgery", journal_iso="J Vasc Surg", year=2025, month=2,
    volume="81", issue="2", pages="300-310", doi="10.1016/j.jvs.2025.90000010", language="eng",
    authors=[{"last": "Dubský", "fore": "Michal", "initials": "M"}],
    publication_types=[{"ui": "D016428", "name": "Journal Article"}],
)
CAND_EXCLUDED = dict(
    pmid="90000011", title="Mouse models of hindlimb ischaemia.", journal="Angiogenesis",
    journal_iso="Angiogenesis", year=2025, volume="28", pages="1-9", language="eng",
    authors=[{"last": "Skóra", "fore": "Jan", "initials": "J"}],
)

# references as the parser would store them
R3_RAW = ("Dubský M, Husáková J, Bem R, et al. Comparison of the impact of autologous cell therapy "
          "on tissue oxygen supply: A randomized controlled trial. *Front Endocrinol (Lausanne)*. "
          "2022; 13: 888809. PMID 90000003")
R6_RAW = ("Peeters Weem SM, den Ruijter HM. Quality of Life After Treatment & 10% More. "
          "*Eur J Vasc Endovasc Surg*. Jan 2016; 51(1): 83-9.")
REFS: list[dict[str, Any]] = [
    dict(number=1, raw="(resolved)", pmid="90000001", role="direct"),
    dict(number=2, raw="(resolved)", pmid="90000002", role="direct"),
    dict(number=3, raw=R3_RAW, authors=["Dubský M", "Husáková J", "Bem R"], et_al=True,
         title="Comparison of the impact of autologous cell therapy on tissue oxygen supply: "
               "A randomized controlled trial.",
         journal="Front Endocrinol (Lausanne)", year=2022, volume="13", pages="888809",
         pmid="90000003", role="direct"),
    dict(number=4, raw="(resolved)", pmid="90000004", role="background"),
    dict(number=5, raw=R6_RAW, authors=["Peeters Weem SM", "den Ruijter HM"],
         title="Quality of Life After Treatment & 10% More.", journal="Eur J Vasc Endovasc Surg",
         year=2016, month=1, volume="51", issue="1", pages="83-9", role="background"),
]
TAGS = {  # reference number or candidate pmid -> (design, level)
    1: ("rct", 2), 2: ("meta-analysis", 1), 3: ("rct", 2), 4: ("narrative-review", None),
    5: ("observational", 4), "90000010": ("observational", 4),
}


def build_store(engine) -> None:  # type: ignore[no-untyped-def]
    """Fill an empty store with the synthetic policy, its articles, tags, flags and a cycle."""
    with transaction(engine) as s:
        s.add(m.Policy(id=POLICY, title="Synthetic stem-cell policy", sha256="0" * 64,
                       last_reviewed=date(2024, 1, 1), ingested_at=NOW))
        for a in (A1, A2, A4, CAND_INCLUDED, CAND_EXCLUDED):
            s.add(m.Article(**a, fetched_at=NOW))
        s.flush()
        refs = {}
        for r in REFS:
            row = m.Reference(policy_id=POLICY, revision=1, **r)
            s.add(row)
            refs[r["number"]] = row
        s.flush()
        s.add(m.CitationFlag(reference_id=refs[1].id, kind="year", detail="cited 2011"))
        for n, (design, level) in TAGS.items():
            subject = (f"pmid:{n}" if isinstance(n, str) else
                       f"pmid:{refs[n].pmid}" if refs[n].pmid else f"ref:{refs[n].id}")
            s.add(m.DesignTag(subject=subject, design=design, level=level, source="manual",
                              signal="test", tagged_at=NOW))
        cycle = m.ReviewCycle(policy_id=POLICY, number=1, query="stem cells",
                              since=date(2024, 1, 1), until=date(2025, 6, 1), started_at=NOW)
        s.add(cycle)
        s.flush()
        s.add(m.Candidate(cycle_id=cycle.id, pmid="90000010", decision="include"))
        s.add(m.Candidate(cycle_id=cycle.id, pmid="90000011", decision="exclude",
                          reason="wrong population", reason_text="animal study"))


# ---------------------------------------------------------------- what every format must carry


def expected(include_candidates: bool = False) -> list[dict[str, Any]]:
    """Per entry, in order: the facts every export must carry, straight from the data above."""
    out = [
        _from_article(A1, 1, "rct", 2, "direct", flags=["erratum", "year"]),
        _from_article(A2, 2, "meta-analysis", 1, "direct"),
        dict(number=3, pmid="90000003", doi=None, pmcid=None, resolved=False,
             authors=[("Dubský", "M"), ("Husáková", "J"), ("Bem", "R")],
             title=REFS[2]["title"], journal="Front Endocrinol (Lausanne)", year=2022, month=None,
             day=None, volume="13", issue=None, pages="888809",
             keywords=["design:rct", "level:2", "role:direct", "unresolved"]),
        _from_article(A4, 4, "narrative-review", None, "background"),
        dict(number=5, pmid=None, doi=None, pmcid=None, resolved=False,
             authors=[("Peeters Weem", "SM"), ("den Ruijter", "HM")], title=REFS[4]["title"],
             journal="Eur J Vasc Endovasc Surg", year=2016, month=1, day=None, volume="51",
             issue="1", pages="83-9",
             keywords=["design:observational", "level:4", "role:background", "unresolved"]),
    ]
    if include_candidates:
        out.append(_from_article(CAND_INCLUDED, 6, "observational", 4, None, decision="include"))
        out.append(_from_article(CAND_EXCLUDED, 7, None, None, None, decision="exclude"))
    return out


def _from_article(a: dict[str, Any], number: int, design: str | None, level: int | None,
                  role: str | None, flags: tuple[str, ...] | list[str] = (),
                  decision: str | None = None) -> dict[str, Any]:
    keywords = ([f"design:{design}"] if design else []) + ([f"level:{level}"] if level else [])
    keywords += [f"role:{role}"] if role else []
    keywords += [f"decision:{decision}"] if decision else []
    keywords += [f"flag:{flag_words(f)}" for f in flags]
    authors = [(x["collective"],) if "collective" in x else (x["last"], x["fore"])
               for x in a["authors"]]
    return dict(number=number, pmid=a["pmid"], doi=a.get("doi"), pmcid=a.get("pmcid"),
                resolved=True, authors=authors, title=a["title"], journal=a["journal"],
                journal_iso=a["journal_iso"], year=a["year"], month=a.get("month"),
                day=a.get("day"), volume=a.get("volume"), issue=a.get("issue"),
                pages=a.get("pages"), keywords=keywords, decision=decision)


def exported(engine, fmt: str, include_candidates: bool = True) -> str:  # type: ignore[no-untyped-def]
    """Build the synthetic store and export it."""
    from evidence.services.export import export_policy

    build_store(engine)
    return export_policy(engine, POLICY, fmt, include_candidates)[0]


def same_name(got: tuple[str, ...], want: tuple[str, ...], resolved: bool) -> bool:
    """A person's (family, given) or a group's (name,), as the data says.

    From a citation the given name is initials: "M" may come back as "M." or "M. S." spaced.
    """
    if len(want) == 1 or resolved:
        return tuple(got) == tuple(want)
    family, given = got
    return family == want[0] and given.replace(".", "").replace(" ", "") == want[1]


def first_last(pages: str) -> tuple[str, str | None]:
    first, _, last = pages.partition("-")
    return first, last or None
