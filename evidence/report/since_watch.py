"""The report's "since the last watch" section: the policy's open watch events (retractions,
errata, re-indexing ... not yet acknowledged) and the latest count of new high-level evidence.

The section is the dict `evidence.services.watch.last_watch` builds (None before any watch
looked at the policy, and then every function here returns nothing).
"""

from __future__ import annotations

from html import escape
from typing import Any


def _lines(s: dict[str, Any]) -> list[str]:
    out = []
    news = s.get("new_evidence")
    if news and news.get("count") is not None:
        first = ", ".join(news.get("pmids") or [])
        out.append(f"New RCTs, meta-analyses, systematic reviews and guidelines in PubMed since "
                   f"{news['since']}: {news['count']}" + (f" (first: PMID {first})." if first else "."))  # fmt: skip
    for e in s["events"]:
        where = ", ".join(x for x in (f"reference {e['reference']}" if e["reference"] else "",
                                      f"PMID {e['pmid']}" if e["pmid"] else "") if x)  # fmt: skip
        text = f"{where + ': ' if where else ''}{e['label']}"
        out.append(text + (f": {e['new_value']}" if e.get("new_value") else "") + f" (event #{e['id']}).")
    if not s["events"]:
        out.append("No open watch events.")
    return out


def text_lines(s: dict[str, Any] | None) -> list[str]:
    return _lines(s) if s else []


def markdown_lines(s: dict[str, Any] | None, esc: Any = str) -> list[str]:
    if not s:
        return []
    return ["## Since the last watch", ""] + [f"- {esc(x)}" for x in _lines(s)] + [""]


def html_section(s: dict[str, Any] | None) -> str:
    if not s:
        return ""
    items = "".join(f"<li>{escape(x)}</li>" for x in _lines(s))
    return f'<h2 id="since-last-watch">Since the last watch</h2><ul>{items}</ul>'
