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


def to_paged_pdf(text: str, header: str, footer: str = "Page {page} of {nb}") -> bytes:
    """A report typeset with a running header (from page 2) and footer on every page; a line
    '@page' in the source starts a new page, so an entry can be cut by the page chrome."""
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:  # noqa: D102
            if self.page_no() > 1:
                self.set_font("helvetica", size=8)
                self.cell(0, 5, header, new_x="LMARGIN", new_y="NEXT")
                self.ln(2)

        def footer(self) -> None:  # noqa: D102
            self.set_y(-15)
            self.set_font("helvetica", size=8)
            self.cell(0, 5, footer.format(page=self.page_no(), nb="{nb}"), align="C")

    pdf = Report(format="A4")
    pdf.alias_nb_pages()
    pdf.add_page()
    for line in text.split("\n"):
        if line.strip() == "@page":
            pdf.add_page()
            continue
        pdf.set_font("helvetica", size=10)
        if line.strip():
            pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(3)
    return bytes(pdf.output())


def two_column_pdf(head: list[str], entries: list[str], tail: list[str]) -> bytes:
    """References typeset in two columns, line by line across the page (the order a
    typesetter writes them in), so a naive text layer reads left and right lines interleaved."""
    import textwrap

    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("helvetica", size=8)
    pdf.add_page()
    y = 20.0
    for line in head:
        pdf.text(15, y, line)
        y += 6
    half = (len(entries) + 1) // 2
    columns = [
        [piece for entry in part for piece in textwrap.wrap(entry, 52)]
        for part in (entries[:half], entries[half:])
    ]
    for k in range(max(len(c) for c in columns)):
        for x, column in zip((15, 110), columns, strict=True):
            if k < len(column):
                pdf.text(x, y, column[k])
        y += 4
    y += 6
    for line in tail:
        pdf.text(15, y, line)
        y += 6
    return bytes(pdf.output())


def to_docx(text: str) -> bytes:
    """A Word document: '= ' a Title, '# ' a Heading 1, '1. ' a Word-numbered list item (the
    number is Word's, not in the text), '- ' a bullet, `*x*` italic, anything else a paragraph."""
    import io

    import docx

    document = docx.Document()
    for line in text.split("\n"):
        s = line.strip()
        if not s:
            continue
        if s.startswith("= "):
            document.add_paragraph(s[2:], style="Title")
        elif s.startswith("# "):
            document.add_heading(s[2:], level=1)
        else:
            style = "List Number" if re.match(r"^\d+\.\s", s) else "List Bullet" if s.startswith("- ") else None
            body = re.sub(r"^(?:\d+\.|-)\s+", "", s) if style else s
            paragraph = document.add_paragraph(style=style)
            for k, piece in enumerate(re.split(r"\*([^*]+)\*", body)):
                run = paragraph.add_run(piece)
                run.italic = k % 2 == 1
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
