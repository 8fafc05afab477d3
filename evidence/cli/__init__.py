"""The `evidence` command line: a thin layer over `evidence.services`.

Each command parses its arguments, calls one service, and hands the result to `console`.
Services are imported inside command bodies so `evidence --help` stays fast. The one place
that turns exceptions into exit codes is `_Group.invoke`: `EvidenceError` -> its one-line
message and `exit_code` (1 user error, 3 partial); usage errors stay click's exit 2.
"""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from evidence.cli.base import new_app

app = new_app("Check, tag and review the literature behind health-plan medical policies.")


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"evidence {version('evidence')}")
        raise typer.Exit()


@app.callback()
def _root(
    ctx: typer.Context,
    db: Annotated[
        Optional[str],
        typer.Option(
            "--db", help="Store path or SQLAlchemy URL [env: EVIDENCE_DB; default db/evidence.sqlite]"
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    from evidence import console
    from evidence.config import load_settings

    console.route_library_warnings()
    ctx.obj = load_settings(db=db)


def _register() -> None:
    from evidence.cli import (
        article,
        db,
        export,
        policy,
        report,
        resolve,
        review,
        serve,
        status,
        tag,
        trials,
        watch,
    )

    app.add_typer(policy.app, name="policy")
    app.command("resolve")(resolve.resolve)
    app.add_typer(article.app, name="article")
    app.add_typer(tag.app, name="tag")
    app.command("trials")(trials.trials)
    app.command("report")(report.report)
    app.add_typer(review.app, name="review")
    app.command("export")(export.export)
    app.add_typer(db.app, name="db")
    app.command("serve")(serve.serve)
    app.command("status")(status.status)
    app.add_typer(watch.app, name="watch")


_register()


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
