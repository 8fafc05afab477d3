"""Bytes -> plain text, whatever form the health plan published the policy in.

Policies arrive as plain text, Markdown, a saved HTML page, a PDF, a Word document (DOCX) or
RTF. Everything downstream
(`document.py`, `references.py`) reads one shape: lines of plain text, one block (paragraph,
heading, list item) per line, journals optionally in `*asterisks*`. So HTML and Markdown are
flattened through a real parser rather than regexes (tags inside attributes, entities and
scripts defeat regexes), and PDFs give up their text layer through pypdf.

Refusals are one-line `InputError`s naming the file: empty, binary, undecodable, a PDF
without text (a scan), a PDF pypdf cannot open, a format we do not read (a Word 97-2003 .doc,
an OpenDocument file), with what to save it as instead. What the reader had to do to the
text (a two-column page read column by column) is said in `notes`.
"""

from __future__ import annotations

import io
import re
import unicodedata

from evidence.errors import InputError

_BLOCK_TAGS = frozenset(
    "address article aside blockquote body dd div dl dt figcaption figure footer form h1 h2 h3 "
    "h4 h5 h6 header hr html li main nav ol p pre section table tbody td tfoot th thead title "
    "tr ul".split()
)
_DROP_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object", "nav")
_EMPHASIS = frozenset({"em", "i", "cite"})
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|p|div|h[1-6]|ol|ul|table)\b", re.I)
_MD_SNIFF = re.compile(r"^#{1,6}\s+\S", re.M)


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "save it as PDF, DOCX or plain text"


def read_text(data: bytes, name: str = "-", notes: list[str] | None = None) -> str:
    """Decode a policy file of any supported form into normalised plain text."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    notes = notes if notes is not None else []
    if data.lstrip()[:5] == b"%PDF-":
        text = pdf_text(data, name, notes)
    elif data.startswith(_OLE2):
        raise InputError(f"{name}: a Word 97-2003 (.doc) or other OLE file; {_SAVE_AS}")
    elif data.startswith(b"PK\x03\x04") and _zip_kind(data):
        text = _office_text(data, name)
    elif data.lstrip()[:5] == b"{\\rtf":
        text = rtf_text(data, name)
    else:
        text = _decode(data, name)
        form = sniff_form(text, name)
        try:
            if form == "html":
                text = html_text(text)
            elif form == "markdown":
                text = markdown_text(text)
        except RecursionError:  # thousands of nested elements: no plan publishes that
            raise InputError(
                f"{name}: the {form} is nested too deeply to read",
                hint="save the page as plain text or PDF",
            ) from None
    text = normalise(text)
    if not text.strip():
        raise InputError(f"{name}: the document has no text")
    return text


def sniff_form(text: str, name: str = "-") -> str:
    """'html', 'markdown' or 'text': the file name's extension first, then the content."""
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".md", ".markdown")):
        return "markdown"
    head = text.lstrip()[:2000]
    if head.startswith("<") and _HTML_SNIFF.search(head):
        return "html"
    if _MD_SNIFF.search(text):
        return "markdown"
    return "text"


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_])")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    """One line-ending convention, NFC (so 'ů' is one code point whatever the source did).

    Terminal escape sequences and other control characters go: a title carrying
    ESC[2J would otherwise clear the screen of whoever runs `evidence policy list`."""
    text = _CONTROLS.sub("", _ANSI.sub("", text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = text.replace("\u00a0", " ").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))


# ---------------------------------------------------------------- decoding


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), UTF-16 (Notepad's "Unicode"), else cp1252 line by line, else refuse.

    Line by line because a policy pasted together from two sources mixes UTF-8 and cp1252
    lines; decoding the whole file as cp1252 would turn every UTF-8 accent into mojibake.
    """
    codec = _utf16_codec(data)
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            raise InputError(f"{name}: damaged UTF-16 text; convert it to UTF-8") from None
    if _looks_binary(data):
        raise InputError(f"{name}: binary file, not a policy document")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = "".join(_decode_line(line) for line in data.splitlines(keepends=True))
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 or cp1252 text; convert it to UTF-8") from None
    if _control_share(text) > 0.05:
        raise InputError(f"{name}: not UTF-8 or cp1252 text; convert it to UTF-8")
    return text


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252")


def _utf16_codec(data: bytes) -> str | None:
    """'utf-16' for a BOM, 'utf-16-le'/'-be' for BOM-less text whose every other byte is NUL."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def _looks_binary(data: bytes) -> bool:
    """NUL bytes, or a large share of control bytes: no text editor wrote this."""
    sample = data[:65536]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(sample) > 0.05


def _control_share(text: str) -> float:
    sample = text[:65536]
    bad = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f")
    return bad / max(len(sample), 1)


# ---------------------------------------------------------------- Word and RTF


def _zip_kind(data: bytes) -> str | None:
    """'docx', 'odt', 'office' (another OOXML file) or None for a zip that is no document."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names and b"opendocument" in z.read("mimetype")[:100]:
                return "odt"
            if "[Content_Types].xml" in names:
                return "office"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return None
    return None


def _office_text(data: bytes, name: str) -> str:
    kind = _zip_kind(data)
    if kind == "odt":
        raise InputError(f"{name}: an OpenDocument file, which evidence does not read; {_SAVE_AS}")
    if kind != "docx":
        raise InputError(f"{name}: an Office file that is not a Word document; {_SAVE_AS}")
    return docx_text(data, name)


def docx_text(data: bytes, name: str) -> str:
    """A Word document's paragraphs and table cells in order, one block per line.

    Word keeps a numbered list's numbers in the numbering definitions, not in the text: they
    are written back ("1. ", "2. " ...) so the reference list keeps its numbers; bullets
    become "- ", italic runs `*...*` (the journal, as in HTML)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{name}: not a readable Word document ({exc}); {_SAVE_AS}") from None
    lines: list[str] = []
    counters: dict[str, int] = {}
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(_docx_paragraph(docx.text.paragraph.Paragraph(child, document), counters))
        elif tag == "tbl":
            table = docx.table.Table(child, document)
            for row in table.rows:
                lines.extend(cell.text.strip() for cell in row.cells)
                lines.append("")
    return re.sub(r"\n{3,}", "\n\n", "\n\n".join(line for line in lines if line is not None))


def _docx_paragraph(paragraph, counters: dict[str, int]) -> str:  # type: ignore[no-untyped-def]
    text = "".join(
        f"*{run.text.strip()}* " if run.italic and run.text.strip() else run.text
        for run in paragraph.runs
    ).strip()
    text = re.sub(r"\s+", " ", text)
    style = (paragraph.style.name or "") if paragraph.style is not None else ""
    ppr = paragraph._p.pPr
    num = ppr.numPr if ppr is not None else None
    if style.lower().startswith("heading") or style == "Title":
        counters.clear()  # a list under a new heading starts again at 1
        return text
    if not text:
        return text
    if "bullet" in style.lower():
        return f"- {text}"
    if num is not None or "number" in style.lower():
        key = str(num.numId.val) if num is not None and num.numId is not None else style
        counters[key] = counters.get(key, 0) + 1
        return f"{counters[key]}. {text}"
    return text


def rtf_text(data: bytes, name: str) -> str:
    """RTF's text (striprtf); the file is ASCII with escapes, so cp1252 decodes any byte."""
    from striprtf.striprtf import rtf_to_text

    try:
        text = rtf_to_text(data.decode("cp1252", errors="replace"), errors="ignore")
    except (ValueError, IndexError, RecursionError) as exc:
        raise InputError(f"{name}: not a readable RTF file ({exc}); {_SAVE_AS}") from None
    return text.replace("\t", " ")


# ---------------------------------------------------------------- PDF


def pdf_text(data: bytes, name: str, notes: list[str] | None = None) -> str:
    """The PDF's text layer, page by page; a PDF without one is a scan and needs OCR first.

    A page set in two columns is read column by column (left, then right): a plain text
    layer runs across the gutter and interleaves the columns' lines, so entries 1 and 11 of
    a reference list would be read as one. The running header and footer lines (the same
    text at the top or bottom of most pages, page numbers aside) are taken out."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    notes = notes if notes is not None else []
    columned: list[int] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: the PDF is encrypted; save an unencrypted copy")
        pages = []
        for number, page in enumerate(reader.pages, start=1):
            text = page.extract_text() or ""
            split = _two_columns(page) if len(text) > 200 else None
            if split is not None:
                columned.append(number)
                text = split
            pages.append(text)
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError, IndexError) as exc:
        raise InputError(f"{name}: not a readable PDF ({exc})") from None
    if not "".join(pages).strip():
        raise InputError(f"{name}: PDF has no text layer (scanned?); run OCR first")
    if columned:
        listed = ", ".join(map(str, columned[:10])) + (" ..." if len(columned) > 10 else "")
        pages_word = "page" if len(columned) == 1 else "pages"
        notes.append(f"{name}: {pages_word} {listed} set in two columns; read column by column")
    pages = strip_page_chrome([page.split("\n") for page in pages])
    # justified lines come out with runs of spaces between words
    return "\n\n".join(re.sub(r"[ \t]{2,}", " ", "\n".join(page)) for page in pages)


def _two_columns(page) -> str | None:  # type: ignore[no-untyped-def]
    """The page's text read column by column, when its layout has a gutter; else None.

    pypdf's layout mode keeps each glyph's column. A gutter is a band of blank columns near
    the middle of the page that most lines have, with text on both sides of it on at least
    half of the lines that reach past it."""
    try:
        layout = page.extract_text(extraction_mode="layout") or ""
    except (ValueError, KeyError, TypeError, IndexError, ZeroDivisionError):
        return None
    rows = [row.rstrip() for row in layout.split("\n") if row.strip()]
    if len(rows) < 8:
        return None
    width = max(len(row) for row in rows)
    lo, hi = int(width * 0.3), int(width * 0.7)
    scores: dict[int, tuple[float, int]] = {}
    for col in range(lo, hi):
        long_rows = [row for row in rows if len(row) > col + 3]
        if len(long_rows) < 6:
            continue
        blank = sum(row[col : col + 3].strip() == "" for row in long_rows) / len(long_rows)
        both = sum(1 for row in long_rows if row[:col].strip() and row[col + 3 :].strip())
        if blank >= 0.95 and both >= max(6, 0.5 * len(long_rows)):
            scores[col] = (blank, both)
    if not scores:
        return None
    top = max(scores.values())
    cols = [c for c, v in scores.items() if v == top]
    col = cols[len(cols) // 2] + 1  # the middle of the widest clean band
    sided = [i for i, row in enumerate(rows) if row[:col].strip() and row[col:].strip()]
    first, last = sided[0], sided[-1]
    # the block between the first and last rows with text on both sides is two columns; what
    # comes before it (a heading over both columns) and after it is read as one column
    block = rows[first : last + 1]
    left = [row[:col].strip() for row in block]
    right = [row[col:].strip() for row in block]
    parts = [row.strip() for row in rows[:first]] + left + right + [row.strip() for row in rows[last + 1 :]]
    return "\n".join(line for line in parts if line)


def strip_page_chrome(pages: list[list[str]]) -> list[list[str]]:
    """Drop running headers and footers: the first or last lines of a page whose text
    (digits aside) recurs at the top or bottom of at least half the pages (and two of them)."""
    if len(pages) < 2:
        return pages

    def key(line: str) -> str:
        return re.sub(r"\s+", " ", re.sub(r"\d+", "#", line.strip().lower()))

    edges: dict[str, int] = {}
    for page in pages:
        lines = [ln for ln in page if ln.strip()]
        for line in {key(ln) for ln in lines[:2] + lines[-2:]}:
            edges[line] = edges.get(line, 0) + 1
    need = max(2, (len(pages) + 1) // 2)
    chrome = {k for k, n in edges.items() if n >= need and len(k) <= 160 and not re.fullmatch(r"#\.?", k)}
    if not chrome:
        return pages
    out = []
    for page in pages:
        lines = list(page)
        nonblank = [i for i, ln in enumerate(lines) if ln.strip()]
        edge = set(nonblank[:2] + nonblank[-2:])
        out.append([ln for i, ln in enumerate(lines) if not (i in edge and key(ln) in chrome)])
    return out


# ---------------------------------------------------------------- Markdown and HTML


def markdown_text(text: str) -> str:
    """Render Markdown to HTML with markdown-it (CommonMark), then flatten like any page.

    Each line break of the source stays one ("breaks"): a policy written in Markdown lists its
    references and header fields a line each, often with no blank line between, and CommonMark
    would join them into one paragraph. Wrapped prose is then read as in a plain-text policy."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"breaks": True}).enable("table")  # GFM pipe tables: header fields sit in them
    # markdown-it leaves a javascript:/data: link as its literal source text, so the URL
    # would end up in a citation's title; accept every link: html_text keeps only its words.
    md.validateLink = lambda url: True
    return html_text(md.render(text))


def html_text(markup: str) -> str:
    """Flatten an HTML page: blocks become lines, list items keep their numbers, scripts go."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(attrs={"role": "navigation"}):
        tag.decompose()
    chunks: list[str] = []
    _walk(soup, chunks)
    text = "".join(chunks)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    if title and not soup.find("h1"):
        body = f"{title}\n\n{body}"
    return body


def _walk(node, chunks: list[str]) -> None:  # type: ignore[no-untyped-def]
    from bs4 import NavigableString, Tag
    from bs4.element import PreformattedString

    for child in node.children:
        # comments, but also <!DOCTYPE html> (whose "html" became the policy's title), CDATA
        # and processing instructions: none of them is text a reader sees
        if isinstance(child, PreformattedString):
            continue
        if isinstance(child, NavigableString):
            chunks.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name.lower()
        if name == "br":
            chunks.append("\n")
        elif name == "ol" or name == "ul":
            _walk_list(child, chunks, ordered=name == "ol")
        elif name in _EMPHASIS:
            inner = child.get_text(" ")
            inner_clean = re.sub(r"\s+", " ", inner).strip()
            chunks.append(f"*{inner_clean}*" if inner_clean else inner)
        elif name in _BLOCK_TAGS:
            chunks.append("\n\n")
            _walk(child, chunks)
            chunks.append("\n\n")
        else:
            _walk(child, chunks)


def _walk_list(node, chunks: list[str], ordered: bool) -> None:  # type: ignore[no-untyped-def]
    """`<ol start=14>` keeps its numbering: the reference parser relies on the numbers."""
    try:
        number = int(node.get("start", 1))
    except (TypeError, ValueError):
        number = 1
    for item in node.find_all("li", recursive=False):
        try:
            number = int(item.get("value", number))
        except (TypeError, ValueError):
            pass
        chunks.append(f"\n\n{number}. " if ordered else "\n\n- ")
        inner: list[str] = []
        _walk(item, inner)
        chunks.append(re.sub(r"\n{2,}", "\n", "".join(inner)).strip())
        chunks.append("\n\n")
        number += 1
