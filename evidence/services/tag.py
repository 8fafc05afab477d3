"""Tagging use-cases: tag a policy's references, set tags and roles by hand, explain a tag.

The rules live in `evidence.tagging` (pure); this module reads the store, hands records to
the rules and writes `DesignTag` rows and `Reference.role`. Two promises:
- idempotent: tagging again with nothing new changes no row (not even its timestamp);
- a person's decision wins: a manual tag or a manual role is never overwritten.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evidence import tagging
from evidence.errors import InputError, NotFound
from evidence.services.policy import current_references, find_policy, get_policy, subject_of
from evidence.store import queries as q
from evidence.store.read import Reader, reading
from evidence.tagging import vocabulary as v

if TYPE_CHECKING:  # the ORM only where tags are written: `tag list` reads without it
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from evidence.store import models as m

Progress = Callable[[int, int], None]


@dataclass
class TagSummary:
    policies: list[str] = field(default_factory=list)
    references: int = 0
    by_design: Counter[str] = field(default_factory=Counter)
    by_source: Counter[str] = field(default_factory=Counter)
    by_role: Counter[str] = field(default_factory=Counter)
    changed: int = 0
    manual_kept: int = 0
    #: the tagged trials and syntheses with a record, whose abstract facts tagging refreshes
    fact_pmids: list[str] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "policies": self.policies,
            "references": self.references,
            "by_design": dict(self.by_design),
            "by_source": dict(self.by_source),
            "by_role": dict(self.by_role),
            "changed": self.changed,
            "manual_kept": self.manual_kept,
        }

    def add(self, other: TagSummary) -> None:
        """Fold in one policy's counts (kept apart until its transaction committed)."""
        self.policies.extend(other.policies)
        self.references += other.references
        self.by_design.update(other.by_design)
        self.by_source.update(other.by_source)
        self.by_role.update(other.by_role)
        self.changed += other.changed
        self.manual_kept += other.manual_kept
        self.fact_pmids.extend(other.fact_pmids)


# ---------------------------------------------------------------- tagging a policy


def tag_policies(
    engine: Engine, policy_id: str | None = None, progress: Progress | None = None
) -> TagSummary:
    """Tag every current reference of one policy (or of all policies)."""
    from sqlmodel import Session, select

    from evidence.services.facts import refresh_facts
    from evidence.store import in_transaction
    from evidence.store import models as m

    summary = TagSummary()
    with Session(engine) as session:
        if policy_id:
            ids = [get_policy(session, policy_id).id]
        else:
            ids = [p.id for p in session.exec(select(m.Policy).order_by(m.Policy.id))]  # type: ignore[arg-type]
    for pid in ids:
        # Another process may tag the same studies at once: a clash rolls back and re-runs the
        # policy's transaction (tagging is idempotent), so its counts start afresh each time.
        def work(session: Session, pid: str = pid) -> TagSummary:
            one = TagSummary(policies=[pid])
            _tag_policy(session, get_policy(session, pid), one, progress)
            return one

        summary.add(in_transaction(engine, work))
    # The abstract facts the report's evidence table shows, once per record and extractor
    # version (every role: a role set by hand later needs no new tagging run); computed
    # outside the tagging transactions, so no write lock is held while abstracts are read.
    refresh_facts(engine, summary.fact_pmids)
    return summary


def _tag_policy(
    session: Session, policy: m.Policy, summary: TagSummary, progress: Progress | None
) -> None:
    from evidence.extract.stored import FACT_DESIGNS  # the extractors: only when tagging

    terms = ensure_terms(session, policy)
    refs = current_references(session, policy)
    fact_pmids = []
    for i, ref in enumerate(refs, 1):
        article = _article_for(session, ref)
        tag = _apply_design(session, ref, article, summary)
        _apply_role(session, ref, article, terms, summary)
        if article is not None and tag.design in FACT_DESIGNS:
            fact_pmids.append(article.pmid)
        summary.references += 1
        summary.by_design[tag.design] += 1
        summary.by_source[tag.source] += 1
        summary.by_role[ref.role or "?"] += 1
        if progress:
            progress(i, len(refs))
    summary.fact_pmids.extend(fact_pmids)


def _article_for(session: Session, ref: m.Reference) -> m.Article | None:
    from evidence.store import models as m

    pmid = ref.pmid or ref.matched_pmid
    return session.get(m.Article, pmid) if pmid else None


def compute_tag(ref: m.Reference | None, article: m.Article | None) -> tagging.TagResult:
    """What the rules say for a reference (and its PubMed record when resolved)."""
    if article is not None:
        return tagging.tag_article(article, citation=ref)
    if ref is None:
        raise NotFound("nothing to tag")
    return tagging.tag_citation(ref)


def _apply_design(
    session: Session, ref: m.Reference, article: m.Article | None, summary: TagSummary
) -> m.DesignTag:
    from evidence.store import models as m

    subject = subject_of(ref)
    row = session.get(m.DesignTag, subject) or _carry_manual_tag(session, ref, subject)
    if row is not None and row.source == tagging.MANUAL:
        summary.manual_kept += 1
        return row
    result = compute_tag(ref, article)
    if _keep_stronger_citation_tag(row, result):
        return row
    values = tag_columns(result)
    if row is None:
        row = m.DesignTag(subject=subject, tagged_at=m.utcnow(), **values)
        session.add(row)
        summary.changed += 1
    elif any(getattr(row, k) != val for k, val in values.items()):
        for k, val in values.items():
            setattr(row, k, val)
        row.tagged_at = m.utcnow()
        session.add(row)
        summary.changed += 1
    session.flush()
    return row


def tag_columns(result: tagging.TagResult) -> dict[str, Any]:
    """A tagging result as DesignTag column values."""
    return dict(
        design=result.design,
        modifiers=list(result.modifiers),
        level=result.level,
        source=result.source,
        signal=result.signal,
        confidence=result.confidence,
        indexing=result.indexing,
    )


def _carry_manual_tag(session: Session, ref: m.Reference, subject: str) -> m.DesignTag | None:
    """A tag set by hand on a reference without PMID follows it once a PMID is matched."""
    from evidence.store import models as m

    old = session.get(m.DesignTag, f"ref:{ref.id}") if subject.startswith("pmid:") else None
    if old is None or old.source != tagging.MANUAL:
        return None
    row = m.DesignTag(
        subject=subject,
        design=old.design,
        modifiers=list(old.modifiers),
        level=old.level,
        source=tagging.MANUAL,
        signal=old.signal,
        confidence=old.confidence,
        note=old.note,
        tagged_at=m.utcnow(),
    )
    session.add(row)
    return row


def _keep_stronger_citation_tag(row: m.DesignTag | None, result: tagging.TagResult) -> bool:
    """Two policies citing one unresolved PMID with different wording must not flip its tag on
    every run: between citation-text answers the more confident one stays."""
    return (
        row is not None
        and row.source == result.source == tagging.CITATION_TEXT
        and row.design != result.design
        and row.confidence > result.confidence
    )


def _apply_role(
    session: Session,
    ref: m.Reference,
    article: m.Article | None,
    terms: list[str],
    summary: TagSummary,
) -> None:
    if ref.role_source == "manual":
        return
    if article is not None and (article.title or article.abstract):
        decided = tagging.decide_role(terms, article.title, article.abstract, article.mesh or [])
    else:
        decided = tagging.decide_role(terms, ref.title or ref.raw)
    if (ref.role, ref.role_source, ref.role_signal) != (decided.role, "auto", decided.signal):
        ref.role, ref.role_source, ref.role_signal = decided.role, "auto", decided.signal
        session.add(ref)


# ---------------------------------------------------------------- intervention terms


def ensure_terms(session: Session, policy: m.Policy) -> list[str]:
    """The policy's intervention terms, derived from its title and statements the first time."""
    from sqlmodel import select

    from evidence.store import models as m

    if policy.intervention_terms:
        return list(policy.intervention_terms)
    stmts = session.exec(
        select(m.Statement).where(
            m.Statement.policy_id == policy.id, m.Statement.revision == policy.revision
        )
    ).all()
    terms = tagging.derive_terms(policy.title, [s.text for s in stmts])
    policy.intervention_terms = terms
    session.add(policy)
    return terms


def edit_terms(
    engine: Engine, policy_id: str, add: list[str] | None = None, remove: list[str] | None = None
) -> list[str]:
    """Show (deriving if needed) and edit a policy's intervention terms."""
    from evidence.store import transaction

    with transaction(engine) as session:
        policy = get_policy(session, policy_id)
        terms = ensure_terms(session, policy)
        for t in add or []:
            t = " ".join(t.split()).lower()
            if t and t not in terms:
                terms.append(t)
        gone = {" ".join(t.split()).lower() for t in remove or []}
        missing = gone - set(terms)
        if missing:
            raise InputError(
                f"not an intervention term of {policy_id!r}: {', '.join(sorted(missing))}",
                hint=f"see 'evidence tag terms {policy_id}'",
            )
        terms = [t for t in terms if t not in gone]
        policy.intervention_terms = terms
        session.add(policy)
        return terms


# ---------------------------------------------------------------- manual decisions


def check_design(design: str) -> str:
    design = design.strip().lower()
    if not v.is_design(design):
        raise InputError(f"unknown design {design!r}; valid designs: {', '.join(v.DESIGNS)}")
    return design


_POLICY_NUMBER = re.compile(r"^(?P<policy>.+)#(?P<number>[0-9]+)$")
_PMID = re.compile(r"[1-9][0-9]{0,8}")  # ASCII: str.isdigit() also accepts "١٢٣" and "²"


def resolve_subject(session: Session, target: str) -> tuple[str, list[m.Reference]]:
    """A PMID, "pmid:N", "ref:<id>" or "POLICY#NUMBER" -> the tag subject and the references
    that carry it."""
    from sqlmodel import or_, select

    from evidence.store import models as m

    target = target.strip()
    pmid = target[5:] if target.lower().startswith("pmid:") else target
    if _PMID.fullmatch(pmid):
        refs = list(
            session.exec(
                select(m.Reference).where(
                    or_(m.Reference.pmid == pmid, m.Reference.matched_pmid == pmid)
                )
            )
        )
        if not refs and session.get(m.Article, pmid) is None:
            raise NotFound(f"PMID {pmid} is not in the store", hint="cited by no policy")
        return f"pmid:{pmid}", refs
    if target.lower().startswith("ref:") and target[4:].isascii() and target[4:].isdigit():
        ref = session.get(m.Reference, int(target[4:]))
        if ref is None:
            raise NotFound(f"no reference {target}")
        return subject_of(ref), [ref]
    match = _POLICY_NUMBER.match(target)
    if match:
        ref = _reference(session, match["policy"], int(match["number"]))
        return subject_of(ref), [ref]
    raise InputError(
        f"cannot read {target!r} as a study",
        hint="give a PMID, ref:<id> or POLICY#NUMBER such as stem-cell-pad#12",
    )


def _reference(session: Session, policy_id: str, number: int) -> m.Reference:
    policy = get_policy(session, policy_id)
    for ref in current_references(session, policy):
        if ref.number == number:
            return ref
    raise NotFound(f"policy {policy_id!r} has no reference {number}")


def set_tag(engine: Engine, target: str, design: str, note: str | None = None) -> dict[str, Any]:
    """Tag a study by hand; `evidence tag` will keep this tag from now on."""
    from evidence.store import models as m
    from evidence.store import transaction

    design = check_design(design)
    with transaction(engine) as session:
        subject, _ = resolve_subject(session, target)
        result = tagging.manual_tag(design, note)
        row = session.get(m.DesignTag, subject) or m.DesignTag(
            subject=subject, design=design, source=tagging.MANUAL, signal="", tagged_at=m.utcnow()
        )
        row.design, row.modifiers, row.level = design, [], result.level
        row.source, row.signal, row.confidence = tagging.MANUAL, result.signal, 1.0
        row.indexing, row.note, row.tagged_at = None, note, m.utcnow()
        session.add(row)
        return _tag_view(row)


def unset_tag(engine: Engine, target: str) -> dict[str, Any]:
    """Remove a manual tag; the study is tagged again from its record or citation at once."""
    from evidence.store import models as m
    from evidence.store import transaction

    with transaction(engine) as session:
        subject, refs = resolve_subject(session, target)
        row = session.get(m.DesignTag, subject)
        if row is None or row.source != tagging.MANUAL:
            raise InputError(f"{subject} has no manual tag", hint="see 'evidence tag explain'")
        session.delete(row)
        policies = sorted({r.policy_id for r in refs})
    for policy_id in policies:
        tag_policies(engine, policy_id)
    with transaction(engine) as session:
        now = session.get(m.DesignTag, subject)
        return {"subject": subject, "design": now.design if now else None, "source": now.source if now else None}


def set_role(engine: Engine, policy_id: str, number: int, role: str) -> dict[str, Any]:
    """Set a reference's role by hand; `evidence tag` keeps it."""
    from evidence.store import transaction

    role = role.strip().lower()
    if role not in tagging.ROLES:
        raise InputError(f"unknown role {role!r}; valid roles: {', '.join(tagging.ROLES)}")
    with transaction(engine) as session:
        ref = _reference(session, policy_id, number)
        ref.role, ref.role_source, ref.role_signal = role, "manual", "set by hand"
        session.add(ref)
        return {"policy": policy_id, "number": number, "role": role, "role_source": "manual"}


# ---------------------------------------------------------------- reading


def _tag_view(row: m.DesignTag | dict[str, Any] | None) -> dict[str, Any]:
    """A stored tag for display and JSON: a model row, or a `q.tag_rows` dict (read path)."""
    if row is None:
        return {"design": None}
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return {
        "subject": get("subject"),
        "design": get("design"),
        "modifiers": get("modifiers"),
        "level": get("level"),
        "level_label": v.level_label(get("design"), get("level")),
        "source": get("source"),
        "signal": get("signal"),
        "confidence": get("confidence"),
        "indexing": get("indexing"),
        "note": get("note"),
        "tagged_at": get("tagged_at"),
    }


def explain(engine: Engine, target: str) -> dict[str, Any]:
    """The stored tag, the signal that decided it, and what each source would have said."""
    from sqlmodel import Session

    from evidence.store import models as m

    with Session(engine) as session:
        subject, refs = resolve_subject(session, target)
        row = session.get(m.DesignTag, subject)
        pmid = subject[5:] if subject.startswith("pmid:") else None
        article = session.get(m.Article, pmid) if pmid else None
        ref = refs[0] if refs else None
        computed = compute_tag(ref, article)
        alternatives = {
            src: (res.to_dict(False) if res else None) for src, res in computed.alternatives.items()
        }
        alternatives.setdefault(tagging.PUBLICATION_TYPE, None)
        alternatives.setdefault(tagging.RECORD_TEXT, None)
        alternatives[tagging.MANUAL] = (
            _tag_view(row) if row is not None and row.source == tagging.MANUAL else None
        )
        stored = _tag_view(row) if row is not None else None
        decided = stored or computed.to_dict(False)
        return {
            "subject": subject,
            "pmid": pmid,
            "title": (article.title if article else None) or (ref.title if ref else None),
            "resolved": article is not None,
            "stored": stored is not None,
            "design": decided["design"],
            "level": decided["level"],
            "modifiers": decided["modifiers"],
            "source": decided["source"],
            "signal": decided["signal"],
            "confidence": decided["confidence"],
            "indexing": decided["indexing"],
            "note": decided.get("note"),
            "precedence": list(tagging.SOURCES),
            "sources": alternatives,
            "references": [
                {
                    "policy": r.policy_id,
                    "number": r.number,
                    "role": r.role,
                    "role_source": r.role_source,
                    "role_signal": r.role_signal,
                }
                for r in refs
            ],
        }


#: the Reference columns `tag list` shows
LIST_REFERENCE_COLUMNS = ("id", "number", "pmid", "matched_pmid", "title", "year", "role",
                          "role_source", "role_signal")  # fmt: skip


def list_tags(engine: Engine | Reader | str, policy_id: str) -> list[dict[str, Any]]:
    """One row per current reference: design, level, source, confidence, role.

    Read with three queries through the lean read layer (`engine`: an engine, a Reader or
    the store's URL), so `evidence tag list` starts without the ORM (issue #16)."""
    with reading(engine) as reader:
        policy = find_policy(reader, policy_id)
        refs = q.references(reader, policy["id"], policy["revision"], LIST_REFERENCE_COLUMNS)
        tags = q.tag_rows(reader, [subject_of(r) for r in refs])
        pmids = [p for r in refs if (p := r["pmid"] or r["matched_pmid"])]
        articles = q.articles(reader, pmids, ("pmid", "title", "year")) if pmids else {}
    rows = []
    for ref in refs:
        subject = subject_of(ref)
        article = articles.get(ref["pmid"] or ref["matched_pmid"] or "")
        rows.append(
            {
                "number": ref["number"],
                "pmid": ref["pmid"] or ref["matched_pmid"],
                "subject": subject,
                "resolved": article is not None,
                "title": (article["title"] if article else None) or ref["title"],
                "year": (article["year"] if article else None) or ref["year"],
                **{k: val for k, val in _tag_view(tags.get(subject)).items() if k != "subject"},
                "role": ref["role"],
                "role_source": ref["role_source"],
                "role_signal": ref["role_signal"],
            }
        )
    return rows
