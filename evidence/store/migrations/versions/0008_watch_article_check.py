"""Watch (issue #14): `articlecheck`, when the watch last compared each stored record with
PubMed's and a digest of the record then, so an unchanged record costs one narrow row write
instead of a rewrite of the wide `article` row. A new table: `article` (and the `articlemark`
triggers 0007 put on it) is not touched.

Idempotent like 0007: a table already present is left alone.

Revision ID: 0008_watch
Revises: 0008_facts
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008_watch"
down_revision: str | None = "0008_facts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if "articlecheck" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "articlecheck",
        sa.Column("pmid", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("checked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("pmid"),
    )


def downgrade() -> None:
    if "articlecheck" in sa.inspect(op.get_bind()).get_table_names():
        op.drop_table("articlecheck")
