"""`evidence db ...`: the store's schema version, and upgrading it.

Every command already upgrades the store it opens; `db upgrade` does it on its own (before a
team's first run on a new version, say) and `db status` only looks.
"""

from __future__ import annotations

import typer

from evidence import console
from evidence.cli.base import JsonFlag, new_app, settings

app = new_app("The store's schema: status and upgrade.")


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
