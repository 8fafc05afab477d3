"""The workspace's door and its JSON API, against a real `evidence serve` process: nothing
without the token, no change from another site, the token in no log and no store, and the
decisions the API records are the rows `evidence review decide` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from web_helpers import CANDIDATES, open_cycle, serve

pytestmark = pytest.mark.usefixtures("db_url")
FIRST = CANDIDATES[0][0]


@pytest.fixture
def served(engine, fake_eutils, db_url, tmp_path):  # type: ignore[no-untyped-def]
    open_cycle(engine, fake_eutils)
    with serve(db_url, tmp_path, "--reviewer", "alice") as s:
        yield s


def _api(served, path: str, **kw):  # type: ignore[no-untyped-def]
    headers = {"X-Evidence-Token": served.token, **kw.pop("headers", {})}
    return requests.get(served.base + path, headers=headers, timeout=10, **kw)


def _post(served, path: str, body, headers=None, token=True):  # type: ignore[no-untyped-def]
    h = {"Content-Type": "application/json", **({"X-Evidence-Token": served.token} if token else {})}
    h.update(headers or {})
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return requests.post(served.base + path, data=data, headers=h, timeout=10, allow_redirects=False)


def _decisions(cli) -> dict[str, tuple[str | None, str | None, str | None]]:  # type: ignore[no-untyped-def]
    result = cli("review", "candidates", "gene-pad", "--json")
    assert result.exit_code == 0, result.stderr
    return {c["pmid"]: (c["decision"], c["reason"], c["note"]) for c in json.loads(result.stdout)["candidates"]}


@pytest.mark.parametrize(
    "path", ["/", "/policies/gene-pad", "/policies/gene-pad/screen", "/api/policies",
             "/api/policies/gene-pad/candidates", f"/api/policies/gene-pad/candidates/{FIRST}",
             "/static/screen.js", "/static/workspace.css", "/nowhere"],
)  # fmt: skip
def test_every_request_without_the_token_gets_403(served, path):
    assert requests.get(served.base + path, timeout=10).status_code == 403
    wrong = {"X-Evidence-Token": "x" * len(served.token)}
    assert requests.get(served.base + path, headers=wrong, timeout=10).status_code == 403
    assert requests.get(f"{served.base}{path}?token=nope", timeout=10).status_code == 403


def test_the_printed_url_sets_a_strict_cookie_and_drops_the_token(served):
    assert served.url.startswith("http://127.0.0.1:")  # loopback by default
    first = requests.get(served.url, allow_redirects=False, timeout=10)
    assert first.status_code == 303 and first.headers["location"] == "/"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    session = requests.Session()
    page = session.get(served.url, timeout=10)  # follows the redirect with the cookie
    assert page.status_code == 200 and "gene-pad" in page.text
    assert session.get(served.base + "/static/screen.js", timeout=10).status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"


def test_api_lists_policies_and_candidates(served):
    policies = _api(served, "/api/policies").json()
    assert [(p["id"], p["open_cycle"], p["candidates"], p["candidates_left"]) for p in policies] == [
        ("gene-pad", 1, 5, 5)
    ]
    view = _api(served, "/api/policies/gene-pad/candidates").json()
    assert view["cycle"] == 1 and view["total"] == 5
    first = view["candidates"][0]
    assert first["pmid"] == FIRST and first["authors"][0] == "Okafor CN" and first["abstract"]
    page = _api(served, "/api/policies/gene-pad/candidates", params={"design": "rct", "limit": "1"}).json()
    assert [c["pmid"] for c in page["candidates"]] == [CANDIDATES[1][0]]
    words = _api(served, "/api/policies/gene-pad/candidates", params={"q": "Revascularised META", "detail": "0"})
    lean = words.json()["candidates"]
    assert [c["pmid"] for c in lean] == [FIRST] and "abstract" not in lean[0] and lean[0]["first_author"] == "Okafor CN"


def test_one_candidate_has_its_abstract_with_the_policys_terms_marked(served):
    path = f"/api/policies/gene-pad/candidates/{CANDIDATES[1][0]}"
    one = _api(served, path).json()
    listed = _api(served, "/api/policies/gene-pad/candidates", params={"pmid": CANDIDATES[1][0]}).json()
    same = {k: v for k, v in listed["candidates"][0].items() if k not in ("rank", "position")}
    assert {k: one[k] for k in same} == same  # the list's row, every key
    assert one["authors"] == ["Okafor CN", "Lindqvist E", "Tanaka H"] and one["first_author"] == "Okafor CN"
    pieces = one["highlight"]["abstract"]
    assert "".join(text for text, _ in pieces) == one["abstract"]
    marked = {kind: {t.lower() for t, k in pieces if k == kind} for kind in ("intervention", "condition")}
    assert "stem cells" in marked["intervention"] and "critical limb ischemia" in marked["condition"]
    assert "".join(text for text, _ in one["highlight"]["title"]) == one["title"]
    _post(served, "/api/policies/gene-pad/decisions", {"pmid": CANDIDATES[1][0], "decision": "maybe", "note": "dose?"})
    after = _api(served, path).json()
    assert (after["my_decision"], after["my_note"], after["status"]) == ("maybe", "dose?", "decided")
    missing = _api(served, "/api/policies/gene-pad/candidates/90009999")
    assert missing.status_code == 404 and "not a candidate" in missing.json()["error"]


def test_decisions_through_the_api_are_the_cli_rows(served, cli):
    path = "/api/policies/gene-pad/decisions"
    ok = _post(served, path, {"pmid": FIRST, "decision": "include", "note": "large trial"})
    assert ok.status_code == 200, ok.text
    assert (ok.json()["pmid"], ok.json()["decision"]) == (FIRST, "include")
    two = CANDIDATES[1][0]
    assert _post(served, path, {"pmid": two, "decision": "exclude", "reason": "wrong-population"}).ok
    assert _post(served, path, {"pmid": CANDIDATES[2][0], "decision": "maybe"}).ok
    decided = _decisions(cli)
    assert decided[FIRST] == ("include", None, "large trial")
    assert decided[two] == ("exclude", "wrong-population", None)
    assert decided[CANDIDATES[2][0]][0] == "maybe"
    undone = _post(served, "/api/policies/gene-pad/undo", {})
    assert undone.ok and undone.json()["pmid"] == CANDIDATES[2][0]
    assert _decisions(cli)[CANDIDATES[2][0]] == (None, None, None)
    left = _api(served, "/api/policies").json()[0]["candidates_left"]
    assert left == 3


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"pmid": FIRST, "decision": "exclude"}, 400, "needs a reason"),
        ({"pmid": FIRST, "decision": "exclude", "reason": "9"}, 400, "unknown exclusion reason"),
        ({"pmid": FIRST, "decision": "perhaps"}, 400, "unknown decision"),
        ({"pmid": "90009999", "decision": "include"}, 404, "not a candidate"),
        ({"decision": "include"}, 400, "needs"),
        ("not json", 400, "not JSON"),
        ([1, 2], 400, "JSON object"),
    ],
)
def test_bad_decisions_say_why(served, body, status, message):
    answer = _post(served, "/api/policies/gene-pad/decisions", body)
    assert answer.status_code == status and message in answer.json()["error"]


def test_unknown_policy_is_404_on_pages_and_api(served):
    assert _api(served, "/api/policies/nope/candidates").status_code == 404
    page = _api(served, "/policies/nope/screen")
    assert page.status_code == 404 and "no policy" in page.text


def test_changes_need_the_header_json_and_our_origin(served, cli):
    path = "/api/policies/gene-pad/decisions"
    body = {"pmid": FIRST, "decision": "include"}
    cookie = {"Cookie": f"evidence_token_{served.base.rsplit(':', 1)[1]}={served.token}"}
    form = "pmid=" + FIRST + "&decision=include"
    refused = [
        _post(served, path, body, headers=cookie, token=False),  # the cookie alone
        _post(served, path, form, headers={"Content-Type": "application/x-www-form-urlencoded"}),
        _post(served, path, json.dumps(body), headers={"Content-Type": "text/plain"}),
        _post(served, path, body, headers={"Origin": "http://evil.example"}),
        _post(served, path, body, headers={"Origin": "null"}),
        _post(served, path, body, headers={"Sec-Fetch-Site": "cross-site"}),
        _post(served, path, body, headers={"Host": "evil.example"}),  # DNS rebinding
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)
    assert _decisions(cli)[FIRST][0] is None
    same = {"Origin": served.base, "Sec-Fetch-Site": "same-origin"}
    assert _post(served, path, body, headers=same).status_code == 200


def test_the_token_is_in_no_log_and_not_in_the_store(served, db_url, tmp_path):
    requests.get(served.url, timeout=10)
    _post(served, "/api/policies/gene-pad/decisions", {"pmid": FIRST, "decision": "include"})
    _post(served, "/api/policies/gene-pad/decisions", {"pmid": "x", "decision": "bad"})
    served.process.terminate()
    served.process.wait(timeout=15)
    assert served.token not in served.log.read_text()
    if db_url.startswith("sqlite:///"):
        db = Path(db_url.removeprefix("sqlite:///"))
        for f in db.parent.glob(db.name + "*"):
            assert served.token.encode() not in f.read_bytes(), f


def test_serve_refuses_a_port_in_use(cli, tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = cli("serve", "--port", str(busy.getsockname()[1]))
    assert result.exit_code == 1 and "cannot listen on 127.0.0.1" in result.stderr


def test_help_does_not_import_the_web_stack():
    import subprocess
    import sys

    code = (
        "import sys\nfrom evidence.cli import app\ntry:\n    app(['--help'], prog_name='evidence')\n"
        "except SystemExit:\n    pass\nprint(sorted({'starlette', 'jinja2', 'uvicorn'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_ctrl_c_stops_the_server_cleanly(served):
    import signal

    assert _api(served, "/api/policies").ok  # serving
    served.process.send_signal(signal.SIGINT)
    assert served.process.wait(timeout=20) == 0
    assert served.log.read_text().strip().endswith("Stopped.")
