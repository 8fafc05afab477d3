# ruff: noqa: E501  (policy text and XML bodies are clearer on one line)
"""The hostile-input corpus: inputs a policy team's tool will meet sooner or later.

Large or binary inputs are generated here (never committed); small readable ones live next
to this file. Every case is a `Case`: what to feed `evidence`, and what must come out of it:
either a refusal (exit 1, one line on stderr matching `message`) or a correct result checked
by `check`. Tests in tests/test_hostile.py run each case through the real CLI.
"""

from __future__ import annotations

import io
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXAMPLE = ROOT / "examples" / "stem-cell-pad.txt"
SQL = "'; DROP TABLE policy; -- \" OR 1=1 % _ \\ \\'"

HEAD = """Synthetic Policy {title}

EFFECTIVE DATE: 01|01|2026

POLICY LAST REVIEWED: 09|17|2025

POLICY STATEMENT

Commercial Products

Treatment with widgets is not medically necessary as the evidence is insufficient to determine that the technology results in an improvement in the net health outcome.

REFERENCES

"""


def synthetic_reference(n: int, pmid: int | str | None = None) -> str:
    """An AMA-style entry with a clearly synthetic PMID (90000001 and up)."""
    pmid = 90000000 + n if pmid is None else pmid
    return (
        f"{n}. Author{n} A, Writer B, et al. A synthetic study number {n} of widgets. "
        f"*J Synth Med.* Mar 03 2016; 37({n % 12 + 1}): {n}-{n + 9}. PMID {pmid}"
    )


def policy(references: list[str], title: str = "Widgets") -> bytes:
    return (HEAD.format(title=title) + "\n\n".join(references) + "\n").encode("utf-8")


def small_policy(title: str = "Widgets", n: int = 3) -> str:
    return policy([synthetic_reference(i) for i in range(1, n + 1)], title).decode()


# ---------------------------------------------------------------- generated inputs


def truncated_policy() -> bytes:
    """The example policy cut in the middle of its last reference's title."""
    text = EXAMPLE.read_text("utf-8").rstrip()
    last = text.rfind("\n")
    return (text[: last + 1] + text[last + 1 : last + 40]).encode()


def pdf_policy() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=9)
    for line in small_policy(n=20).splitlines():
        pdf.multi_cell(0, 4, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def half_pdf() -> bytes:
    data = pdf_policy()
    return data[: len(data) // 2]


def png() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + b"\x00" * 64
    )


def zip_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("policy.txt", small_policy())
    return buffer.getvalue()


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + b"\x00" * 9 + os.urandom(256)


def random_bytes() -> bytes:
    return random.Random(8).randbytes(64 * 1024)


def one_line(size: int = 5 * 2**20) -> bytes:
    unit = b"stem cells bone marrow PMID 12 "
    return unit * (size // len(unit))


def many_references(n: int = 20_000) -> bytes:
    return policy([synthetic_reference(i) for i in range(1, n + 1)])


def identical_references(n: int = 10_000) -> bytes:
    entry = synthetic_reference(1).split(". ", 1)[1]
    return policy([f"{i}. {entry}" for i in range(1, n + 1)])


def utf16(bom: bool, endian: str = "le") -> bytes:
    text = small_policy("Procházka Jalůvka Skóra")
    codec = f"utf-16-{endian}"
    return (b"\xff\xfe" if bom and endian == "le" else b"") + text.encode(codec)


def latin1() -> bytes:
    return small_policy("Procházka Skóra Dubský").encode("latin-1", "replace")


def cp1252() -> bytes:
    return small_policy("\u201cquoted\u201d \u2013 Skóra").encode("cp1252")


def mixed_encoding() -> bytes:
    head, _, tail = small_policy("Skóra").partition("REFERENCES")
    return head.encode("utf-8") + b"REFERENCES" + tail.replace("Author1", "Dubsk\xfd").encode(
        "latin-1"
    )


def invalid_utf8() -> bytes:
    return small_policy().encode().replace(b"Author2", b"Auth\x81\x8d\x8f\x90\x9d")


def with_nuls() -> bytes:
    return small_policy().encode().replace(b"Author2", b"Auth\x00\x00or2")


def absurd_pmids() -> bytes:
    odd = ["0", "-5", "1" * 30, "12ab", "\u0661\u0662\u0663", "００１２３"]
    return policy([synthetic_reference(i + 1, pmid) for i, pmid in enumerate(odd)])


def deep_html(depth: int = 20_000) -> bytes:
    body = small_policy().replace("\n", "<br>")
    return f"<html><body>{'<div>' * depth}<p>{body}</p>{'</div>' * depth}</body></html>".encode()


def ansi_title() -> bytes:
    return small_policy("\x1b[2J\x1b[31mRED\x1b[0m \x07bell\x08 \x1b]0;pwned\x07").encode()


def empty_references() -> bytes:
    return policy([])


def duplicate_numbers() -> bytes:
    return policy([synthetic_reference(i).replace(f"{i}. ", f"{p}. ", 1) for i, p in
                   zip(range(1, 7), [1, 2, 2, 3, 4, 4], strict=True)])


def restarting_numbers() -> bytes:
    return policy([synthetic_reference(i).replace(f"{i}. ", f"{(i - 1) % 3 + 1}. ", 1) for i in range(1, 7)])


def huge_entry() -> bytes:
    refs = [synthetic_reference(i) for i in range(1, 4)]
    refs[1] = refs[1].replace("A synthetic study", "A synthetic study " + "of widgets " * 10_000)
    return policy(refs)


def two_column() -> bytes:
    import sys

    sys.path.insert(0, str(HERE.parent))
    from policy_forms import two_column_pdf

    entries = [synthetic_reference(n).replace(" et al.", "") for n in range(1, 23)]
    head = ["Synthetic Policy Widgets", "Policy Statement", "Widgets are not medically necessary.", "References"]
    return two_column_pdf(head, [e.replace("*", "") for e in entries], ["Policy History", "01/01/2026 New."])


def ole_doc() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)


def sql_policy() -> bytes:
    refs = [
        f"1. O'Brien {SQL}, D'Arcy B. Title {SQL}. *J {SQL}.* 2016; 3(1): 1-9. PMID 90000001",
        "2. Smith%_ A. 100% of _widgets_ \\n work; DROP TABLE reference. *Lancet.* 2017; 1: 2-3.",
    ]
    return policy(refs, title=SQL)


# ---------------------------------------------------------------- hostile efetch answers

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    ]
    return (
        XML_HEAD
        + "<!DOCTYPE PubmedArticleSet [\n"
        + "\n".join(entities)
        + "\n]>\n"
        + _article_set("&lol9;")
    ).encode()


def external_entity(system_id: str) -> bytes:
    return (
        XML_HEAD
        + f'<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "{system_id}">]>\n'
        + _article_set("Leaked: &xxe;")
    ).encode()


def unknown_dtd() -> bytes:
    return (
        XML_HEAD
        + '<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2099//EN" '
        '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_990101.dtd">\n'
        + _article_set("A study of widgets under a future DTD")
    ).encode()


def truncated_efetch() -> bytes:
    body = (XML_HEAD + _article_set("A truncated record")).encode()
    return body[: body.index(b"</ArticleTitle>") + 5]


def script_efetch() -> bytes:
    hostile = (
        "&lt;script&gt;alert(1)&lt;/script&gt;&lt;iframe src=javascript:alert(2)&gt;"
        "&lt;img src=x onerror=alert(3)&gt;"
    )
    return (XML_HEAD + _article_set(hostile)).encode()


def esearch_external_entity() -> bytes:
    return (
        XML_HEAD
        + '<!DOCTYPE eSearchResult [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<eSearchResult><Count>1</Count><RetMax>1</RetMax><RetStart>0</RetStart>"
        "<QueryKey>1</QueryKey><WebEnv>&xxe;</WebEnv><IdList><Id>90000001</Id></IdList>"
        "<QueryTranslation>&xxe;</QueryTranslation></eSearchResult>"
    ).encode()


def esearch_billion_laughs() -> bytes:
    entities = ['<!ENTITY a "aaaaaaaaaa">'] + [
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    ]
    return (
        XML_HEAD
        + f"<!DOCTYPE eSearchResult [{''.join(entities)}]>\n"
        + "<eSearchResult><Count>&i;</Count><IdList></IdList></eSearchResult>"
    ).encode()


def _article_set(title: str, pmid: str = "90000001") -> str:
    """One minimal PubmedArticle whose title carries the payload."""
    return (
        "<PubmedArticleSet><PubmedArticle>"
        f'<MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
        '<Article PubModel="Print"><Journal><JournalIssue CitedMedium="Print">'
        "<Volume>37</Volume><Issue>2</Issue><PubDate><Year>2016</Year><Month>Mar</Month>"
        "</PubDate></JournalIssue><Title>Journal of Synthetic Medicine</Title>"
        "<ISOAbbreviation>J Synth Med</ISOAbbreviation></Journal>"
        f"<ArticleTitle>{title}</ArticleTitle><Pagination><MedlinePgn>1-9</MedlinePgn>"
        '</Pagination><AuthorList CompleteYN="Y"><Author ValidYN="Y"><LastName>Author1'
        "</LastName><Initials>A</Initials></Author></AuthorList><Language>eng</Language>"
        '<PublicationTypeList><PublicationType UI="D016449">Randomized Controlled Trial'
        "</PublicationType></PublicationTypeList></Article></MedlineCitation>"
        '<PubmedData><PublicationStatus>ppublish</PublicationStatus><ArticleIdList>'
        f'<ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData>'
        "</PubmedArticle></PubmedArticleSet>"
    )


# ---------------------------------------------------------------- the table


@dataclass(frozen=True)
class Case:
    """One hostile input. `kind`: 'file' (policy add), 'efetch' (resolve), 'esearch' (review
    start), 'cli' (argv)."""

    name: str
    kind: str
    make: Callable[[], bytes] | None = None
    filename: str = "policy.txt"
    expect: str = "ok"  # "ok" | "refused" | "partial" (exit 3)
    message: str = ""  # a regex the one-line refusal must match
    huge: bool = False  # run in a subprocess and measure its peak RSS
    argv: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict)


def _file(name: str) -> Callable[[], bytes]:
    return lambda: (HERE / name).read_bytes()


CASES: list[Case] = [
    # truncated
    Case("policy-cut-mid-reference", "file", truncated_policy, extra={"min_refs": 32}),
    Case("pdf-cut-in-half", "file", half_pdf, "policy.pdf", "refused", r"PDF"),
    Case("efetch-cut-mid-element", "efetch", truncated_efetch, expect="partial",
         message=r"unresolved|could not|truncated|unreadable"),
    # binary
    Case("png", "file", png, "policy.png", "refused", r"binary"),
    Case("zip", "file", zip_file, "policy.zip", "refused", r"binary|not UTF-8"),
    Case("elf", "file", elf, "policy", "refused", r"binary"),
    Case("random-bytes", "file", random_bytes, "policy.txt", "refused", r"binary|not UTF-8"),
    # huge
    Case("60-mb-file", "file", None, "big.txt", "refused", r"larger than 50 MB", huge=True),
    # issue 11: a document without a reference list is stored, with a warning
    Case("5-mb-single-line", "file", one_line, "line.txt", huge=True, extra={"refs": 0}),
    Case("20000-references", "file", many_references, huge=True, extra={"refs": 20_000}),
    Case("10000-identical-references", "file", identical_references, huge=True,
         extra={"refs": 10_000}),
    Case("empty-reference-list", "file", empty_references, extra={"refs": 0}),
    # numbering that repeats or restarts, an entry of 100 KB, two columns: every entry stored
    Case("duplicate-reference-numbers", "file", duplicate_numbers,
         extra={"refs": 6, "printed": ["1", "2", "2", "3", "4", "4"]}),
    Case("restarting-reference-numbers", "file", restarting_numbers,
         extra={"refs": 6, "printed": ["1", "2", "3", "1", "2", "3"]}),
    Case("100-kb-entry", "file", huge_entry, extra={"refs": 3, "longest": 100_000}),
    Case("two-column-pdf", "file", two_column, "policy.pdf",
         extra={"refs": 22, "pmids_in_order": [str(90000000 + n) for n in range(1, 23)]}),
    Case("word-97-doc", "file", ole_doc, "policy.doc", "refused", r"Word 97-2003.*PDF"),
    # encodings
    Case("utf16-with-bom", "file", lambda: utf16(True), extra={"title": "Jalůvka"}),
    Case("utf16-without-bom", "file", lambda: utf16(False), extra={"title": "Jalůvka"}),
    Case("utf16-be-without-bom", "file", lambda: utf16(False, "be"), extra={"title": "Jalůvka"}),
    Case("latin-1", "file", latin1, extra={"title": "Dubský"}),
    Case("cp1252-smart-quotes", "file", cp1252, extra={"title": "\u201cquoted\u201d"}),
    Case("mixed-utf8-and-latin1", "file", mixed_encoding, extra={"refs": 3}),
    Case("invalid-utf8-sequences", "file", invalid_utf8, expect="refused",
         message=r"not UTF-8 or cp1252"),
    Case("nul-bytes", "file", with_nuls, expect="refused", message=r"binary"),
    # absurd PMIDs
    Case("absurd-pmids-in-citations", "file", absurd_pmids, extra={"pmids": []}),
    *[
        Case(f"tag-set-pmid-{label}", "cli", expect="refused", message=r"PMID",
             argv=("tag", "set", pmid, "rct"))
        for label, pmid in [("0", "0"), ("negative", "-5"), ("30-digits", "1" * 30),
                            ("12ab", "12ab"), ("arabic-digits", "\u0661\u0662\u0663")]
    ],
    Case("article-show-pmid-12ab", "cli", expect="refused", message=r"PMID",
         argv=("article", "show", "PMID 12ab")),
    # markup
    Case("html-with-scripts", "file", _file("scripts.html"), "policy.html",
         extra={"no_markup": True, "title": "Synthetic Policy Widgets"}),
    Case("markdown-with-raw-html", "file", _file("scripts.md"), "policy.md",
         extra={"no_markup": True}),
    Case("html-nested-20000-deep", "file", deep_html, "policy.html", "refused",
         r"nested too deeply"),
    Case("efetch-title-with-markup", "efetch", script_efetch, extra={"no_markup_html": True}),
    # XML attacks in an E-utilities answer
    Case("efetch-billion-laughs", "efetch", billion_laughs, expect="partial",
         message=r"unresolved|could not|NCBI"),
    Case("efetch-external-entity-file", "efetch",
         lambda: external_entity("file:///etc/passwd"), extra={"absent": "root:"}),
    Case("efetch-external-entity-http", "efetch",
         lambda: external_entity("http://127.0.0.1:9/x"), extra={"absent": "127.0.0.1"}),
    Case("efetch-unknown-dtd", "efetch", unknown_dtd),
    Case("esearch-external-entity-file", "esearch", esearch_external_entity,
         extra={"absent": "root:"}),
    Case("esearch-billion-laughs", "esearch", esearch_billion_laughs, expect="partial",
         message=r"esearch|NCBI"),
    # SQL metacharacters, ids, titles
    Case("sql-metacharacters-everywhere", "file", sql_policy, argv=("--id", SQL),
         extra={"sql": True, "id": "drop-table-policy-or-1-1"}),
    Case("path-like-policy-id", "file", lambda: small_policy().encode(),
         argv=("--id", "../../etc/passwd"), extra={"id": "etc-passwd"}),
    Case("very-long-id-and-title", "file", lambda: small_policy().encode(),
         argv=("--id", "x" * 5000, "--title", "T" * 100_000), extra={"id": "x" * 80}),
    Case("ansi-escapes-in-title", "file", ansi_title, extra={"no_control": True}),
    Case("ansi-escapes-in-title-option", "file", lambda: small_policy().encode(),
         argv=("--title", "\x1b[2J\x1b[31mRED\x1b[0m\n\x07x"), extra={"no_control": True}),
]
