"""Review cycles a team can trust (issue #13): how far a cycle's window was searched and
fetched, whether it was closed incomplete; one row per reviewer per decision; the number of
independent decisions a policy's screening needs; the ranker's relevance score.

Existing decisions become Decision rows of reviewer "unrecorded" (who made them was never
stored). An existing cycle counts as searched when its `start` ran to the end, which the old
code marked by writing `counts.search.not_retrieved` after the last batch. Idempotent like
0003 and 0004: columns and tables already present are left alone.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_REVIEWER = "unrecorded"


def _s() -> sa.types.TypeEngine:
    return sqlmodel.sql.sqltypes.AutoString()


COLUMNS = {
    "reviewcycle": {
        "searched_until": lambda: sa.Column("searched_until", sa.Date(), nullable=True),
        "search_complete": lambda: sa.Column(
            "search_complete", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
        "incomplete": lambda: sa.Column(
            "incomplete", sa.Boolean(), nullable=False, server_default=sa.false()
        ),
    },
    "candidate": {
        "relevance": lambda: sa.Column("relevance", sa.Float(), nullable=True),
    },
    "policy": {
        "screening_reviewers": lambda: sa.Column(
            "screening_reviewers", sa.Integer(), nullable=False, server_default="1"
        ),
    },
}


def _inspector() -> Any:
    return sa.inspect(op.get_bind())


def _existing(table: str) -> set[str]:
    return {c["name"] for c in _inspector().get_columns(table)}


def _create_decision() -> bool:
    if "decision" in _inspector().get_table_names():
        return False
    op.create_table(
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", _s(), nullable=False),
        sa.Column("decision", _s(), nullable=False),
        sa.Column("reason", _s(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["candidate.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decision_candidate_id", "decision", ["candidate_id"], unique=False)
    op.create_index(
        "ix_decision_candidate_reviewer", "decision", ["candidate_id", "reviewer"], unique=False
    )
    return True


def _searched(counts: Any) -> bool:
    if isinstance(counts, str):
        try:
            counts = json.loads(counts)
        except ValueError:
            return False
    search = counts.get("search") if isinstance(counts, dict) else None
    return isinstance(search, dict) and "not_retrieved" in search


def _migrate_rows(conn: sa.engine.Connection) -> None:
    cycles = conn.execute(sa.text("SELECT id, until, counts FROM reviewcycle")).all()
    for cycle_id, until, counts in cycles:
        if _searched(counts):
            conn.execute(
                sa.text(
                    "UPDATE reviewcycle SET search_complete = :t, searched_until = :u "
                    "WHERE id = :i"
                ),
                {"t": True, "u": until, "i": cycle_id},
            )
    decided = conn.execute(
        sa.text(
            "SELECT id, decision, reason, reason_text, decided_at FROM candidate "
            "WHERE decision IS NOT NULL"
        )
    ).all()
    for cand_id, decision, reason, note, decided_at in decided:
        conn.execute(
            sa.text(
                "INSERT INTO decision (candidate_id, reviewer, kind, decision, reason, note, "
                "decided_at) VALUES (:c, :r, 'screen', :d, :reason, :note, :at)"
            ),
            {"c": cand_id, "r": LEGACY_REVIEWER, "d": decision, "reason": reason,
             "note": note, "at": decided_at or datetime.now(timezone.utc)},  # fmt: skip
        )


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        missing = [name for name in columns if name not in _existing(table)]
        if missing:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for name in missing:
                    batch_op.add_column(columns[name]())
    if _create_decision():
        _migrate_rows(op.get_bind())


def downgrade() -> None:
    if "decision" in _inspector().get_table_names():
        op.drop_index("ix_decision_candidate_reviewer", table_name="decision")
        op.drop_index("ix_decision_candidate_id", table_name="decision")
        op.drop_table("decision")
    for table, columns in COLUMNS.items():
        present = [name for name in columns if name in _existing(table)]
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(present):
                batch_op.drop_column(name)
