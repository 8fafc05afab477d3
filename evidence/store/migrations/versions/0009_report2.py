"""Report (issue #16): an index on `article(pmid, fetched_at)`, so "when was PubMed last asked"
(the newest `fetched_at` among a policy's records) reads a narrow index instead of each
~26 KB `article` row: `fetched_at` is the row's last column, behind `raw_xml`, and reaching it
walked every overflow page of the record (a sixth of a 10,000-reference report's time).

An index only: `article` is not rebuilt, so 0007's `articlemark` triggers stay. Idempotent
like 0007/0008: an index already present is left alone.

Revision ID: 0009_report2
Revises: 0008_watch
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_report2"
down_revision: str | None = "0008_watch"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_article_pmid_fetched_at"


def _present() -> bool:
    return INDEX in {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("article")}


def upgrade() -> None:
    if not _present():
        op.create_index(INDEX, "article", ["pmid", "fetched_at"])


def downgrade() -> None:
    if _present():
        op.drop_index(INDEX, table_name="article")
