"""A stand-in for ClinicalTrials.gov API v2: a real HTTP server on 127.0.0.1, in a thread.

Faithful to the recorded answers in ../shared/corpora/ctgov-real/ and CTGOV_FACTS.md:
`GET /api/v2/studies` (query.cond, query.intr, query.term, filter.ids, filter.overallStatus,
fields, pageSize (default 10, max 1000), pageToken, countTotal, format=json) answers
`{"studies": [...], "totalCount"?, "nextPageToken"?}` in compact UTF-8 JSON, with totalCount on
the first page only and no nextPageToken key at all on the last page; `fields=` projects each
study onto the requested pieces (a requested module with no value comes back as `{}`).
`GET /api/v2/studies/{nct}` answers the bare study (case-insensitive, leading zeros optional),
301 for an alias and 404 for an unknown id. Mistakes are 400 with a plain-text body worded like
the real ones. Faults on demand: 429 (no Retry-After), 500, slow, reset.
"""

from __future__ import annotations

import base64
import copy
import json
import re
import socket
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

FAULT_KINDS = ("429", "500", "slow", "reset")
MODULE_ORDER = (
    "identificationModule", "statusModule", "sponsorCollaboratorsModule", "oversightModule",
    "descriptionModule", "conditionsModule", "designModule", "armsInterventionsModule",
    "outcomesModule", "eligibilityModule", "contactsLocationsModule", "referencesModule",
    "ipdSharingStatementModule",
)  # fmt: skip
#: piece name -> path in the study (CTGOV_FACTS §2; piece names are PascalCase)
PIECES: dict[str, tuple[str, ...]] = {
    "NCTId": ("protocolSection", "identificationModule", "nctId"),
    "BriefTitle": ("protocolSection", "identificationModule", "briefTitle"),
    "OfficialTitle": ("protocolSection", "identificationModule", "officialTitle"),
    "Acronym": ("protocolSection", "identificationModule", "acronym"),
    "OverallStatus": ("protocolSection", "statusModule", "overallStatus"),
    "LastKnownStatus": ("protocolSection", "statusModule", "lastKnownStatus"),
    "WhyStopped": ("protocolSection", "statusModule", "whyStopped"),
    "StartDate": ("protocolSection", "statusModule", "startDateStruct", "date"),
    "StartDateType": ("protocolSection", "statusModule", "startDateStruct", "type"),
    "PrimaryCompletionDate": ("protocolSection", "statusModule", "primaryCompletionDateStruct", "date"),
    "PrimaryCompletionDateType": ("protocolSection", "statusModule", "primaryCompletionDateStruct", "type"),
    "CompletionDate": ("protocolSection", "statusModule", "completionDateStruct", "date"),
    "CompletionDateType": ("protocolSection", "statusModule", "completionDateStruct", "type"),
    "ResultsFirstPostDate": ("protocolSection", "statusModule", "resultsFirstPostDateStruct", "date"),
    "LastUpdatePostDate": ("protocolSection", "statusModule", "lastUpdatePostDateStruct", "date"),
    "LeadSponsorName": ("protocolSection", "sponsorCollaboratorsModule", "leadSponsor", "name"),
    "BriefSummary": ("protocolSection", "descriptionModule", "briefSummary"),
    "Condition": ("protocolSection", "conditionsModule", "conditions"),
    "Keyword": ("protocolSection", "conditionsModule", "keywords"),
    "StudyType": ("protocolSection", "designModule", "studyType"),
    "Phase": ("protocolSection", "designModule", "phases"),
    "DesignAllocation": ("protocolSection", "designModule", "designInfo", "allocation"),
    "EnrollmentCount": ("protocolSection", "designModule", "enrollmentInfo", "count"),
    "EnrollmentType": ("protocolSection", "designModule", "enrollmentInfo", "type"),
    "InterventionName": ("protocolSection", "armsInterventionsModule", "interventions", "name"),
    "InterventionOtherName": ("protocolSection", "armsInterventionsModule", "interventions", "otherNames"),
    "EligibilityCriteria": ("protocolSection", "eligibilityModule", "eligibilityCriteria"),
    "MinimumAge": ("protocolSection", "eligibilityModule", "minimumAge"),
    "MaximumAge": ("protocolSection", "eligibilityModule", "maximumAge"),
    "Sex": ("protocolSection", "eligibilityModule", "sex"),
    "HasResults": ("hasResults",),
}  # fmt: skip
PARAMS = {"query.cond", "query.intr", "query.term", "query.titles", "filter.ids",
          "filter.overallStatus", "fields", "pageSize", "pageToken", "countTotal", "format",
          "markupFormat", "sort"}  # fmt: skip
QUERY_TERM_PARSE_ERROR = (
    "Error parsing query in Other terms: mismatched input '[' expecting {<EOF>, '(', ',', 'NOT', "
    "'AND', 'OR', 'SEARCH', 'AREA', 'RANGE', 'DISTANCE', Coverage, Expansion, 'TILT', 'ALL', "
    "'MISSING', 'MIN', 'MAX', EscapedKeyword, BooleanLiteral, DecimalLiteral, DateLiteral, "
    "TimeLiteral, RadiusLiteral, StringLiteral, Term}"
)
NCT_PATH = re.compile(r"^[Nn][Cc][Tt]0*([1-9]\d{0,7})$")
TOKEN_PREFIX = "ZVt07cGHkvI2wRk2CJf6"  # tokens of one session share a long prefix (§4)


def study(
    nct: str,
    title: str = "A synthetic trial",
    status: str = "RECRUITING",
    *,
    phases: list[str] | None = None,
    conditions: list[str] | None = None,
    interventions: list[str] | None = None,
    enrollment: int | None = 100,
    enrollment_type: str | None = "ESTIMATED",
    primary_completion: str | None = "2027-06",
    primary_completion_type: str | None = "ESTIMATED",
    results_posted: str | None = None,
    sponsor: str = "Synthetic University",
    last_update: str = "2026-01-15",
    summary: str = "",
    allocation: str | None = "RANDOMIZED",
) -> dict[str, Any]:
    """A synthetic full v2 study record, keys in the API's order (§6)."""
    status_module: dict[str, Any] = {"overallStatus": status}
    if primary_completion:
        status_module["primaryCompletionDateStruct"] = {"date": primary_completion}
        if primary_completion_type:
            status_module["primaryCompletionDateStruct"]["type"] = primary_completion_type
    if results_posted:
        status_module["resultsFirstPostDateStruct"] = {"date": results_posted, "type": "ACTUAL"}
    status_module["lastUpdatePostDateStruct"] = {"date": last_update, "type": "ACTUAL"}
    design: dict[str, Any] = {"studyType": "INTERVENTIONAL"}
    if phases:
        design["phases"] = phases
    if allocation:
        design["designInfo"] = {"allocation": allocation}
    if enrollment is not None:
        design["enrollmentInfo"] = {"count": enrollment}
        if enrollment_type:
            design["enrollmentInfo"]["type"] = enrollment_type
    protocol = {
        "identificationModule": {"nctId": nct, "briefTitle": title},
        "statusModule": status_module,
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": sponsor, "class": "OTHER"}},
        "descriptionModule": {"briefSummary": summary or title},
        "conditionsModule": {"conditions": conditions or ["Synthetic limb disease"]},
        "designModule": design,
        "armsInterventionsModule": {
            "interventions": [{"type": "BIOLOGICAL", "name": n} for n in interventions or []]
        },
    }
    return {"protocolSection": protocol, "hasResults": bool(results_posted)}


def _nct_of(s: dict[str, Any]) -> str:
    return str(s["protocolSection"]["identificationModule"]["nctId"]).upper()


def _project(s: dict[str, Any], pieces: list[str]) -> dict[str, Any]:
    """The study reduced to the requested pieces, in the record's own key order."""
    paths = [PIECES[p] for p in pieces]
    out: dict[str, Any] = {}
    protocol_modules = {p[1] for p in paths if p[0] == "protocolSection"}
    if protocol_modules:
        ps = s.get("protocolSection", {})
        proj: dict[str, Any] = {}
        for module in MODULE_ORDER:
            if module in protocol_modules:
                subpaths = [p[2:] for p in paths if p[0] == "protocolSection" and p[1] == module]
                proj[module] = _keep(ps.get(module, {}), subpaths)
        out["protocolSection"] = proj
    if ("hasResults",) in paths and "hasResults" in s:
        out["hasResults"] = s["hasResults"]
    return out


def _keep(node: Any, subpaths: list[tuple[str, ...]]) -> Any:
    if isinstance(node, list):
        kept = [_keep(x, subpaths) for x in node]
        return [k for k in kept if k not in ({}, None)]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        below = [p[1:] for p in subpaths if p and p[0] == key]
        if not below:
            continue
        if any(len(p) == 0 for p in below):
            out[key] = copy.deepcopy(value)
        else:
            kept = _keep(value, below)
            if kept not in ({}, [], None):
                out[key] = kept
    return out


def _text_of(s: dict[str, Any], area: str) -> str:
    ps = s.get("protocolSection", {})
    cond = " ".join(ps.get("conditionsModule", {}).get("conditions", []))
    intr = " ".join(
        f"{i.get('name', '')} {' '.join(i.get('otherNames', []))}"
        for i in ps.get("armsInterventionsModule", {}).get("interventions", [])
    )
    ident = ps.get("identificationModule", {})
    titles = f"{ident.get('briefTitle', '')} {ident.get('officialTitle', '')}"
    if area == "cond":  # ConditionSearch: conditions, keywords and the titles
        return f"{cond} {' '.join(ps.get('conditionsModule', {}).get('keywords', []))} {titles}"
    if area == "intr":
        return intr
    return " ".join(
        [ident.get("briefTitle", ""), ident.get("officialTitle", ""), cond, intr,
         ps.get("descriptionModule", {}).get("briefSummary", ""),
         " ".join(ps.get("conditionsModule", {}).get("keywords", []))]
    )  # fmt: skip


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _matches(expr: str, text: str) -> bool:
    """A small Essie subset: OR / AND between phrases ("quoted" or bare words, all present)."""
    hay = " " + " ".join(_words(text)) + " "
    for alternative in re.split(r"\s+OR\s+", expr.strip("() ")):
        parts = re.split(r"\s+AND\s+", alternative.strip("() "))
        if all(" " + " ".join(_words(p)) + " " in hay or all(
            f" {w} " in hay for w in _words(p)
        ) for p in parts if _words(p)):  # fmt: skip
            return True
    return False


class BadRequest(Exception):
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeCtgov


class FakeCtgov:
    """The stand-in. `url` is like EVIDENCE_CTGOV_URL: http://127.0.0.1:PORT/api/v2."""

    def __init__(self, *, slow_seconds: float = 1.5, rate_limit: int | None = None) -> None:
        self.studies: dict[str, dict[str, Any]] = {}
        self.aliases: dict[str, str] = {}
        self.other_host_url = ""  # when set, aliases redirect there (another server) instead
        self.requests: list[dict[str, Any]] = []
        self.slow_seconds = slow_seconds
        self.rate_limit = rate_limit  # requests per second before a 429, None = no limit
        self.unknown_pieces: set[str] = set()  # pieces to refuse, as if the API did not know them
        self._arrivals: deque[float] = deque()
        self._fail_next: deque[str] = deque()
        self._lock = threading.Lock()
        self._httpd: _Server | None = None

    def start(self) -> FakeCtgov:
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self
        threading.Thread(target=self._httpd.serve_forever, name="fake-ctgov", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeCtgov:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/api/v2"

    # ------------------------------------------------------------ data and faults

    def add(self, *records: dict[str, Any]) -> None:
        with self._lock:
            for r in records:
                self.studies[_nct_of(r)] = r

    def alias(self, old: str, new: str) -> None:
        self.aliases[old.upper()] = new.upper()

    def fail_next(self, n: int, kind: str) -> None:
        assert kind in FAULT_KINDS, kind
        self._fail_next.extend([kind] * n)

    def count(self, path: str | None = None, status: int | None = None) -> int:
        return sum(
            1
            for r in self.requests
            if (path is None or r["path"] == path) and (status is None or r["status"] == status)
        )

    # ------------------------------------------------------------ answers

    def search(self, params: dict[str, str]) -> dict[str, Any]:
        unknown = sorted(set(params) - PARAMS)
        if unknown:
            raise BadRequest(f"`{unknown[0]}` is unknown parameter")
        if params.get("format", "json") != "json":
            raise BadRequest(f"Invalid value in parameter `format`: `{params['format']}`")
        term = params.get("query.term")
        if term and "[" in term and not term.lstrip("( ").upper().startswith("AREA["):
            raise BadRequest(QUERY_TERM_PARSE_ERROR)
        pieces = self._pieces(params)
        try:
            size = int(params.get("pageSize", "10"))
        except ValueError:
            raise BadRequest(
                f"Invalid value in parameter `pageSize`: `{params['pageSize']}`"
            ) from None
        if not 0 <= size <= 1000:
            raise BadRequest(f"Invalid value in parameter `pageSize`: `{size}`")
        hits = self._filter(params)
        offset = self._offset(params)
        page = hits[offset : offset + size]
        out: dict[str, Any] = {"studies": [_project(s, pieces) if pieces else s for s in page]}
        if params.get("countTotal") == "true" and offset == 0:
            out["totalCount"] = len(hits)
        if offset + size < len(hits):
            out["nextPageToken"] = self._token(offset + size)
        return out

    def one(self, nct_path: str, params: dict[str, str]) -> tuple[int, Any, str | None]:
        m = NCT_PATH.match(nct_path)
        if not m:
            raise BadRequest(f"Invalid NCT ID: `{nct_path}`")
        nct = f"NCT{int(m.group(1)):08d}"
        if nct in self.aliases:
            return 301, None, self.aliases[nct]
        s = self.studies.get(nct)
        if s is None:
            return 404, None, None
        pieces = self._pieces(params)
        return 200, _project(s, pieces) if pieces else s, None

    def _pieces(self, params: dict[str, str]) -> list[str]:
        raw = params.get("fields", "")
        pieces = [p.strip() for p in re.split(r"[|,]", raw) if p.strip()]
        for p in pieces:
            if p not in PIECES or p in self.unknown_pieces:
                raise BadRequest(f"Parameter 'fields' contains invalid field name: '{p}'")
        return pieces

    def _filter(self, params: dict[str, str]) -> list[dict[str, Any]]:
        with self._lock:
            hits = list(self.studies.values())
        ids = [i.strip().upper() for i in params.get("filter.ids", "").split(",") if i.strip()]
        if ids:
            bad = [i for i in ids if not NCT_PATH.match(i) or i not in self.studies]
            if bad:
                raise BadRequest(f"Invalid value in parameter `filter.ids`: `{bad[0]}`")
            hits = [h for h in hits if _nct_of(h) in ids]
        statuses = [s for s in re.split(r"[|,]", params.get("filter.overallStatus", "")) if s]
        if statuses:
            hits = [h for h in hits
                    if h["protocolSection"]["statusModule"].get("overallStatus") in statuses]  # fmt: skip
        for key, area in (("query.cond", "cond"), ("query.intr", "intr"), ("query.term", "term")):
            if params.get(key):
                hits = [h for h in hits if _matches(params[key], _text_of(h, area))]
        return hits

    def _token(self, offset: int) -> str:
        return TOKEN_PREFIX + base64.urlsafe_b64encode(f"o{offset}".encode()).decode().rstrip("=")

    def _offset(self, params: dict[str, str]) -> int:
        token = params.get("pageToken")
        if not token:
            return 0
        try:
            raw = token.removeprefix(TOKEN_PREFIX)
            return int(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()[1:])
        except (ValueError, UnicodeDecodeError):
            raise BadRequest(f"Invalid value in parameter `pageToken`: `{token}`") from None

    def _admit(self) -> bool:
        if self.rate_limit is None:
            return True
        now = time.monotonic()
        with self._lock:
            self._arrivals.append(now)
            while self._arrivals and self._arrivals[0] <= now - 1.0:
                self._arrivals.popleft()
            return len(self._arrivals) <= self.rate_limit


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        entry = {"path": parts.path, "params": params, "status": 0, "time": time.monotonic()}
        with fake._lock:
            fake.requests.append(entry)
            fault = fake._fail_next.popleft() if fake._fail_next else None
        if fault is None and not fake._admit():
            fault = "429"
        if fault == "reset":
            entry["status"] = -1
            self._reset()
            return
        if fault in ("429", "500"):
            entry["status"] = int(fault)
            text = "Too Many Requests" if fault == "429" else "Internal Server Error"
            self._send(int(fault), text.encode(), "text/plain")
            return
        if fault == "slow":
            time.sleep(fake.slow_seconds)
        status, body, ctype, location = self._answer(fake, parts.path, params)
        entry["status"] = status
        self._send(status, body, ctype, location)

    def _answer(
        self, fake: FakeCtgov, path: str, params: dict[str, str]
    ) -> tuple[int, bytes, str, str | None]:
        try:
            if path.rstrip("/") == "/api/v2/studies":
                return 200, _json(fake.search(params)), "application/json", None
            if path.startswith("/api/v2/studies/"):
                status, data, moved = fake.one(path.rsplit("/", 1)[-1], params)
                if status == 301:
                    query = urlsplit(self.path).query
                    home = fake.other_host_url.rstrip("/")
                    loc = f"{home}/api/v2/studies/{moved}" + (f"?{query}" if query else "")
                    return 301, b"", "text/plain", loc
                if status == 404:
                    return 404, b"", "text/plain", None
                return 200, _json(data), "application/json", None
        except BadRequest as exc:
            return 400, str(exc).encode(), "text/plain", None
        return 404, b"", "text/plain", None

    def _send(self, status: int, body: bytes, ctype: str, location: str | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            if location:
                self.send_header("Location", location)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _reset(self) -> None:
        try:
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _json(data: Any) -> bytes:
    """Compact, raw UTF-8: how the live API sends it (§6)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
