"""Developer tool: write migrations from the models, and check that they agree.

    python -m evidence.store.autogen initial          # rewrite versions/0001_initial.py
    python -m evidence.store.autogen revision "msg"   # add versions/000N_msg.py (models vs head)
    python -m evidence.store.autogen check            # exit 1 if models and migrations differ

(`make migration`, `make migration-initial`, `make migration-check`.) Every command works on a
throwaway SQLite file, so it never touches a user's store. Always read and test what
autogenerate wrote: it cannot see renames and it writes no data migrations.

`initial` is for the pre-release period only, while no user holds a store made by an earlier
0001: it renders the whole current schema as 0001. Later revisions stay and must therefore be
idempotent (0002 creates its index `if_not_exists`), so a store built by the new 0001 passes
through them unchanged.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from evidence.store.upgrade import MIGRATIONS, alembic_config, head_revision, upgrade_to_head

VERSIONS = MIGRATIONS / "versions"


def schema_drift(conn: Connection) -> list[Any]:
    """Differences between the store behind `conn` and the models ([] when they agree)."""
    import evidence.store.models  # noqa: F401

    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    return compare_metadata(ctx, SQLModel.metadata)


def _scratch_engine(folder: Path):  # type: ignore[no-untyped-def]
    from evidence.store.engine import make_engine

    return make_engine(f"sqlite:///{folder / 'scratch.sqlite'}")


def write_initial() -> Path:
    """Render the models as a fresh versions/0001_initial.py (pre-release only)."""
    with tempfile.TemporaryDirectory() as tmp:
        scripts = Path(tmp) / "migrations"
        skip = shutil.ignore_patterns("versions", "__pycache__")
        shutil.copytree(MIGRATIONS, scripts, ignore=skip)
        (scripts / "versions").mkdir()
        engine = _scratch_engine(Path(tmp))
        with engine.begin() as conn:
            cfg = alembic_config(conn)
            cfg.set_main_option("script_location", str(scripts))
            command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
        engine.dispose()
        (written,) = (scripts / "versions").glob("0001_*.py")
        target = VERSIONS / "0001_initial.py"
        target.write_text(written.read_text().replace("initial schema", "Initial schema", 1))
    return _format(target)


def write_revision(message: str) -> Path | None:
    """Autogenerate the next revision: what the models have that head does not."""
    number = f"{int(head_revision()[:4]) + 1:04d}"
    with tempfile.TemporaryDirectory() as tmp:
        engine = _scratch_engine(Path(tmp))
        upgrade_to_head(engine)
        with engine.begin() as conn:
            if not schema_drift(conn):
                engine.dispose()
                return None
            cfg = alembic_config(conn)
            command.revision(cfg, message=message, autogenerate=True, rev_id=number)
        engine.dispose()
    return _format(next(VERSIONS.glob(f"{number}_*.py")))


def _format(path: Path) -> Path:
    """Tidy what autogenerate wrote (ruff is a dev dependency; skip quietly without it)."""
    text = path.read_text()
    path.write_text("\n".join(line.rstrip() for line in text.splitlines()) + "\n")
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(path)], check=False)
    return path


def check() -> list[Any]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = _scratch_engine(Path(tmp))
        upgrade_to_head(engine)
        with engine.connect() as conn:
            drift = schema_drift(conn)
        engine.dispose()
    return drift


def main(argv: list[str]) -> int:
    usage = "usage: python -m evidence.store.autogen initial | revision MESSAGE | check"
    if not argv:
        print(usage, file=sys.stderr)
        return 2
    if argv[0] == "initial":
        print(f"wrote {write_initial()}; read it, then run the tests", file=sys.stderr)
        return 0
    if argv[0] == "revision" and len(argv) == 2:
        path = write_revision(argv[1])
        print(f"wrote {path}; read it" if path else "models and migrations agree", file=sys.stderr)
        return 0
    if argv[0] == "check":
        drift = check()
        for diff in drift:
            print(f"drift: {diff}", file=sys.stderr)
        verdict = "run `make migration`" if drift else "models and migrations agree"
        print(verdict, file=sys.stderr)
        return 1 if drift else 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
