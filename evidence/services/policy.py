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
from typing import TYPE_CHECKING, Any

from evidence.config import store_label
from evidence.errors import InputError, NotFound
from evidence.store import queries as q
from evidence.store.read import Reader, reading

if TYPE_CHECKING:  # the ORM only where a policy is written: `list` and `show` read without it
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from evidence.records import PolicyDocument
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
    from evidence.policy.read import normalise

    if title and title.strip():
        # the same cleaning as a document's text: no terminal escapes, one line
        return " ".join(normalise(title).split()), "option"
    if doc.title:
        return doc.title, "document"
    stem = Path(source).stem if source != "<stdin>" else "untitled policy"
    return re.sub(r"[-_]+", " ", stem).strip().capitalize(), "default"


def parse_input(data: bytes, source: str) -> tuple[str, PolicyDocument]:
    """Decode and parse a policy file; errors name the file."""
    from evidence.policy import parse_policy, read_document

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
    from evidence.store import in_transaction
    from evidence.store import models as m

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
    from sqlmodel import select

    from evidence.store import models as m

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
    from sqlmodel import select

    from evidence.services.carry import carry_over
    from evidence.store import models as m

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
    from evidence.store import models as m

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
    from evidence.store import models as m
    from evidence.store.upsert import insert_rows

    session.add(
        m.PolicyRevision(
            policy_id=pid, revision=revision, sha256=digest, source_file=source, text=doc.text
        )
    )
    for s in doc.statements:
        session.add(m.Statement(policy_id=pid, revision=revision, **asdict(s)))
    for c in doc.codes:
        session.add(m.BillingCode(policy_id=pid, revision=revision, **asdict(c)))
    rows = []
    for c in doc.references:
        row = asdict(c)
        row.update(policy_id=pid, revision=revision, authors=list(c.authors), warnings=list(c.warnings))
        rows.append(row)
    insert_rows(session, m.Reference, rows)


# ---------------------------------------------------------------- reading


def get_policy(session: Session, policy_id: str) -> m.Policy:
    """The policy by the id the user typed: as stored, or as `policy add --id` would have
    stored that typed id (an unsafe id is kept as its slug)."""
    from evidence.store import models as m

    policy = session.get(m.Policy, policy_id)
    if policy is None and policy_id:
        policy = session.get(m.Policy, policy_id_for(policy_id))
    if policy is None:
        where = store_label(session.get_bind().url.render_as_string(hide_password=True))
        raise NotFound(f"no policy {policy_id!r} in {where}", hint="see 'evidence policy list'")
    return policy


def current_references(session: Session, policy: m.Policy) -> list[m.Reference]:
    from sqlmodel import select

    from evidence.store import models as m

    stmt = (
        select(m.Reference)
        .where(m.Reference.policy_id == policy.id, m.Reference.revision == policy.revision)
        .order_by(m.Reference.number)  # type: ignore[arg-type]
    )
    return list(session.exec(stmt))


def find_policy(reader: Reader, policy_id: str) -> dict[str, Any]:
    """`get_policy` for the read path: the policy's row as a dict, by the id the user typed."""
    policy = q.policy(reader, policy_id)
    if policy is None and policy_id and policy_id_for(policy_id) != policy_id:
        policy = q.policy(reader, policy_id_for(policy_id))
    if policy is None:
        raise NotFound(f"no policy {policy_id!r} in {reader.label}", hint="see 'evidence policy list'")
    return policy


def list_policies(engine: Engine | Reader | str) -> list[dict[str, Any]]:
    """Every policy with its current revision's reference count.

    One counting query for all policies: loading each policy's references to count them
    took half of `policy list`'s time on a store of 500 policies (bench/store_bench.py).
    `engine` is an engine, a Reader or the store's URL (evidence.store.read)."""
    with reading(engine) as reader:
        per_policy = q.current_reference_counts(reader)
        return [
            {**p, "references": per_policy.get(p["id"], 0)} for p in q.policy_rows(reader)
        ]


def show_policy(engine: Engine | Reader | str, policy_id: str) -> dict[str, Any]:
    """The policy with its statements, codes and references (with design tags and roles)."""
    with reading(engine) as reader:
        p = find_policy(reader, policy_id)
        statements = q.statements(reader, p["id"], p["revision"])
        codes = q.billing_codes(reader, p["id"], p["revision"])
        refs = q.references(reader, p["id"], p["revision"])
        tags = q.design_tags(reader, [subject_of(r) for r in refs])
    keys = ("id", "title", "title_source", "revision", "source_file", "sha256", "policy_number",
            "effective_date", "original_effective", "last_reviewed", "next_review", "published",
            "conclusion", "related")  # fmt: skip
    return {
        **{k: p[k] for k in keys},
        "statements": statements,
        "codes": codes,
        "references": [_reference_view(r, tags) for r in refs],
    }


def subject_of(ref: m.Reference | dict[str, Any]) -> str:
    """The key a reference's design tag is stored under (a model row or a read-layer dict)."""
    if isinstance(ref, dict):
        pmid, ref_id = ref["pmid"] or ref["matched_pmid"], ref["id"]
    else:
        pmid, ref_id = ref.pmid or ref.matched_pmid, ref.id
    return f"pmid:{pmid}" if pmid else f"ref:{ref_id}"


def _reference_view(r: dict[str, Any], tags: dict[str, dict[str, Any]]) -> dict[str, Any]:
    tag = tags.get(subject_of(r))
    fields = ("number", "authors", "et_al", "title", "journal", "year", "month", "day", "volume",
              "issue", "pages", "pmid", "doi", "nct", "kind", "matched_pmid", "match_status",
              "match_candidates", "group", "printed_number", "warnings")  # fmt: skip
    return {
        **{k: r[k] for k in fields},
        "design": tag["design"] if tag else None,
        "evidence_level": tag["level"] if tag else None,
        "design_source": tag["source"] if tag else None,
        "role": r["role"],
        "raw": r["raw"],
    }
