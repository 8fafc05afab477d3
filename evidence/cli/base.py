"""What every command module shares: the app factory with the one error handler, the
settings the root callback built, and the `--json` option."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from typer.core import TyperGroup

from evidence import console
from evidence.errors import EvidenceError

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]


class _Group(TyperGroup):
    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except EvidenceError as exc:
            console.error(str(exc))
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            console.error("interrupted; what was saved before stays saved.")
            raise typer.Exit(130) from None
        except Exception as exc:
            # typer/click signal exits and usage errors with exceptions: let them through.
            if type(exc).__module__.split(".")[0] in ("typer", "click"):
                raise
            if os.environ.get("EVIDENCE_DEBUG"):  # a bug: one line, traceback on request
                raise
            console.error(
                f"unexpected {type(exc).__name__}: {exc} (set EVIDENCE_DEBUG=1 for the traceback)"
            )
            raise typer.Exit(1) from None


def new_app(help: str | None = None) -> typer.Typer:
    return typer.Typer(
        cls=_Group,
        help=help,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,
    )


def settings(ctx: typer.Context):  # type: ignore[no-untyped-def]
    """The Settings built by the root callback (commands receive ctx)."""
    return ctx.find_root().obj


def open_engine(ctx: typer.Context):  # type: ignore[no-untyped-def]
    """Open the store the user pointed at (--db / EVIDENCE_DB)."""
    from evidence.store import open_store

    return open_store(settings(ctx).db_url)
