"""The SQL of `articlemark`'s triggers on `article` (revision 0007), in one place.

Migration 0007 runs these statements through Alembic; a blank store created at head
(`upgrade.create_at_head`) runs the same statements without importing Alembic. Keeping one
source is what makes both stores identical (tests/test_store_create.py compares them). A
later change to the marks needs a new migration that re-creates the triggers.
"""

from __future__ import annotations

MARKS = {
    "retracted": ('"Retracted Publication"', '"Retraction of Publication"', '"RetractionIn"',
                  '"RetractionOf"'),
    "concern": ('"Expression of Concern"', '"ExpressionOfConcernIn"'),
    "erratum": ('"Published Erratum"', '"ErratumIn"'),
}  # fmt: skip


def mark_sql(row: str, text: str) -> dict[str, str]:
    """column -> SQL testing `row`'s JSON text for the column's marks."""
    out = {}
    for column, values in MARKS.items():
        tests = [f"{text.format(f'{row}.{c}')} LIKE '%{v}%'"
                 for c in ("publication_types", "comments_corrections") for v in values]  # fmt: skip
        out[column] = "(" + " OR ".join(tests) + ")"
    return out


def trigger_statements(dialect: str) -> list[str]:
    """The statements that (re-)create the triggers keeping `articlemark` right."""
    if dialect == "postgresql":
        marks = mark_sql("NEW", "CAST({} AS TEXT)")
        return [
            "CREATE OR REPLACE FUNCTION evidence_article_marks() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP = 'DELETE' THEN DELETE FROM articlemark WHERE pmid = OLD.pmid; RETURN OLD; "
            "END IF; INSERT INTO articlemark (pmid, retracted, concern, erratum) VALUES "
            f"(NEW.pmid, {marks['retracted']}, {marks['concern']}, {marks['erratum']}) "
            "ON CONFLICT (pmid) DO UPDATE SET retracted = EXCLUDED.retracted, "
            "concern = EXCLUDED.concern, erratum = EXCLUDED.erratum; RETURN NEW; END $$ "
            "LANGUAGE plpgsql",
            "DROP TRIGGER IF EXISTS article_marks ON article",
            "CREATE TRIGGER article_marks AFTER INSERT OR UPDATE OR DELETE ON article "
            "FOR EACH ROW EXECUTE FUNCTION evidence_article_marks()",
        ]
    marks = mark_sql("NEW", "{}")
    # not INSERT OR REPLACE: an outer statement's conflict clause (the store's upserts)
    # overrides the one inside a trigger
    upsert = ("DELETE FROM articlemark WHERE pmid = NEW.pmid; "
              "INSERT INTO articlemark (pmid, retracted, concern, erratum) VALUES "
              f"(NEW.pmid, {marks['retracted']}, {marks['concern']}, {marks['erratum']});")  # fmt: skip
    out = [f"CREATE TRIGGER IF NOT EXISTS {name} {when} BEGIN {upsert} END"
           for name, when in (("article_marks_insert", "AFTER INSERT ON article"),
                              ("article_marks_update", "AFTER UPDATE ON article"))]  # fmt: skip
    out.append("CREATE TRIGGER IF NOT EXISTS article_marks_delete AFTER DELETE ON article "
               "BEGIN DELETE FROM articlemark WHERE pmid = OLD.pmid; END")  # fmt: skip
    return out
