"""`evidence serve`: the screening workspace in the browser, on the same store."""

from __future__ import annotations

import getpass
import os
import socket
import sys
from typing import Annotated, Optional

import typer

from evidence import console
from evidence.cli.base import open_engine, settings

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def reviewer_name(explicit: str | None, settings: object = None) -> str:
    """--reviewer, else EVIDENCE_REVIEWER (the settings' reviewer, where they have one), else
    the OS user."""
    name = (explicit or "").strip() or getattr(settings, "reviewer", None) or os.environ.get("EVIDENCE_REVIEWER")
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry (containers)
            name = "reviewer"
    return name.strip() or "reviewer"


def _bind(host: str, port: int) -> socket.socket:
    from evidence.errors import InputError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it: without it every answer on a kept-alive connection
    # waited 40 ms for the client's delayed ACK (Nagle), longer than the work itself
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}",
                         hint="pick another --port, or --port 0 for any free one") from None  # fmt: skip
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def _tune_gc() -> None:
    """A screen page of 2,000 candidates makes ~200,000 small objects that reference counting
    frees; with the default threshold (700 allocations) the cyclic collector rescans them and
    every module loaded at start-up dozens of times per page, half its time (bench/web_bench.py).
    Start-up objects are frozen out of the scans and young collections are made rarer."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def _run(engine, sock: socket.socket, host: str, reviewer: str) -> None:  # type: ignore[no-untyped-def]
    import uvicorn

    from evidence.web.app import create_app
    from evidence.web.security import allowed_hosts, new_token

    port = sock.getsockname()[1]
    token = new_token()
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else f"[{host}]" if ":" in host else host
    app = create_app(engine, token, reviewer=reviewer, hosts=allowed_hosts(host, port), port=port)
    sys.stdout.write(f"http://{shown}:{port}/?token={token}\n")
    sys.stdout.flush()
    if host not in LOOPBACK_NAMES:
        console.warn(f"listening on {host}: anyone who can reach this machine and has the URL "
                     "can read and screen")  # fmt: skip
    console.say(f"Serving the workspace as reviewer {reviewer!r}; Ctrl-C stops it.")
    _tune_gc()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off",
                            server_header=False, date_header=False)  # fmt: skip
    uvicorn.Server(config).run(sockets=[sock])


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Interface to listen on (loopback unless you say so).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port (0: any free port).")] = 8765,
    reviewer: Annotated[
        Optional[str],
        typer.Option("--reviewer", help="Record decisions as NAME [env: EVIDENCE_REVIEWER; default: OS user]."),
    ] = None,
) -> None:
    """Open the screening workspace in your browser: every policy, its report, and the open
    cycle's candidates to screen with one key each.

    Prints the URL to open (it carries the access token) as the first line, then serves
    until Ctrl-C. Example: evidence serve --reviewer alice
    """
    engine = open_engine(ctx)
    who = reviewer_name(reviewer, settings(ctx))
    sock = _bind(host, port)
    try:
        _run(engine, sock, host, who)
    except KeyboardInterrupt:  # Ctrl-C is the normal way out (uvicorn re-raises it after shutting down)
        pass
    finally:
        sock.close()
        engine.dispose()
    console.say("Stopped.")
