"""`evidence db ...`: the store's schema version, upgrading it, checking and backing it up.

Every command already upgrades the store it opens; `db upgrade` does it on its own (before a
team's first run on a new version, say) and `db status` only looks. `db check` reads every
page; `db backup FILE` copies a live SQLite store consistently.
"""

from __future__ import annotations

from typing import Annotated

import typer

from evidence import console
from evidence.cli.base import ForceFlag, JsonFlag, new_app, settings

app = new_app("The store: schema status and upgrade, integrity check, backup.")


@app.command("status")
def status(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Show the store's schema revision and the one this evidence writes."""
    from evidence.services.db import store_status

    info = store_status(settings(ctx).db_url)
    if json:
        console.emit_json(info)
        return
    console.table(
        ["store", "dialect", "revision", "code's revision", "state"],
        [[info["url"], info["dialect"], info["current"] or "-", info["head"], info["state"]]],
    )
    if info["pending"]:
        console.say(f"Pending migrations: {', '.join(info['pending'])}.")


@app.command("upgrade")
def upgrade(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Create the store, or migrate it to this evidence's schema (nothing is lost)."""
    from evidence.services.db import upgrade_store

    result = upgrade_store(settings(ctx).db_url)
    if json:
        console.emit_json(result)
    elif not result["changed"]:
        console.say(f"The store is up to date (schema {result['after']}).")
    elif result["before"] is None:
        console.say(f"Store at schema {result['after']}.")
    else:
        console.say(f"Upgraded the store from schema {result['before']} to {result['after']}.")


@app.command("check")
def check(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Check every page of the store and its links between rows; exit 1 if anything is wrong.

    Example: evidence db check
    """
    from evidence.services.db import check_store

    result = check_store(settings(ctx).db_url)
    if json:
        console.emit_json(result)
    elif result["ok"]:
        console.say(f"The store at {result['store']} is healthy (schema {result['revision']}).")
    for problem in result["problems"]:
        console.error(f"{result['store']}: {problem}")
    if not result["ok"]:
        raise typer.Exit(1)


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(metavar="FILE", help="Where to write the copy.")],
    force: ForceFlag = False,
) -> None:
    """Copy the SQLite store to FILE while others may be using it (SQLite's online backup).

    For PostgreSQL it says how to use pg_dump instead.

    Example: evidence db backup backups/evidence-2026-12-01.sqlite
    """
    from evidence.services.db import backup_store

    path = backup_store(settings(ctx).db_url, file, force=force)
    console.say(f"Backed up the store to {path}.")
