"""One citation flag per (reference, kind).

Re-running `evidence resolve` (after a crash, or by two processes at once) must upsert a flag,
not add a second copy; the upsert needs a unique key. Stores written before this revision
may already hold duplicates: keep the oldest row of each (reference, kind), then add the key.

Idempotent (`if_not_exists`) so it also passes over a store whose 0001 was regenerated from
models that already carry the index (see evidence.store.autogen).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ux_citationflag_reference_kind"


def upgrade() -> None:
    op.execute(
        "DELETE FROM citationflag WHERE id NOT IN "
        "(SELECT keep FROM (SELECT MIN(id) AS keep FROM citationflag "
        "GROUP BY reference_id, kind) AS oldest)"
    )
    op.create_index(
        INDEX, "citationflag", ["reference_id", "kind"], unique=True, if_not_exists=True
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="citationflag", if_exists=True)
