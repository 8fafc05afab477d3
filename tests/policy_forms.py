"""Build the HTML and PDF forms of a plain-text policy, the way a plan's website would publish it.

The builders know nothing of the parser: headings are ALL-CAPS lines, `N.` lines become
`<ol><li>`, `- ` lines `<ul><li>`, `*journal*` becomes `<em>`. The PDF is typeset with fpdf2
in a Unicode TTF font, so wrapped lines, page breaks and accents all reach the parser.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SCRIPT = '<script>document.write("PMID 99999999"); alert("leak")</script>'


def _inline(text: str) -> str:
    escaped = html.escape(text)
    return re.sub(r"\*([^*\s][^*]*?)\*(?!\*)", r"<em>\1</em>", escaped)


def to_html(text: str, title: str | None = None) -> str:
    """One block per line; consecutive list items share one list, blank lines close nothing."""
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>" if title else "",
        "<style>p { color: red } /* PMID 88888888 */</style>",
        SCRIPT,
        "</head><body>",
    ]
    open_list = ""
    for line in text.split("\n"):
        s = line.strip()
        numbered = re.match(r"^(\d+)\.\s+(.*)$", s)
        bullet = re.match(r"^-\s+(.*)$", s)
        kind = "ol" if numbered else "ul" if bullet else ""
        if not s:
            continue
        if open_list and kind != open_list:
            out.append(f"</{open_list}>")
            open_list = ""
        if kind and not open_list:
            out.append(f"<{kind}>")
            open_list = kind
        if numbered:
            out.append(f"<li>{_inline(numbered.group(2))}</li>")
        elif bullet:
            out.append(f"<li>{_inline(bullet.group(1))}</li>")
        elif re.fullmatch(r"\[(.+)\]\((.*)\)", s):
            label = re.fullmatch(r"\[(.+)\]\((.*)\)", s).group(1)  # type: ignore[union-attr]
            out.append(f"<p><a href='#'>{html.escape(label)}</a></p>")
        elif s.isupper():
            out.append(f"<h2>{html.escape(s)}</h2>")
        else:
            out.append(f"<p>{_inline(s)}</p>")
    if open_list:
        out.append(f"</{open_list}>")
    out.append(SCRIPT + "</body></html>")
    return "\n".join(out)


def to_pdf(text: str) -> bytes:
    """The text typeset on A4 pages in DejaVu Sans (lines wrap; entries cross page breaks)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname=str(DEJAVU))
    pdf.set_font("DejaVu", size=9)
    pdf.add_page()
    for line in text.split("\n"):
        if line.strip():
            pdf.multi_cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A page with a drawn rectangle and no text: what a scanner's PDF looks like to pypdf."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")
    return bytes(pdf.output())
