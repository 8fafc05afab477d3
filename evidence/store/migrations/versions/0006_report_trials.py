"""ClinicalTrials.gov: the trials a policy's search found or its evidence cites (issue #12).

`trial` holds one registry record per NCT id (as last fetched, with `fetched_at`),
`policytrial` links a policy to each trial and says why (search match, cited), `trialsearch`
records when the registry was last asked about a policy. New tables only, so SQLite and
PostgreSQL take the same plain `create_table`; idempotent like 0003/0004.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _s() -> sa.types.TypeEngine:
    return sqlmodel.sql.sqltypes.AutoString()


def _tables() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def upgrade() -> None:
    have = _tables()
    if "trial" not in have:
        op.create_table(
            "trial",
            sa.Column("nct_id", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
            sa.Column("title", sa.Text(), nullable=True),
            sa.Column("status", _s(), nullable=True),
            sa.Column("last_known_status", _s(), nullable=True),
            sa.Column("phases", sa.JSON(), nullable=False),
            sa.Column("study_type", _s(), nullable=True),
            sa.Column("allocation", _s(), nullable=True),
            sa.Column("enrollment", sa.Integer(), nullable=True),
            sa.Column("enrollment_type", _s(), nullable=True),
            sa.Column("primary_completion", _s(), nullable=True),
            sa.Column("primary_completion_type", _s(), nullable=True),
            sa.Column("completion", _s(), nullable=True),
            sa.Column("has_results", sa.Boolean(), nullable=False),
            sa.Column("results_first_posted", _s(), nullable=True),
            sa.Column("sponsor", sa.Text(), nullable=True),
            sa.Column("last_update", _s(), nullable=True),
            sa.Column("conditions", sa.JSON(), nullable=False),
            sa.Column("interventions", sa.JSON(), nullable=False),
            sa.Column("fetched_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("nct_id"),
        )
    if "policytrial" not in have:
        op.create_table(
            "policytrial",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("policy_id", _s(), nullable=False),
            sa.Column("nct_id", _s(), nullable=False),
            sa.Column("cited", sa.Boolean(), nullable=False),
            sa.Column("matched_search", sa.Boolean(), nullable=False),
            sa.Column("cited_by", sa.JSON(), nullable=False),
            sa.Column("found_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["nct_id"], ["trial.nct_id"]),
            sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("policy_id", "nct_id"),
        )
        op.create_index("ix_policytrial_policy_id", "policytrial", ["policy_id"])
        op.create_index("ix_policytrial_nct_id", "policytrial", ["nct_id"])
    if "trialsearch" not in have:
        op.create_table(
            "trialsearch",
            sa.Column("policy_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
            sa.Column("query", sa.JSON(), nullable=False),
            sa.Column("total", sa.Integer(), nullable=True),
            sa.Column("found", sa.Integer(), nullable=False),
            sa.Column("missing", sa.JSON(), nullable=False),
            sa.Column("asked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
            sa.ForeignKeyConstraint(["policy_id"], ["policy.id"]),
            sa.PrimaryKeyConstraint("policy_id"),
        )


def downgrade() -> None:
    have = _tables()
    for table in ("trialsearch", "policytrial", "trial"):
        if table in have:
            op.drop_table(table)
