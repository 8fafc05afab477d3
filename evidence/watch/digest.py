"""The digest a watch writes: what changed since the previous watch, grouped by policy, most
serious first, each with its PubMed link; then what could not be checked.

Input is `WatchResult.to_dict()` (plain data: the events carry their label, severity and URL).
Formats: text (for a terminal or a cron mail), md, html (one self-contained page), json.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

FORMATS = ("text", "md", "html", "json")


def render_digest(data: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    return {"text": _text, "md": _markdown, "html": _html}[fmt](data)


def headline(data: dict[str, Any]) -> str:
    n, groups = len(data["events"]), data["by_policy"]
    if not n:
        said = "No change found in what could be checked" if data["partial"] else "Nothing changed"
    else:
        said = (f"{n} change{'s' if n != 1 else ''} in {len(groups)} "
                f"polic{'ies' if len(groups) != 1 else 'y'}")  # fmt: skip
    checked = f"{data['checked']} of {data['to_check']} records re-checked"
    searched = f"{data['searched']} of {len(data['policies'])} policies searched for new evidence"
    return f"{said} since the previous watch ({checked}; {searched})."


def event_line(e: dict[str, Any]) -> str:
    """"ref 3, PMID 90000002: retracted: RetractionIn PMID 90000099 (...)"."""
    where = ", ".join(x for x in (f"ref {e['reference']}" if e["reference"] else "",
                                  f"PMID {e['pmid']}" if e["pmid"] else "") if x)  # fmt: skip
    line = f"{where + ': ' if where else ''}{e['label']}"
    if e.get("new_value"):
        line += f": {e['new_value']}"
    if e.get("old_value") and e["kind"] in ("publication-type", "new-evidence"):
        line += f" (was {e['old_value']})"
    if e["kind"] == "publication-type" and e.get("design"):
        line += f"; design now {e['design']}"
    return line


def not_checked_lines(data: dict[str, Any]) -> list[str]:
    lines = []
    if data.get("unreachable"):
        lines.append(f"NCBI could not be reached: {data['unreachable']}")
    if data["not_checked"]:
        shown = ", ".join(data["not_checked"][:20])
        more = len(data["not_checked"]) - 20
        lines.append(f"Not re-checked: {len(data['not_checked'])} records "
                     f"(PMID {shown}{f' and {more} more' if more > 0 else ''}).")  # fmt: skip
    if data["not_searched"]:
        lines.append("Not searched for new evidence: " + ", ".join(data["not_searched"]) + ".")
    return lines


def _text(data: dict[str, Any]) -> str:
    lines = [headline(data)]
    for group in data["by_policy"]:
        lines += ["", f"{group['title']} [{group['id']}]"]
        for e in group["events"]:
            lines.append(f"  #{e['id']} {event_line(e)}")
            if e["url"]:
                lines.append(f"      {e['url']}")
    extra = not_checked_lines(data)
    if extra:
        lines += [""] + extra
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return "".join("\\" + c if c in "\\`*_[]<>|#" else c for c in str(text))


def _markdown(data: dict[str, Any]) -> str:
    lines = ["# Watch digest", "", _md_escape(headline(data)), ""]
    for group in data["by_policy"]:
        lines += [f"## {_md_escape(group['title'])} ({_md_escape(group['id'])})", ""]
        for e in group["events"]:
            link = f" ([PubMed]({e['url']}))" if e["url"] else ""
            lines.append(f"- **#{e['id']}** {_md_escape(event_line(e))}{link}")
        lines.append("")
    extra = not_checked_lines(data)
    if extra:
        lines += ["## Not checked", ""] + [f"- {_md_escape(x)}" for x in extra] + [""]
    return "\n".join(lines)


def _html(data: dict[str, Any]) -> str:
    parts = [f"<p>{escape(headline(data))}</p>"]
    for group in data["by_policy"]:
        items = "".join(
            f'<li class="{escape(e["kind"])}"><b>#{e["id"]}</b> {escape(event_line(e))}'
            + (f' <a href="{escape(e["url"])}">PubMed</a>' if e["url"] else "") + "</li>"
            for e in group["events"]
        )
        parts.append(f"<h2>{escape(group['title'])} <small>({escape(group['id'])})</small></h2>"
                     f"<ul>{items}</ul>")  # fmt: skip
    extra = not_checked_lines(data)
    if extra:
        parts.append("<h2>Not checked</h2><ul>" + "".join(f"<li>{escape(x)}</li>" for x in extra)
                     + "</ul>")  # fmt: skip
    style = ("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
             "li{margin:.3em 0}.retracted,.retraction-notice,.expression-of-concern{color:#a00}")
    return ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>Watch digest</title><style>{style}</style></head><body>"
            "<h1>Watch digest</h1>" + "".join(parts) + "</body></html>\n")  # fmt: skip
