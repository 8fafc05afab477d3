"""Candidate: the design tag when the candidate was stored (design, level) and the screening stage.

Review cycles (issue #6) order screening by design and freeze each cycle's record, so the
candidate keeps a snapshot of its design rather than reading a tag that may change later.
Existing candidates were all screened at title/abstract stage. Idempotent (columns already
present, e.g. in a store built from a regenerated 0001, are left alone).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    "design": lambda: sa.Column("design", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    "level": lambda: sa.Column("level", sa.Integer(), nullable=True),
    "stage": lambda: sa.Column(
        "stage",
        sqlmodel.sql.sqltypes.AutoString(),
        nullable=False,
        server_default="title-abstract",
    ),
}


def _existing() -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns("candidate")}


def upgrade() -> None:
    missing = [name for name in COLUMNS if name not in _existing()]
    if not missing:
        return
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        for name in missing:
            batch_op.add_column(COLUMNS[name]())


def downgrade() -> None:
    present = [name for name in COLUMNS if name in _existing()]
    with op.batch_alter_table("candidate", schema=None) as batch_op:
        for name in reversed(present):
            batch_op.drop_column(name)
