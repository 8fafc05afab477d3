"""Watch (issue #14): each policy's review interval, the watch runs, the changes they saw
(one row per change, kept unique by a fingerprint) and each policy's new-evidence count.

Idempotent like 0003/0004: a table or column already present is left alone.

Revision ID: 0005_watch
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005_watch"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _s(length: int | None = None) -> sa.types.TypeEngine:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _tables() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def _watchrun() -> None:
    op.create_table(
        "watchrun",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("max_age_days", sa.Integer(), nullable=False),
        sa.Column("policies", sa.JSON(), nullable=False),
        sa.Column("checked", sa.Integer(), nullable=False),
        sa.Column("not_checked", sa.Integer(), nullable=False),
        sa.Column("searched", sa.Integer(), nullable=False),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("status", _s(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def _watchevent() -> None:
    op.create_table(
        "watchevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", _s(64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("policy_id", _s(), nullable=False),
        sa.Column("reference_id", sa.Integer(), nullable=True),
        sa.Column("reference_number", sa.Integer(), nullable=True),
        sa.Column("pmid", _s(), nullable=True),
        sa.Column("kind", _s(), nullable=False),
        sa.Column("detected_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("acknowledged_by", _s(), nullable=True),
        sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
        sa.ForeignKeyConstraint(["reference_id"], ["reference.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["watchrun.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_watchevent_fingerprint", "watchevent", ["fingerprint"], unique=True)
    op.create_index(op.f("ix_watchevent_run_id"), "watchevent", ["run_id"])
    op.create_index(op.f("ix_watchevent_policy_id"), "watchevent", ["policy_id"])
    op.create_index(op.f("ix_watchevent_pmid"), "watchevent", ["pmid"])


def _policywatch() -> None:
    op.create_table(
        "policywatch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", _s(), nullable=False),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("query", sa.Text(), nullable=True),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("pmids", sa.JSON(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["watchrun.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "policy_id"),
    )
    op.create_index(op.f("ix_policywatch_run_id"), "policywatch", ["run_id"])
    op.create_index(op.f("ix_policywatch_policy_id"), "policywatch", ["policy_id"])


def upgrade() -> None:
    if "review_every" not in _columns("policy"):
        with op.batch_alter_table("policy", schema=None) as batch_op:
            batch_op.add_column(sa.Column("review_every", _s(), nullable=True))
    present = _tables()
    for name, create in (("watchrun", _watchrun), ("watchevent", _watchevent),
                         ("policywatch", _policywatch)):  # fmt: skip
        if name not in present:
            create()


def downgrade() -> None:
    present = _tables()
    for name in ("policywatch", "watchevent", "watchrun"):
        if name in present:
            op.drop_table(name)
    if "review_every" in _columns("policy"):
        with op.batch_alter_table("policy", schema=None) as batch_op:
            batch_op.drop_column("review_every")
