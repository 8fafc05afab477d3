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

from evidence.cli.base import _Group, new_app

# name -> (module in evidence.cli, its Typer group or command function), in `--help` order
COMMANDS = {
    # commands first, then the groups (typer's own order for the root's --help)
    "resolve": ("resolve", "resolve"), "trials": ("trials", "trials"), "report": ("report", "report"),
    "export": ("export", "export"), "serve": ("serve", "serve"), "status": ("status", "status"),
    "policy": ("policy", "app"), "article": ("article", "app"), "tag": ("tag", "app"),
    "review": ("review", "app"), "db": ("db", "app"), "watch": ("watch", "app"),
}  # fmt: skip


def _load(name: str):  # type: ignore[no-untyped-def]
    """The click command for `evidence NAME`, built from its module on first use."""
    import importlib

    module, attr = COMMANDS[name]
    target = getattr(importlib.import_module(f"evidence.cli.{module}"), attr)
    if isinstance(target, typer.Typer):  # a group, even of one command (`article show`)
        command = typer.main.get_group(target)
    else:  # a command function: a one-command app without a callback is that command
        single = new_app()
        single.command(name)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class _Commands(dict):  # type: ignore[type-arg]
    """The root's subcommands, each imported and built when first asked for by name.

    Running one command imports its module only: importing and building all twelve (every
    parameter of every command) was a fifth of a read command's start-up (issue #16).
    Listing them (`--help`, iterating) loads them all, in COMMANDS order."""

    def get(self, name, default=None):  # type: ignore[no-untyped-def]
        if name in COMMANDS and not dict.__contains__(self, name):
            self[name] = _load(name)
        return dict.get(self, name, default)

    def _all(self) -> None:
        for name in COMMANDS:
            self.get(name)

    def __getitem__(self, name):  # type: ignore[no-untyped-def]
        self.get(name)
        return dict.__getitem__(self, name)

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or dict.__contains__(self, name)

    def __iter__(self):  # type: ignore[no-untyped-def]
        self._all()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._all()
        return dict.__len__(self)

    def keys(self):  # type: ignore[no-untyped-def]
        self._all()
        return dict.keys(self)

    def values(self):  # type: ignore[no-untyped-def]
        self._all()
        return dict.values(self)

    def items(self):  # type: ignore[no-untyped-def]
        self._all()
        return dict.items(self)


class _Root(_Group):
    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)


app = new_app("Check, tag and review the literature behind health-plan medical policies.", cls=_Root)


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


def main() -> None:
    app(prog_name="evidence")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
