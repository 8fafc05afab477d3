"""What every command module shares: the app factory with the one error handler, the
settings the root callback built, and the `--json` option."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from typer.core import TyperGroup

from evidence import console
from evidence.errors import EvidenceError

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]
ForceFlag = Annotated[bool, typer.Option("--force", help="Replace a read-only output file.")]
OutputOption = Annotated[
    Optional[str], typer.Option("--output", "-o", help="Write to FILE (- for standard output).")
]

# The policy is a positional argument wherever it is the subject; `--policy` stays an alias
# where a command had it before, and `--all` says "every policy" out loud.
PolicyArgument = Annotated[
    Optional[str], typer.Argument(metavar="POLICY", help="Policy id.", show_default=False)
]
PolicyOption = Annotated[Optional[str], typer.Option("--policy", help="Same as POLICY.")]
AllFlag = Annotated[bool, typer.Option("--all", help="Every policy.")]


_DECIMAL = re.compile(r"-?[0-9]+")  # ASCII digits: what int() and pydantic read alike


def _plain_strings() -> None:
    """Let a `str`, `bool` or `int` parameter's value through typer without pydantic.

    typer (0.2x) coerces every parameter's value through a pydantic TypeAdapter built on first
    use (`--help` and `--db` included); importing pydantic for it costs 60-90 ms at every
    start (issue #16), to hand back the `str` or `bool` that click already parsed, or the int
    a decimal string spells (`review diff --from 1`). Such a value of a plain `str`, `bool` or
    `int` parameter (an int without min/max) passes through as the adapter would return it;
    any other value (`--from x`, `--from 1.0`), and every other type, goes to typer's own
    coercion and its own messages. Without these typer internals (another typer) nothing
    changes."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
        from typer.core import _TyperParameter
    except ImportError:  # pragma: no cover - a typer without this machinery
        return
    original = _TyperParameter.get_runtime_param
    if getattr(original, "plain_strings", False):
        return

    @dataclass(frozen=True)
    class _Plain(RuntimeParam):  # type: ignore[misc]
        descriptor: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if type(value) is self.annotation:
                return value
            if self.annotation is int and type(value) is str and _DECIMAL.fullmatch(value):
                return int(value)
            return build_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)

    def get_runtime_param(self: Any) -> Any:
        try:  # internals of one typer line: if their shape changes, typer's own path runs
            d = self.type_descriptor
            info = d.parameter_info
            if (self._runtime_param is None and d.annotation in (str, bool, int) and d.file_annotation is None
                    and getattr(info, "parser", None) is None
                    and (d.annotation is not int or (getattr(info, "min", None) is None
                                                     and getattr(info, "max", None) is None))):  # fmt: skip
                self._runtime_param = _Plain(parameter_info=info, annotation=d.annotation,
                                             descriptor=d)  # fmt: skip
        except (AttributeError, TypeError):  # pragma: no cover - another typer
            pass
        return original(self)

    get_runtime_param.plain_strings = True  # type: ignore[attr-defined]
    _TyperParameter.get_runtime_param = get_runtime_param  # type: ignore[method-assign]


_plain_strings()


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


class PolicyGroup(_Group):
    """A command group that also acts on a policy itself: `evidence tag POLICY` beside
    `evidence tag list POLICY`. A first word that names no subcommand and is no option is
    the policy, read as `--policy WORD`."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            args = ["--policy", args[0], *args[1:]]
        return super().parse_args(ctx, args)


def new_app(help: str | None = None, cls: type[TyperGroup] = _Group) -> typer.Typer:
    return typer.Typer(
        cls=cls,
        help=help,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
        rich_markup_mode=None,
    )


def settings(ctx: typer.Context):  # type: ignore[no-untyped-def]
    """The Settings built by the root callback (commands receive ctx)."""
    return ctx.find_root().obj


# Commands that only read the store: they skip the whole-file quick_check that guards writes.
READ_ONLY_COMMANDS = frozenset(
    {"policy list", "policy show", "report", "export", "status", "tag list", "tag explain",
     "review list", "review candidates", "review diff", "review conflicts", "article show"}
)


def open_engine(ctx: typer.Context):  # type: ignore[no-untyped-def]
    """Open the store the user pointed at (--db / EVIDENCE_DB).

    A command that will write checks the store's pages first (a damaged store is refused
    before anything is written into it)."""
    from evidence.store import open_store

    command = " ".join(ctx.command_path.split()[1:])
    return open_store(settings(ctx).db_url, check=command not in READ_ONLY_COMMANDS)


def read_store(ctx: typer.Context) -> str:
    """The store a read command reads, as its URL: the services open it with the lean reader
    (evidence.store.read), which makes the same checks as `open_engine` without the ORM."""
    return settings(ctx).db_url


def chosen_policy(
    positional: str | None, option: str | None, every: bool = False, required: bool = False
) -> str | None:
    """The one policy a command was given as POLICY or --policy; None means every policy.

    Giving two different ones, or one and --all, is a usage error (exit 2); so is giving none
    to a command that needs one."""
    if positional and option and positional != option:
        raise typer.BadParameter(f"two policies given ({positional!r} and {option!r}); give one")
    policy = positional or option
    if policy and every:
        raise typer.BadParameter("give a policy or --all, not both")
    if required and not policy:
        raise typer.BadParameter("missing: give the policy id", param_hint="POLICY")
    return policy


def output_format(fmt: str | None, output: str | None, suffixes: dict[str, str], default: str) -> str:
    """The format a command writes: --format (any case), else the -o file's suffix, else
    `default` (for standard output). An -o suffix that names no format is an error, never a
    silent default: `-o refs.xml` must not write RIS."""
    if fmt:
        return fmt.strip().lower()
    if not output or output == "-":
        return default
    suffix = Path(output).suffix.lower()
    if suffix not in suffixes:
        known = ", ".join(sorted(suffixes))
        raise typer.BadParameter(
            f"cannot tell the format from {output!r}; give --format (file suffixes: {known})",
            param_hint="--format",
        )
    return suffixes[suffix]


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 reference', '2 references' ('1 policy', '3 policies' with many='policies')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
