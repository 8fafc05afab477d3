"""Bytes -> plain text, whatever form the health plan published the policy in.

Policies arrive as plain text, Markdown, a saved HTML page or a PDF. Everything downstream
(`document.py`, `references.py`) reads one shape: lines of plain text, one block (paragraph,
heading, list item) per line, journals optionally in `*asterisks*`. So HTML and Markdown are
flattened through a real parser rather than regexes (tags inside attributes, entities and
scripts defeat regexes), and PDFs give up their text layer through pypdf.

Refusals are one-line `InputError`s naming the file: empty, binary, undecodable, a PDF
without text (a scan), a PDF pypdf cannot open.
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
_DROP_TAGS = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")
_EMPHASIS = frozenset({"em", "i", "cite"})
_HTML_SNIFF = re.compile(r"<(?:!doctype\s+html|html|head|body|p|div|h[1-6]|ol|ul|table)\b", re.I)
_MD_SNIFF = re.compile(r"^#{1,6}\s+\S", re.M)


def read_text(data: bytes, name: str = "-") -> str:
    """Decode a policy file of any supported form into normalised plain text."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if data.lstrip()[:5] == b"%PDF-":
        text = pdf_text(data, name)
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


# ---------------------------------------------------------------- PDF


def pdf_text(data: bytes, name: str) -> str:
    """The PDF's text layer, page by page; a PDF without one is a scan and needs OCR first."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{name}: the PDF is encrypted; save an unencrypted copy")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InputError(f"{name}: not a readable PDF ({exc})") from None
    if not "".join(pages).strip():
        raise InputError(f"{name}: PDF has no text layer (scanned?); run OCR first")
    # justified lines come out with runs of spaces between words
    return "\n\n".join(re.sub(r"[ \t]{2,}", " ", page) for page in pages)


# ---------------------------------------------------------------- Markdown and HTML


def markdown_text(text: str) -> str:
    """Render Markdown to HTML with markdown-it (CommonMark), then flatten like any page."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
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
