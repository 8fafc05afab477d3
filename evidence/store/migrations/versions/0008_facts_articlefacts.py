"""Facts (issue #16): `articlefacts`, each trial's or synthesis's abstract facts, computed once
by `evidence tag` instead of by every report (12.5 s of a 10,000-reference report).

A new table keyed by PMID, not columns on `article`: adding to `article` on SQLite would be a
batch rebuild that drops 0007's `articlemark` triggers, and the facts are derived data with
their own version keys (`extractor`, `source_key`; see `evidence.extract.stored`). Stores
upgraded to this revision have no rows yet: the report computes missing facts on the fly until
`evidence tag` stores them. Idempotent like 0003/0004/0007: a table already present is left
alone.

Revision ID: 0008_facts
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_facts"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if "articlefacts" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "articlefacts",
        sa.Column("pmid", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("extractor", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=True),
        sa.Column("computed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("pmid"),
    )


def downgrade() -> None:
    op.drop_table("articlefacts")
