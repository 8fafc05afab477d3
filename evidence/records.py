"""Plain records passed between layers: the parser's and Entrez's outputs, the store's inputs.

They are frozen dataclasses with stdlib types only, so every layer can build and read them
without importing another layer. Field names match the store's columns one to one, which
keeps the conversion to rows a single `Model(**asdict(record))`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# ---------------------------------------------------------------- policy documents


@dataclass(frozen=True)
class Statement:
    """One coverage position: which product line, what status, the sentence that says so."""

    product: str  # e.g. "Medicare Advantage Plans", "Commercial Products"
    status: str  # "not covered" | "not medically necessary" | "investigational" | "medically necessary" | ...
    text: str


@dataclass(frozen=True)
class BillingCode:
    code: str  # "0263T" (markers such as ** stripped)
    system: str  # "CPT" | "HCPCS" | "ICD-10-CM" | "ICD-10-PCS"
    description: str
    position: str | None = None  # the policy's position on the code, e.g. "not medically necessary"


@dataclass(frozen=True)
class Citation:
    """One numbered entry of a policy's reference list, as written and as parsed.

    `authors` keeps the names as the policy writes them ("Kullo IJ", "Procházka V"); `et_al`
    says the list was cut. Every field but `number` and `raw` may be None: a reference that
    cannot be parsed fully is kept with its raw text and `warnings`, never dropped.
    """

    number: int
    raw: str
    authors: tuple[str, ...] = ()
    et_al: bool = False
    title: str | None = None
    journal: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # "861-71", "e71-e126", "3S-125S.e40", or an article number "7528464"
    pmid: str | None = None
    doi: str | None = None
    nct: str | None = None
    warnings: tuple[str, ...] = ()
    # what kind of work: "article" | "book" | "chapter" | "report" | "web" | "other"; only an
    # article is ever matched to a PMID without one printed
    kind: str = "article"
    journal_abbrev: str | None = None  # the NLM abbreviation, where the journal is recognisable
    publisher: str | None = None
    place: str | None = None
    edition: str | None = None
    url: str | None = None
    pmcid: str | None = None
    group: str | None = None  # the subheading the entry was listed under ("Peer Reviewed Publications")
    printed_number: str | None = None  # the number as printed, when the list's numbering was not 1..N


@dataclass(frozen=True)
class PolicyDocument:
    """Everything the parser read from one policy document."""

    text: str
    title: str | None = None
    effective_date: date | None = None
    last_reviewed: date | None = None
    published: str | None = None
    conclusion: str | None = None
    statements: tuple[Statement, ...] = ()
    codes: tuple[BillingCode, ...] = ()
    related: tuple[str, ...] = ()
    references: tuple[Citation, ...] = ()
    warnings: tuple[str, ...] = ()
    policy_number: str | None = None
    original_effective: date | None = None
    next_review: date | None = None


# ---------------------------------------------------------------- PubMed records


@dataclass(frozen=True)
class Article:
    """One PubMed record, as parsed from efetch XML.

    JSON-shaped fields (lists of dicts) use these keys:
      authors:              {"last", "fore", "initials", "collective", "affiliation"} (missing keys = None)
      abstract_sections:    {"label", "category", "text"}
      publication_types:    {"ui", "name"}
      mesh:                 {"descriptor", "ui", "major", "qualifiers": [{"name", "major"}]}
      comments_corrections: {"ref_type", "pmid", "source", "note"}
    """

    pmid: str
    title: str | None = None
    abstract: str | None = None
    abstract_sections: list[dict[str, Any]] = field(default_factory=list)
    journal: str | None = None
    journal_iso: str | None = None
    year: int | None = None
    month: int | None = None
    day: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # MedlinePgn, else the ELocationID when there are no pages
    doi: str | None = None
    pmcid: str | None = None
    authors: list[dict[str, Any]] = field(default_factory=list)
    language: str | None = None
    publication_types: list[dict[str, Any]] = field(default_factory=list)
    mesh: list[dict[str, Any]] = field(default_factory=list)
    indexing_method: str | None = None  # "human" | "curated" | "automated"
    keywords: list[str] = field(default_factory=list)
    publication_status: str | None = None  # ppublish, epublish, aheadofprint ...
    citation_status: str | None = None  # MEDLINE, In-Process, In-Data-Review, PubMed-not-MEDLINE, Publisher ...
    comments_corrections: list[dict[str, Any]] = field(default_factory=list)
    is_book: bool = False
    raw_xml: str | None = None
