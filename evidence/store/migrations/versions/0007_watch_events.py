"""Watch (issue #14): each policy's review interval, the watch runs, the changes they saw
(one row per change, kept unique by a fingerprint) and each policy's new-evidence count; and
`articlemark`, each stored record's retraction / concern / erratum marks.

`articlemark` is kept by triggers on `article` (insert, update, delete), so every writer
(resolve, review, watch, a bulk load) keeps it right without knowing of it, and `evidence
status` reads three booleans instead of the wide article rows (their JSON columns sit behind
the abstract and author list, in SQLite's overflow pages: reading them for 30,000 records
took seconds). The marks match the quoted values `evidence.flags.article` knows in the JSON
text. Note for later migrations: a SQLite batch rebuild of `article` drops its triggers;
re-create them (`create_mark_triggers`) after one.

Idempotent like 0003/0004: a table, column or trigger already present is left alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from evidence.store.marks import mark_sql, trigger_statements

revision: str = "0007"
down_revision: str | None = "0006"
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


def _articlemark() -> None:
    op.create_table(
        "articlemark",
        sa.Column("pmid", _s(20), nullable=False),
        sa.Column("retracted", sa.Boolean(), nullable=False),
        sa.Column("concern", sa.Boolean(), nullable=False),
        sa.Column("erratum", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("pmid"),
    )


def create_mark_triggers() -> None:
    for statement in trigger_statements(op.get_bind().dialect.name):
        op.execute(statement)


def _drop_mark_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS article_marks ON article")
        op.execute("DROP FUNCTION IF EXISTS evidence_article_marks()")
        return
    for name in ("article_marks_insert", "article_marks_update", "article_marks_delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _backfill_marks() -> None:
    text = "CAST({} AS TEXT)" if op.get_bind().dialect.name == "postgresql" else "{}"
    marks = mark_sql("article", text)
    op.execute("DELETE FROM articlemark")
    op.execute("INSERT INTO articlemark (pmid, retracted, concern, erratum) SELECT pmid, "
               f"{marks['retracted']}, {marks['concern']}, {marks['erratum']} FROM article")  # fmt: skip


def upgrade() -> None:
    if "review_every" not in _columns("policy"):
        with op.batch_alter_table("policy", schema=None) as batch_op:
            batch_op.add_column(sa.Column("review_every", _s(), nullable=True))
    present = _tables()
    for name, create in (("watchrun", _watchrun), ("watchevent", _watchevent),
                         ("policywatch", _policywatch), ("articlemark", _articlemark)):  # fmt: skip
        if name not in present:
            create()
    create_mark_triggers()
    _backfill_marks()


def downgrade() -> None:
    _drop_mark_triggers()
    present = _tables()
    for name in ("articlemark", "policywatch", "watchevent", "watchrun"):
        if name in present:
            op.drop_table(name)
    if "review_every" in _columns("policy"):
        with op.batch_alter_table("policy", schema=None) as batch_op:
            batch_op.drop_column("review_every")
