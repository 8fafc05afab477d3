"""A new revision keeps the work: roles set by hand, flags, matched PMIDs, hand-set tags on
references without a PMID; the title and id stay; the same text from stdin is the same policy."""

from __future__ import annotations

import json
import threading

from conftest import EXAMPLE
from sqlmodel import Session, select

from evidence.services.policy import add_policy
from evidence.store import models as m
from evidence.store import transaction


def _refs(engine, pid):  # type: ignore[no-untyped-def]
    with Session(engine) as s:
        policy = s.get(m.Policy, pid)
        stmt = select(m.Reference).where(m.Reference.policy_id == pid, m.Reference.revision == policy.revision)
        return list(s.exec(stmt.order_by(m.Reference.number)))


def test_a_new_revision_keeps_roles_flags_matches_and_manual_tags(engine, cli):
    text = EXAMPLE.read_bytes()
    add_policy(engine, text, "pad.txt", policy_id="pad", title="Stem cells for PAD")
    first = _refs(engine, "pad")
    with transaction(engine) as s:
        r3 = s.get(m.Reference, first[2].id)
        r3.role, r3.role_source, r3.role_signal = "direct", "manual", "set by hand"
        s.add(r3)
        s.add(m.CitationFlag(reference_id=first[4].id, kind="year", detail="year: cited 2010, PubMed 2011"))
    # the next text: one reference's pages corrected, a sentence added elsewhere
    changed = text.replace(b"is a common atherosclerotic syndrome", b"is a frequent atherosclerotic syndrome", 1)
    assert changed != text
    result = add_policy(engine, changed, "pad.txt", policy_id="pad")
    assert result.status == "revised"
    second = _refs(engine, "pad")
    assert len(second) == len(first)
    assert (second[2].role, second[2].role_source) == ("direct", "manual")
    with Session(engine) as s:
        kinds = s.exec(select(m.CitationFlag.kind).where(m.CitationFlag.reference_id == second[4].id)).all()
        policy = s.get(m.Policy, "pad")
    assert kinds == ["year"]
    assert policy.title == "Stem cells for PAD"  # kept: no --title this time


def test_the_same_text_on_stdin_without_id_is_the_same_policy(cli):
    assert cli("policy", "add", str(EXAMPLE), "--id", "pad").exit_code == 0
    again = cli("policy", "add", "-", "--json", input=EXAMPLE.read_bytes())
    assert again.exit_code == 0, again.stderr
    assert json.loads(again.stdout)["id"] == "pad"
    assert json.loads(again.stdout)["status"] == "unchanged"
    assert [p["id"] for p in json.loads(cli("policy", "list", "--json").stdout)] == ["pad"]


def test_three_concurrent_adds_of_one_new_policy_make_one_revision(engine):
    data = EXAMPLE.read_bytes()
    errors: list[BaseException] = []

    def add() -> None:
        try:
            add_policy(engine, data, "pad.txt", policy_id="pad")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=add) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    with Session(engine) as s:
        assert s.get(m.Policy, "pad").revision == 1
        assert len(s.exec(select(m.PolicyRevision)).all()) == 1
