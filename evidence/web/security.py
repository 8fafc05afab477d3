"""The workspace's door: nothing is served without the access token, and nothing changes
unless the request could only have come from the workspace's own pages.

- Reading: the token as `?token=` (the URL `evidence serve` prints), the cookie that URL sets,
  or an `X-Evidence-Token` header. A `?token=` URL is answered with a redirect to the same
  page without it, so the token leaves the address bar and the browser's history.
- Changing (any method but GET/HEAD/OPTIONS): the token in the `X-Evidence-Token` header (a
  cookie alone is not enough, since a browser sends cookies with cross-site posts), a JSON body
  (`application/json`, which an HTML form cannot send), and, when the browser says where the
  request comes from (`Origin`, `Sec-Fetch-Site`), our own origin.
- Every request: the `Host` header must name this server (a DNS-rebinding page cannot), and
  every answer carries a strict Content-Security-Policy, no referrer, no caching.

The token is compared in constant time and never logged (uvicorn's access log is off).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEADER = "x-evidence-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
     b"connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
    (b"cross-origin-resource-policy", b"same-origin"),
]  # fmt: skip


def new_token() -> str:
    return secrets.token_urlsafe(32)


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers a browser sends to this server: the loopback names, and `host` itself
    when it listens elsewhere. An empty set (listening on every interface) checks nothing."""
    if host in ("0.0.0.0", "::", ""):
        return frozenset()
    names = {*LOOPBACK, f"[{host}]" if ":" in host else host}
    return frozenset(f"{name}:{port}" for name in names)


def cookie_name(port: int) -> str:
    """Cookies ignore ports: two workspaces on one machine each keep their own."""
    return f"evidence_token_{port}"


class TokenGuard:
    """ASGI middleware in front of the whole app (pages, API and static files)."""

    def __init__(self, app: ASGIApp, token: str, hosts: Iterable[str] = (), port: int = 0) -> None:
        self.app = app
        self.token = token.encode()
        self.hosts = frozenset(hosts)
        self.port = port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets
            return
        headers = _headers(scope)
        port = self.port or (scope.get("server") or ("", 0))[1]
        if self.hosts and headers.get("host", "") not in self.hosts:
            await _refuse(scope, send, "unknown host")
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        from_query = query.get("token")
        supplied = headers.get(HEADER) or _cookie(headers, cookie_name(port)) or from_query
        if not supplied or not self._matches(supplied):
            await _refuse(scope, send, "this workspace needs its access token: open the URL "
                          "that 'evidence serve' printed")  # fmt: skip
            return
        if scope["method"] not in SAFE_METHODS:
            problem = self._unsafe_problem(headers, port)
            if problem:
                await _refuse(scope, send, problem)
                return
        elif from_query and scope["method"] == "GET" and not scope["path"].startswith("/api/"):
            await _redirect_without_token(scope, send, query, cookie_name(port), from_query)
            return
        await self.app(scope, receive, _with_headers(send))

    def _matches(self, supplied: str) -> bool:
        return secrets.compare_digest(supplied.encode(), self.token)

    def _unsafe_problem(self, headers: dict[str, str], port: int) -> str | None:
        """Why a state-changing request is refused, or None."""
        if not self._matches(headers.get(HEADER, "")):
            return "changes need the X-Evidence-Token header"
        if headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return "changes need a JSON body (Content-Type: application/json)"
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return "cross-site requests cannot change anything"
        origin = headers.get("origin")
        if origin is not None and origin.split("://", 1)[-1] != headers.get("host"):
            return "cross-site requests cannot change anything"
        return None


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return wrapped


async def _respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode()), *SECURITY_HEADERS]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


async def _refuse(scope: Scope, send: Send, why: str) -> None:
    if scope["path"].startswith("/api/"):
        body, kind = json.dumps({"error": why}).encode(), b"application/json"
    else:
        body, kind = f"403 Forbidden: {why}.\n".encode(), b"text/plain; charset=utf-8"
    await _respond(send, 403, [(b"content-type", kind)], body)


async def _redirect_without_token(
    scope: Scope, send: Send, query: dict[str, str], name: str, token: str
) -> None:
    rest = urlencode({k: v for k, v in query.items() if k != "token"})
    location = scope["path"] + (f"?{rest}" if rest else "")
    cookie = f"{name}={token}; HttpOnly; SameSite=Strict; Path=/"
    await _respond(send, 303, [(b"location", location.encode()), (b"set-cookie", cookie.encode())], b"")
