"""Everything the terminal sees. stdout is data; stderr is conversation.

`emit_json` is the one path for `--json`; `say`/`warn` write to stderr; `progress` turns a
service's `(done, total)` callback into a rich progress bar (shown only on a terminal).
The rich consoles `out` and `err` are made on first use: a command that prints only JSON or
plain text never imports rich (issue #16).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    out: Console
    err: Console


@cache
def _console(name: str) -> Console:
    from rich.console import Console

    if name == "err":
        return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    console = Console(highlight=False, soft_wrap=True, emoji=False)
    if not console.is_terminal:  # piped into a file or a pager: don't squeeze tables into 80 columns
        console.width = 140
    return console


def __getattr__(name: str) -> Any:
    if name in ("out", "err"):
        return _console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

ProgressCallback = Callable[[int, int], None]

# Rich strips only BEL, BS, VT, FF and CR from text: ESC (and so every ANSI sequence: clear
# screen, retitle the window, fake a prompt) would reach the terminal raw. Values come from
# policy files, --title options and NCBI records; show their control characters, never obey them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")


def printable(text: str) -> str:
    """`text` with each control character but tab and line ends shown as a visible escape."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def emit_json(data: Any) -> None:
    """Print `data` as JSON on stdout (dates and other objects via str)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def emit_text(text: str) -> None:
    text = printable(text)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def _plain_stderr() -> bool:
    """True when stderr is a pipe or file and colour is not forced: rich would write the
    text unchanged there, so a plain write does the same without importing rich (#16)."""
    isatty = getattr(sys.stderr, "isatty", None)
    return not (isatty and isatty()) and not os.environ.get("FORCE_COLOR")


def _to_stderr(message: str, style: str | None = None) -> None:
    if _plain_stderr():
        sys.stderr.write(message + "\n")
        sys.stderr.flush()
    else:
        _console("err").print(message, style=style, markup=False)


def say(message: str) -> None:
    _to_stderr(printable(message))


def warn(message: str) -> None:
    _to_stderr(f"Warning: {printable(message)}", "yellow")


class _WarningLines(logging.Handler):
    """The library's warnings (the `evidence` logger) as the CLI's own warning lines."""

    def emit(self, record: logging.LogRecord) -> None:
        warn(record.getMessage())


def route_library_warnings() -> None:
    logger = logging.getLogger("evidence")
    if not any(isinstance(h, _WarningLines) for h in logger.handlers):
        logger.addHandler(_WarningLines(logging.WARNING))
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def error(message: str) -> None:
    _to_stderr(f"Error: {printable(message)}", "red")


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    """A rich table on stdout; cells are shown as plain text, never as markup."""
    from rich.table import Table

    t = Table(*columns, title=title, show_lines=False, header_style="bold")
    for row in rows:
        t.add_row(*("" if v is None else printable(str(v)) for v in row))
    _console("out").print(t, markup=False)


@contextmanager
def progress(description: str) -> Iterator[ProgressCallback]:
    """Yield a `(done, total)` callback drawing a progress bar on stderr (if it is a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_console("err"),
        transient=True,
        disable=not _console("err").is_terminal,
    )
    task = bar.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield update
