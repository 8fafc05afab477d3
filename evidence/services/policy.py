"""Policy use-cases: add a document to the store, list policies, show one.

Adding is idempotent on the document's text: the same text again changes nothing; a changed
text becomes the next revision, and the rows of earlier revisions stay in the store.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from evidence.config import store_label
from evidence.errors import InputError, NotFound
from evidence.policy import parse_policy, read_document
from evidence.policy.read import normalise
from evidence.records import PolicyDocument
from evidence.store import in_transaction
from evidence.store import models as m

MAX_BYTES = 50 * 1024 * 1024


@dataclass
class AddResult:
    policy: m.Policy
    status: str  # "added" | "unchanged" | "revised"
    references: int
    warnings: list[str] = field(default_factory=list)
    id_changed_from: str | None = None  # the --id as typed, when it was not safe to store


MAX_ID = 80
_SAFE_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_ID - 1}}}")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_ID] or "policy"


def is_safe_id(policy_id: str) -> bool:
    """Letters, digits, '-', '_' and '.', starting with a letter or digit, at most 80 long:
    safe in a file name, a URL and a shell word, so it is stored exactly as typed."""
    return bool(_SAFE_ID.fullmatch(policy_id)) and ".." not in policy_id


def policy_id_for(typed: str) -> str:
    """The id stored for a typed --id: itself when safe, else its slug."""
    return typed if is_safe_id(typed) else slugify(typed)


def read_input(path: str, stdin: bytes | None = None) -> tuple[bytes, str]:
    """Read a policy file (or standard input for "-") with a size limit."""
    if path == "-":
        data = stdin if stdin is not None else b""
        return data, "<stdin>"
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if not p.is_file():
        raise InputError(f"{path}: not a file")
    if p.stat().st_size > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // 2**20} MB; is this a policy document?")
    return p.read_bytes(), p.name


def _title(doc: PolicyDocument, title: str | None, source: str) -> tuple[str, str]:
    if title and title.strip():
        # the same cleaning as a document's text: no terminal escapes, one line
        return " ".join(normalise(title).split()), "option"
    if doc.title:
        return doc.title, "document"
    stem = Path(source).stem if source != "<stdin>" else "untitled policy"
    return re.sub(r"[-_]+", " ", stem).strip().capitalize(), "default"


def parse_input(data: bytes, source: str) -> tuple[str, PolicyDocument]:
    """Decode and parse a policy file; errors name the file."""
    notes: list[str] = []
    text = read_document(data, source, notes)
    try:
        doc = parse_policy(text)
    except InputError as exc:  # the parser sees text only; the message must name the file
        raise InputError(f"{source}: {exc.message}", hint=exc.hint) from None
    if notes:
        doc = replace(doc, warnings=(*notes, *doc.warnings))
    return text, doc


def add_policy(
    engine: Engine,
    data: bytes,
    source: str,
    policy_id: str | None = None,
    title: str | None = None,
    parsed: tuple[str, PolicyDocument] | None = None,
) -> AddResult:
    """Parse a policy document and store it (new policy, new revision, or nothing new).

    Pass `parsed` (from `parse_input`) to parse before opening the store, so that a bad
    file leaves no trace, not even a new empty database."""
    text, doc = parsed if parsed is not None else parse_input(data, source)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    title_text, title_source = _title(doc, title, source)
    warnings = list(doc.warnings) + [
        f"reference {c.number}: {w}" for c in doc.references for w in c.warnings
    ]

    def work(session: Session) -> AddResult:
        # one unit, retried whole when another process adds the same policy at the same moment
        pid = policy_id_for(policy_id) if policy_id else _known_policy(session, digest, doc) or slugify(title_text)
        changed = policy_id if policy_id and pid != policy_id else None
        policy = session.get(m.Policy, pid)
        if policy is not None and policy.sha256 == digest:
            return AddResult(policy, "unchanged", len(doc.references), warnings, changed)
        revision = 1 if policy is None else policy.revision + 1
        keep_title = policy is not None and title_source != "option" and policy.title_source != "default"
        policy = _upsert_policy(session, policy, pid, doc, digest, revision, source)
        if not keep_title:  # the title stays unless given anew
            policy.title, policy.title_source = title_text, title_source
        session.add(policy)
        session.flush()  # the policy row first: revisions, statements and codes point at it
        _save_revision(session, pid, revision, doc, digest, source)
        if revision > 1:
            _carry_from(session, policy, revision - 1)
        status = "added" if revision == 1 else "revised"
        return AddResult(policy, status, len(doc.references), warnings, id_changed_from=changed)

    return in_transaction(engine, work)


def _known_policy(session: Session, digest: str, doc: PolicyDocument) -> str | None:
    """Without --id, a text already stored (any revision) or a document whose own title is
    a stored policy's is that policy, not a new one (`policy add -` has no file name)."""
    row = session.exec(select(m.PolicyRevision.policy_id).where(m.PolicyRevision.sha256 == digest)).first()
    if row:
        return row
    if doc.title:
        same = session.exec(
            select(m.Policy.id).where(m.Policy.title == doc.title, m.Policy.title_source == "document")
        ).all()
        if len(same) == 1:
            return same[0]
    return None


def _carry_from(session: Session, policy: m.Policy, previous: int) -> None:
    from evidence.services.carry import carry_over

    def refs(revision: int) -> list[m.Reference]:
        stmt = select(m.Reference).where(m.Reference.policy_id == policy.id, m.Reference.revision == revision)
        return list(session.exec(stmt.order_by(m.Reference.number)))  # type: ignore[arg-type]

    session.flush()
    carry_over(session, refs(previous), refs(policy.revision))


def _upsert_policy(
    session: Session,
    policy: m.Policy | None,
    pid: str,
    doc: PolicyDocument,
    digest: str,
    revision: int,
    source: str,
) -> m.Policy:
    fields: dict[str, Any] = dict(
        sha256=digest,
        revision=revision,
        source_file=source,
        effective_date=doc.effective_date,
        last_reviewed=doc.last_reviewed,
        published=doc.published,
        policy_number=doc.policy_number,
        original_effective=doc.original_effective,
        next_review=doc.next_review,
        conclusion=doc.conclusion,
        related=list(doc.related),
    )
    if policy is None:
        return m.Policy(id=pid, title="", **fields)
    for key, value in fields.items():
        setattr(policy, key, value)
    policy.ingested_at = m.utcnow()
    return policy


def _save_revision(
    session: Session, pid: str, revision: int, doc: PolicyDocument, digest: str, source: str
) -> None:
    session.add(
        m.PolicyRevision(
            policy_id=pid, revision=revision, sha256=digest, source_file=source, text=doc.text
        )
    )
    for s in doc.statements:
        session.add(m.Statement(policy_id=pid, revision=revision, **asdict(s)))
    for c in doc.codes:
        session.add(m.BillingCode(policy_id=pid, revision=revision, **asdict(c)))
    for c in doc.references:
        row = asdict(c)
        row["authors"], row["warnings"] = list(c.authors), list(c.warnings)
        session.add(m.Reference(policy_id=pid, revision=revision, **row))


# ---------------------------------------------------------------- reading


def get_policy(session: Session, policy_id: str) -> m.Policy:
    """The policy by the id the user typed: as stored, or as `policy add --id` would have
    stored that typed id (an unsafe id is kept as its slug)."""
    policy = session.get(m.Policy, policy_id)
    if policy is None and policy_id:
        policy = session.get(m.Policy, policy_id_for(policy_id))
    if policy is None:
        where = store_label(session.get_bind().url.render_as_string(hide_password=True))
        raise NotFound(f"no policy {policy_id!r} in {where}", hint="see 'evidence policy list'")
    return policy


def current_references(session: Session, policy: m.Policy) -> list[m.Reference]:
    stmt = (
        select(m.Reference)
        .where(m.Reference.policy_id == policy.id, m.Reference.revision == policy.revision)
        .order_by(m.Reference.number)  # type: ignore[arg-type]
    )
    return list(session.exec(stmt))


def list_policies(engine: Engine) -> list[dict[str, Any]]:
    """Every policy with its current revision's reference count.

    One counting query for all policies: loading each policy's references to count them
    took half of `policy list`'s time on a store of 500 policies (bench/store_bench.py)."""
    counts = (
        select(m.Reference.policy_id, func.count())
        .join(
            m.Policy,
            (m.Policy.id == m.Reference.policy_id) & (m.Policy.revision == m.Reference.revision),
        )
        .group_by(m.Reference.policy_id)
    )
    with Session(engine) as session:
        per_policy = dict(session.exec(counts).all())  # type: ignore[call-overload]
        return [
            {
                "id": p.id,
                "title": p.title,
                "revision": p.revision,
                "effective_date": p.effective_date,
                "last_reviewed": p.last_reviewed,
                "references": per_policy.get(p.id, 0),
            }
            for p in session.exec(select(m.Policy).order_by(m.Policy.id))  # type: ignore[arg-type]
        ]


def show_policy(engine: Engine, policy_id: str) -> dict[str, Any]:
    """The policy with its statements, codes and references (with design tags and roles)."""
    with Session(engine) as session:
        p = get_policy(session, policy_id)
        rev = (m.Statement.policy_id == p.id, m.Statement.revision == p.revision)
        statements = session.exec(select(m.Statement).where(*rev)).all()
        codes = session.exec(
            select(m.BillingCode).where(
                m.BillingCode.policy_id == p.id, m.BillingCode.revision == p.revision
            )
        ).all()
        refs = current_references(session, p)
        tags = _tags_for(session, refs)
        return {
            "id": p.id,
            "title": p.title,
            "title_source": p.title_source,
            "revision": p.revision,
            "source_file": p.source_file,
            "sha256": p.sha256,
            "policy_number": p.policy_number,
            "effective_date": p.effective_date,
            "original_effective": p.original_effective,
            "last_reviewed": p.last_reviewed,
            "next_review": p.next_review,
            "published": p.published,
            "conclusion": p.conclusion,
            "related": p.related,
            "statements": [
                {"product": s.product, "status": s.status, "text": s.text} for s in statements
            ],
            "codes": [
                {
                    "code": c.code,
                    "system": c.system,
                    "description": c.description,
                    "position": c.position,
                }
                for c in codes
            ],
            "references": [_reference_view(r, tags) for r in refs],
        }


def subject_of(ref: m.Reference) -> str:
    """The key a reference's design tag is stored under."""
    pmid = ref.pmid or ref.matched_pmid
    return f"pmid:{pmid}" if pmid else f"ref:{ref.id}"


def _tags_for(session: Session, refs: list[m.Reference]) -> dict[str, m.DesignTag]:
    subjects = [subject_of(r) for r in refs]
    if not subjects:
        return {}
    rows = session.exec(select(m.DesignTag).where(m.DesignTag.subject.in_(subjects)))  # type: ignore[attr-defined]
    return {t.subject: t for t in rows}


def _reference_view(r: m.Reference, tags: dict[str, m.DesignTag]) -> dict[str, Any]:
    tag = tags.get(subject_of(r))
    return {
        "number": r.number,
        "authors": r.authors,
        "et_al": r.et_al,
        "title": r.title,
        "journal": r.journal,
        "year": r.year,
        "month": r.month,
        "day": r.day,
        "volume": r.volume,
        "issue": r.issue,
        "pages": r.pages,
        "pmid": r.pmid,
        "doi": r.doi,
        "nct": r.nct,
        "group": r.group,
        "printed_number": r.printed_number,
        "warnings": r.warnings,
        "design": tag.design if tag else None,
        "evidence_level": tag.level if tag else None,
        "design_source": tag.source if tag else None,
        "role": r.role,
        "raw": r.raw,
    }
