"""The workspace's routes. Each reads the request, calls one function of `evidence.web.backend`
(which calls the services), and renders a template or JSON. No SQL here.

Pages: `/` (every policy), `/policies/<id>` (the evidence report), `/policies/<id>/screen`
(screening). API: `/api/policies`, `/api/policies/<id>/candidates`,
`/api/policies/<id>/candidates/<pmid>` (one record with its abstract and marked terms),
`POST /api/policies/<id>/decisions`, `POST /api/policies/<id>/resolutions` (the third decision
on a conflict), `POST /api/policies/<id>/undo`.
"""

from __future__ import annotations

import functools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from evidence.errors import EvidenceError, InputError, NotFound
from evidence.web import backend
from evidence.web.security import HEADER, TokenGuard

MAX_BODY = 64 * 1024  # a decision is a few hundred bytes


@dataclass(frozen=True)
class Workspace:
    """What every route needs: the store, who is screening, and the token the pages send back."""

    engine: Engine
    reviewer: str | None
    token: str


def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def dumps(data: Any) -> str:
    return json.dumps(data, default=_json_default, ensure_ascii=False)


def script_json(data: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no "</script>" can close it."""
    text = dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 (escaped above)


class JSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("evidence.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["script_json"] = script_json
    return env


def create_app(
    engine: Engine,
    token: str,
    reviewer: str | None = None,
    hosts: frozenset[str] = frozenset(),
    port: int = 0,
) -> TokenGuard:
    """The ASGI app, wrapped in the token guard (see evidence.web.security)."""
    ws = Workspace(engine=engine, reviewer=reviewer, token=token)
    env = _templates()

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(
            request=request, reviewer=ws.reviewer, token=ws.token, header=HEADER, **context
        )
        return HTMLResponse(html, status_code=status)

    # Sync endpoints run in Starlette's thread pool, so a slow query never blocks the server;
    # the POST handlers read their body first, then do the same.
    @timed
    def home(request: Request) -> Response:
        return page(request, "home.html", policies=backend.policies(ws.engine))

    @timed
    def report(request: Request) -> Response:
        pid = request.path_params["policy"]
        html = backend.report_html(ws.engine, pid)
        bar = env.get_template("report_bar.html").render(policy=pid, reviewer=ws.reviewer)
        html = html.replace("</head>", '<link rel="stylesheet" href="/static/workspace.css"></head>', 1)
        html = html.replace("<body>", f'<body class="report">{bar}<div class="report-body">', 1)
        return HTMLResponse(html.replace("</body>", "</div></body>", 1))

    @timed
    def screen(request: Request) -> Response:
        pid = request.path_params["policy"]
        view = backend.screen_view(ws.engine, pid, reviewer=ws.reviewer)
        return page(request, "screen.html", view=view, policy=pid)

    @timed
    def api_policies(request: Request) -> Response:
        return JSON(backend.policies(ws.engine))

    @timed
    def api_candidates(request: Request) -> Response:
        pid = request.path_params["policy"]
        params = request.query_params
        detail = params.get("detail", "1") not in ("0", "false", "no")
        view = backend.candidates(ws.engine, pid, reviewer=ws.reviewer, detail=detail)
        if params.get("q", "").strip():
            hits = set(backend.search(ws.engine, pid, params["q"]))
            view = {**view, "candidates": [r for r in view["candidates"] if r["pmid"] in hits]}
        return JSON(_filter(view, params))

    @timed
    def api_candidate(request: Request) -> Response:
        pid, pmid = request.path_params["policy"], request.path_params["pmid"]
        return JSON(backend.candidate(ws.engine, pid, pmid, reviewer=ws.reviewer))

    @timed
    def decide(request: Request, body: dict[str, Any], resolve: bool = False) -> Response:
        pmid, decision = body.get("pmid"), body.get("decision")
        if not isinstance(pmid, str) or not isinstance(decision, str):
            raise InputError('a decision needs "pmid" and "decision" (include, exclude or maybe)')
        result = backend.decide(
            ws.engine, request.path_params["policy"], pmid, decision, reason=_text(body, "reason"),
            note=_text(body, "note"), reviewer=ws.reviewer, resolve=resolve,
        )  # fmt: skip
        return JSON(result)

    @timed
    def undo(request: Request, body: dict[str, Any]) -> Response:
        return JSON(backend.undo(ws.engine, request.path_params["policy"], reviewer=ws.reviewer))

    async def api_decide(request: Request) -> Response:
        return await run_in_threadpool(decide, request, await _json_body(request))

    async def api_resolve(request: Request) -> Response:
        return await run_in_threadpool(decide, request, await _json_body(request), True)

    async def api_undo(request: Request) -> Response:
        return await run_in_threadpool(undo, request, await _json_body(request))

    routes = [
        Route("/", home),
        Route("/policies/{policy}", report),
        Route("/policies/{policy}/screen", screen),
        Route("/api/policies", api_policies),
        Route("/api/policies/{policy}/candidates", api_candidates),
        Route("/api/policies/{policy}/candidates/{pmid}", api_candidate),
        Route("/api/policies/{policy}/decisions", api_decide, methods=["POST"]),
        Route("/api/policies/{policy}/resolutions", api_resolve, methods=["POST"]),
        Route("/api/policies/{policy}/undo", api_undo, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("evidence.web", "static")]), name="static"),
    ]

    async def on_error(request: Request, exc: Exception) -> Response:
        status = _status(exc)
        message = str(exc) if isinstance(exc, EvidenceError) else getattr(exc, "detail", "error")
        if request.url.path.startswith("/api/"):
            return JSON({"error": message}, status_code=status)
        return page(request, "error.html", status=status, status_code=status, message=message)

    app = Starlette(
        routes=routes,
        exception_handlers={EvidenceError: on_error, HTTPException: on_error},
    )
    return TokenGuard(app, token, hosts=hosts, port=port)


def timed(func: Callable[..., Response]) -> Callable[..., Response]:
    """Say in a Server-Timing header how long the server worked on the answer (wall and
    CPU time of the handler's thread), so a slow page shows in the browser's devtools and
    `make bench` can tell the server's time from a busy machine's."""

    @functools.wraps(func)
    def wrapper(*args: Any) -> Response:
        wall, cpu = time.perf_counter(), time.thread_time()
        response = func(*args)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        response.headers["server-timing"] = f"app;dur={wall * 1000:.1f}, cpu;dur={cpu * 1000:.1f}"
        return response

    return wrapper


def _status(exc: Exception) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, EvidenceError):
        return 400 if isinstance(exc, InputError) else 409
    return getattr(exc, "status_code", 500)


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InputError("the request body is too large")
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise InputError("the request body is not JSON") from None
    if not isinstance(body, dict):
        raise InputError("the request body must be a JSON object")
    return body


def _text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InputError(f'"{key}" must be a string')
    return value


def _filter(view: dict[str, Any], params: Any) -> dict[str, Any]:
    """?pmid=, ?decision=, ?design=, ?year= narrow the list (and ?q=, words in the title,
    abstract, journal or authors, before it is called); ?limit= and ?offset= page it;
    ?detail=0 leaves out abstracts and author lists."""
    rows = view["candidates"]
    if params.get("pmid"):
        rows = [r for r in rows if r["pmid"] == params["pmid"]]
    if params.get("decision"):
        rows = [r for r in rows if backend.decision_state(r) == params["decision"]]
    if params.get("design"):
        rows = [r for r in rows if (r.get("design") or "unknown") == params["design"]]
    if params.get("year"):
        rows = [r for r in rows if str(r.get("year") or "") == params["year"]]
    total = len(rows)
    try:
        offset = max(int(params.get("offset") or 0), 0)
        limit = int(params["limit"]) if params.get("limit") else None
    except ValueError:
        raise InputError("limit and offset must be whole numbers") from None
    rows = rows[offset : offset + limit if limit is not None else None]
    return {**view, "total": total, "offset": offset, "candidates": rows}
