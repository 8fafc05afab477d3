"""Reference: what kind of work it is and the fields books, reports and web pages carry; the
list's subheading and printed number; the matcher's candidates when it is unsure. Policy: its
number, original effective date and next review date (issue #11).

Existing references were all read as journal articles, so `kind` defaults to "article".
Idempotent like 0003: columns already present are left alone.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _s() -> sa.types.TypeEngine:
    return sqlmodel.sql.sqltypes.AutoString()


COLUMNS = {
    "reference": {
        "kind": lambda: sa.Column("kind", _s(), nullable=False, server_default="article"),
        "journal_abbrev": lambda: sa.Column("journal_abbrev", _s(), nullable=True),
        "publisher": lambda: sa.Column("publisher", _s(), nullable=True),
        "place": lambda: sa.Column("place", _s(), nullable=True),
        "edition": lambda: sa.Column("edition", _s(), nullable=True),
        "url": lambda: sa.Column("url", sa.Text(), nullable=True),
        "pmcid": lambda: sa.Column("pmcid", _s(), nullable=True),
        "group": lambda: sa.Column("group", _s(), nullable=True),
        "printed_number": lambda: sa.Column("printed_number", _s(), nullable=True),
        "match_candidates": lambda: sa.Column("match_candidates", sa.JSON(), nullable=False, server_default="[]"),
    },
    "policy": {
        "policy_number": lambda: sa.Column("policy_number", _s(), nullable=True),
        "original_effective": lambda: sa.Column("original_effective", sa.Date(), nullable=True),
        "next_review": lambda: sa.Column("next_review", sa.Date(), nullable=True),
    },
}


def _existing(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(op.get_bind()).get_columns(table)}


def upgrade() -> None:
    for table, columns in COLUMNS.items():
        missing = [name for name in columns if name not in _existing(table)]
        if missing:
            with op.batch_alter_table(table, schema=None) as batch_op:
                for name in missing:
                    batch_op.add_column(columns[name]())


def downgrade() -> None:
    for table, columns in COLUMNS.items():
        present = [name for name in columns if name in _existing(table)]
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name in reversed(present):
                batch_op.drop_column(name)
