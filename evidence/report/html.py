"""The report as one self-contained HTML file: inline CSS and SVG, no script, no external asset.

Every value that comes from a record (titles, journals, abstracts, the policy's own text)
passes through `html.escape`, so a hostile title shows as text and never runs.
"""

from __future__ import annotations

from html import escape
from typing import Any

from evidence.report import charts, since_review, since_watch
from evidence.report import table as tbl
from evidence.report import trials as tr
from evidence.report.labels import (
    LEVEL_NOTE,
    basis_text,
    counts_rows,
    doi_url,
    flag_label,
    flag_lines,
    level_text,
    nct_url,
    pmid_text,
    provenance,
    pubmed_url,
    sentence,
    synthesis_count,
    trial_line,
    verdict_head,
    where,
)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#222;max-width:1100px;
margin:24px auto;padding:0 20px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;border-bottom:2px solid #1b4f72;padding-bottom:3px;
margin-top:28px;color:#1b4f72}
.meta{color:#555}
.basis{background:#fef9e7;border-left:4px solid #b7950b;padding:8px 12px;margin:12px 0}
.basis.pubmed{background:#e9f7ef;border-color:#117a65}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:12.5px}
th,td{border:1px solid #d5d8dc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eaf2f8}tr:nth-child(even) td{background:#fafafa}
td.num{text-align:right;white-space:nowrap}
blockquote{margin:6px 0 10px 16px;padding:4px 10px;border-left:3px solid #2e86c1;color:#333}
.flag{display:inline-block;border-radius:3px;padding:0 4px;margin:1px;font-size:11px;
background:#eaecee;white-space:nowrap}
.flag.retracted,.flag.pmid-likely-wrong,.flag.expression-of-concern{background:#f5b7b1;color:#78281f}
.flag.erratum,.flag.updated,.flag.republished,.flag.superseded,.flag.citation-mismatch,
.flag.retraction-notice{background:#fdebd0;color:#7e5109}
.flag.unchecked,.flag.unresolved{background:#eaecee;color:#555}
.charts{display:grid;grid-template-columns:1fr;gap:12px}figure{margin:0;max-width:820px}
figcaption{font-weight:600;color:#1b4f72;margin:4px 0}
table.counts{width:auto;min-width:360px}
.state{background:#f4f6f7;padding:10px 14px;border-radius:4px}
a{color:#1a5276}a.ext{text-decoration:none;border-bottom:1px dotted #1a5276}
.prov{color:#666;font-size:12px;margin:2px 0 0}
.summary{border:1px solid #c8d6e5;border-radius:6px;padding:10px 16px 12px;margin:14px 0;
background:#f8fbfd}
.summary h2{margin:0 0 8px;border:0;padding:0}
.verdict{font-size:16px;padding:8px 12px;border-radius:4px;margin:0 0 8px}
.verdict b{font-size:17px}
.verdict.re-examine{background:#fdecea;border-left:5px solid #c0392b;color:#641e16}
.verdict.no-change{background:#e9f7ef;border-left:5px solid #117a65;color:#0b5345}
.summary-grid{display:grid;grid-template-columns:1fr 1fr;gap:2px 28px}
.summary h3{font-size:12px;margin:6px 0 2px;color:#1b4f72;text-transform:uppercase;
letter-spacing:.04em}
.summary ul{margin:0;padding-left:18px}.summary li{margin:1px 0;font-size:13px}
.summary .none{color:#777}
table.evidence td.sentence{font-size:11.5px;color:#444;font-style:italic;min-width:220px}
tr.new td{background:#fef9e7}
.badge{display:inline-block;border-radius:3px;padding:0 4px;font-size:10.5px;background:#f9e79f;
color:#7d6608;font-weight:600}
.notstated{color:#888}a.flag{text-decoration:none}td a.ext{white-space:nowrap}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}
tr,svg,blockquote{break-inside:avoid}.basis,.state,.summary{border:1px solid #999}
.flag[data-detail]::after{content:" (" attr(data-detail) ")";white-space:normal}
.flag{white-space:normal}a.ext::after{content:" <" attr(href) ">";font-size:9px;color:#555}}
"""


def e(value: Any) -> str:
    return escape("" if value is None else str(value))


def render_html(report: dict[str, Any]) -> str:
    p = report["policy"]
    body = (
        _title(report)
        + _summary(report)
        + _header(report)
        + _charts(report)
        + _inventory(report)
        + _evidence_table(report)
        + _direct(report)
        + _trials(report)
        + _flags(report)
        + since_review.html_section(report.get("since_last_review"))
        + since_watch.html_section(report.get("since_last_watch"))
        + '<h2>State of the evidence</h2><div class="state"><p>'
        + e(" ".join(report["state_of_evidence"]))
        + "</p></div>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Evidence report: {e(p['title'])}</title><style>{CSS}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _table(headers: list[str], rows: list[list[str]], cls: str = "") -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    trs = "".join("<tr>" + "".join(rows_cells) + "</tr>" for rows_cells in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table>'


def _td(value: Any, cls: str = "") -> str:
    return f'<td class="{cls}">{e(value)}</td>' if cls else f"<td>{e(value)}</td>"


def a(text: Any, url: str) -> str:
    """A link out (PubMed, doi.org, ClinicalTrials.gov); both text and URL escaped."""
    return f'<a class="ext" href="{e(url)}">{e(text)}</a>'


def _title(r: dict[str, Any]) -> str:
    p = r["policy"]
    return (
        f"<h1>{e(p['title'])}</h1>"
        f'<div class="meta">Policy <code>{e(p["id"])}</code>'
        f" · effective {e(p['effective_date'] or '?')}"
        f" · last reviewed {e(p['last_reviewed'] or '?')}</div>"
        f'<p class="prov">{e(provenance(r))}</p>'
    )


def _list(items: list[str], empty: str) -> str:
    if not items:
        return f'<ul><li class="none">{e(empty)}</li></ul>'
    return "<ul>" + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>"


def _summary(r: dict[str, Any]) -> str:
    s = r["summary"]
    head, why = verdict_head(s)
    cls = "re-examine" if s["verdict"].startswith("re-examine") else "no-change"
    parts = [
        ("Strongest direct evidence", s["strongest"], "none marked direct"),
        ("Flags that need action", s["flags_to_act"], "none"),
        ("New since the last review", s["new_since_review"], "nothing recorded"),
        ("Trials due to report", s["trials_due"], "none known"),
    ]
    grid = "".join(f"<div><h3>{e(t)}</h3>{_list(items, empty)}</div>" for t, items, empty in parts)
    return (
        '<section id="summary" class="summary"><h2>Summary</h2>'
        f'<p class="verdict {cls}"><b>{e(head)}.</b> {e(why)}.</p>'
        f'<div class="summary-grid">{grid}</div></section>'
    )


def _header(r: dict[str, Any]) -> str:
    p, b = r["policy"], r["basis"]
    out = [
        f'<div class="basis {"pubmed" if b["source"] == "pubmed" else ""}">'
        f"<b>{e(basis_text(b))}</b>"
        + (f" Resolve with <code>{e(b['how_to_resolve'])}</code>." if b["how_to_resolve"] else "")
        + "</div>",
    ]
    if p["statements"]:
        out += [
            "<h2>Coverage</h2>",
            _table(
                ["Product", "Status", "Statement"],
                [[_td(s["product"]), _td(s["status"]), _td(s["text"])] for s in p["statements"]],
            ),
        ]
    if p["codes"]:
        out += [
            "<h2>Codes</h2>",
            _table(
                ["Code", "System", "Description"],
                [[_td(c["code"]), _td(c.get("system")), _td(c["description"])] for c in p["codes"]],
            ),
        ]
    out += [
        "<h2>Conclusion</h2>",
        f"<blockquote>{e(p['conclusion'] or '(none stated in the policy)')}</blockquote>",
    ]
    return "".join(out)


def _charts(r: dict[str, Any]) -> str:
    return (
        '<h2>Evidence at a glance</h2><div class="charts">'
        "<figure><figcaption>Evidence timeline: references per publication year, by design"
        f"</figcaption>{charts.timeline(r['references'])}</figure>"
        "<figure><figcaption>References by design and by role in the policy</figcaption>"
        f"{charts.by_design_and_role(r['references'])}</figure></div>"
    )


def _flag_badges(ref: dict[str, Any]) -> str:
    """Badges; the detail is a tooltip on screen, printed after the badge on paper, and in
    full in the Flags table (each badge links there)."""
    return "".join(
        f'<a href="#flags" class="flag {e(f["kind"])}" title="{e(f["detail"])}" '
        f'data-detail="{e(f["detail"])}">{e(flag_label(f["kind"]))}</a>'
        for f in ref["flags"]
    )


def _pmid_cell(x: dict[str, Any]) -> str:
    out = a(pmid_text(x), pubmed_url(x["pmid"])) if x["pmid"] else ""
    if x.get("doi"):
        out += ("<br>" if out else "") + a("DOI", doi_url(x["doi"]))
    return f'<td class="num">{out}</td>'


def _inventory(r: dict[str, Any]) -> str:
    s = r["summary"]
    rows = [
        [
            _td(x["number"], "num"),
            _td(x["first_author"]),
            _td(x["year"], "num"),
            _td(x["title"]),
            _td(x["journal"]),
            _td(x["design"]),
            _td(level_text(x["evidence_level"], x["design"]), "num"),
            _td(x["role"] or "-"),
            _pmid_cell(x),
            f"<td>{_flag_badges(x)}</td>",
        ]
        for x in r["references"]
    ]
    counts = [[_td(d), _td(n, "num"), _td(dn, "num")] for d, n, dn in counts_rows(s)]
    return (
        f"<h2>Evidence inventory ({s['total']} references)</h2>"
        f"<p>{s['resolved']} resolved, {s['unresolved']} unresolved, {s['unchecked']} unchecked. "
        f"A PMID marked ? was matched from the citation and is unconfirmed. {e(LEVEL_NOTE)}</p>"
        + _table(
            [
                "#",
                "First author",
                "Year",
                "Title",
                "Journal",
                "Design",
                "Level",
                "Role",
                "PMID",
                "Flags",
            ],
            rows,
            "inventory",
        )
        + "<h3>Counts by design</h3>"
        + _table(["Design", "All", "Direct"], counts, "counts")
    )


def _direct(r: dict[str, Any]) -> str:
    d = r["direct_evidence"]
    out = ["<h2>What the direct evidence says</h2>"]
    if not d["count"]:
        return (
            out[0]
            + "<p>No reference is marked as direct evidence on the policy's intervention.</p>"
        )
    out.append(
        f"<p>{d['count']} direct references. Strongest designs: "
        f"<b>{e(', '.join(d['strongest_designs']) or 'unknown')}</b>"
        + (f" (level {e(d['strongest_level'])})." if d["strongest_level"] else ".")
    )
    if d["newest_year"]:
        since = (
            f"; {e(d['years_since_newest'])} years before the last review ({e(d['last_reviewed'])})"
            if d["years_since_newest"] is not None
            else ""
        )
        out.append(
            f" Newest: {e(d['newest_year'])} "
            f"({e('; '.join(where(n) for n in d['newest']))}){since}."
        )
    out.append("</p><ul>")
    for s in d["syntheses"]:
        c = s["conclusion"]
        quote = (
            f"<blockquote>{e(c['text'])} <small>(PMID {e(s['pmid'])}; {e(c['source'])})</small>"
            "</blockquote>"
            if c
            else "<blockquote>abstract not available (not checked against PubMed)</blockquote>"
        )
        out.append(
            f"<li><b>{e(s['design'])}</b>, {e(where(s))}, {e(s['year'] or '?')}: {e(sentence(s['title']))} "
            f"{e(synthesis_count(s))}.{quote}</li>"
        )
    for t in d["trials"]:
        out.append(
            f"<li><b>RCT</b>, {e(where(t))}, {e(t['year'] or '?')}: {e(sentence(t['title']))} "
            f"{e(trial_line(t))}.</li>"
        )
    return "".join(out) + "</ul>"


def _ns(value: Any) -> str:
    return e(value) if value else f'<span class="notstated">{tbl.NOT_STATED}</span>'


def _arms(x: dict[str, Any]) -> str:
    if not x["intervention"] and not x["comparator"]:
        return _ns(None)
    return f"{_ns(x['intervention'])} <i>vs</i> {_ns(x['comparator'])}"


def _evidence_table(r: dict[str, Any]) -> str:
    rows = r["evidence_table"]
    head = f'<h2 id="evidence-table">Evidence table ({len(rows)} studies)</h2>'
    if not rows:
        return head + "<p>No direct trial or synthesis is cited.</p>"
    body = []
    for x in rows:
        ref = '<span class="badge">new</span> ' if x["new"] else e(tbl.where_text(x)) + "<br>"
        pmid = a(f"PMID {x['pmid']}", pubmed_url(x["pmid"])) if x["pmid"] else ""
        finding = e(x["finding"]) if x["finding"] else _ns(None)
        eff = tbl.effect_text(x["effect"])
        body.append(
            [
                f"<td>{ref}{pmid}</td>",
                _td(tbl.design_text(x)),
                f"<td>{_ns(x['n'])}</td>",
                f"<td>{_arms(x)}</td>",
                f"<td>{_ns(x['outcome'])}</td>",
                f"<td><b>{finding}</b>" + (f"<br>{e(eff)}" if eff else "") + "</td>",
                f"<td>{_ns(x['follow_up'])}</td>",
                f'<td class="sentence">{e(x["sentence"]) if x["sentence"] else _ns(None)}</td>',
            ]
        )
    trs = "".join(
        ('<tr class="new">' if x["new"] else "<tr>") + "".join(cells) + "</tr>"
        for x, cells in zip(rows, body, strict=True)
    )
    headers = ["Reference", "Design", "N", "Intervention vs comparator", "Primary outcome",
               "Finding (effect, 95% CI)", "Follow-up", "Source sentence"]  # fmt: skip
    new = sum(x["new"] for x in rows)
    return (
        head
        + '<table class="evidence"><thead><tr>'
        + "".join(f"<th>{h}</th>" for h in headers)
        + f"</tr></thead><tbody>{trs}</tbody></table>"
        + (f"<p><span class='badge'>new</span> included in the latest review cycle ({new}).</p>"
           if new else "")  # fmt: skip
    )


def _trials(r: dict[str, Any]) -> str:
    rows = r["ongoing_trials"]
    head = f'<h2 id="trials">Ongoing and unpublished trials ({len(rows)})</h2>'
    if not rows:
        return head + (
            f"<p>None stored; run <code>evidence trials {e(r['policy']['id'])}</code> to ask "
            "ClinicalTrials.gov.</p>"
        )
    shown = rows[: tr.SHOWN]
    body = [
        [
            f'<td>{a(x["nct_id"], nct_url(x["nct_id"]))}</td>',
            _td(tr.status_text(x)),
            _td(x["phase"] or ""),
            _td(tr.enrollment_text(x["enrollment"])),
            _td(tr.completion_text(x["primary_completion"])),
            _td("posted" if x["results_posted"] else "none"),
            _td("yes" if x["cited"] else ""),
            _td(x["title"]),
        ]
        for x in shown
    ]
    more = (
        f"<p>{len(rows) - len(shown)} more: <code>evidence trials {e(r['policy']['id'])}</code>.</p>"
        if len(rows) > len(shown)
        else ""
    )
    return (
        head
        + _table(["NCT", "Status", "Phase", "Enrollment", "Primary completion", "Results",
                  "Cited", "Title"], body, "trials")  # fmt: skip
        + more
    )


def _flags(r: dict[str, Any]) -> str:
    lines = flag_lines(r)
    if not lines:
        return '<h2 id="flags">Flags</h2><p>None found.</p>'
    return f'<h2 id="flags">Flags ({len(r["flags"])})</h2>' + _table(
        ["Where", "Flag", "Detail"], [[_td(a), _td(b), _td(c)] for a, b, c in lines], "flags"
    )
