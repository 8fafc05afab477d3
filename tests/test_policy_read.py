"""Bytes -> text: encodings, refusals, and the HTML, Markdown and PDF forms of the example."""

from __future__ import annotations

import pytest
from conftest import EXAMPLE
from policy_forms import DEJAVU, scanned_pdf, to_html, to_pdf

from evidence.errors import InputError
from evidence.policy import parse_policy, read_document

needs_font = pytest.mark.skipif(not DEJAVU.exists(), reason=f"{DEJAVU} absent (Debian package fonts-dejavu-core)")


@pytest.fixture(scope="module")
def example_text() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def expected(example_text):  # type: ignore[no-untyped-def]
    return parse_policy(read_document(example_text.encode(), "example.txt"))


def same_policy(doc, expected) -> None:  # type: ignore[no-untyped-def]
    """What a user relies on: references (all fields), dates, statements, codes, conclusion."""
    assert [c.pmid for c in doc.references] == [c.pmid for c in expected.references]
    assert doc.references == expected.references
    assert (doc.effective_date, doc.last_reviewed) == (
        expected.effective_date,
        expected.last_reviewed,
    )
    assert doc.statements == expected.statements
    assert doc.codes == expected.codes
    assert doc.conclusion == expected.conclusion
    assert (doc.related, doc.published) == (expected.related, expected.published)


# ---------------------------------------------------------------- encodings


@pytest.mark.parametrize("prefix", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "utf-8-bom"])
def test_utf8_with_or_without_bom(prefix):
    assert read_document(prefix + "Procházka V\r\n".encode(), "a.txt") == "Procházka V\n"


def test_cp1252_is_decoded():
    assert read_document("Café Dubský – “quoted”".encode("cp1252"), "a.txt") == "Café Dubský – “quoted”"


def test_unicode_is_nfc():
    decomposed = "Jalu\u030avka F"
    assert read_document(decomposed.encode(), "a.txt") == "Jalůvka F"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "a.txt: the file is empty"),
        (b"  \n\t\r\n ", "a.txt: the file is empty"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00binary", "a.txt: binary file, not a policy document"),
        (bytes(range(1, 32)) * 20, "a.txt: binary file, not a policy document"),
        (b"policy text \x81\x8d\x8f\x90\x9d more", "a.txt: not UTF-8 or cp1252 text"),
        (b"%PDF-1.4\n% not really a pdf", "a.txt: not a readable PDF"),
        (b"<html><body><script>x()</script></body></html>", "a.txt: the document has no text"),
    ],
)
def test_refusals_are_one_line_and_name_the_file(data, message):
    with pytest.raises(InputError) as info:
        read_document(data, "a.txt")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


# ---------------------------------------------------------------- HTML


def test_html_form_gives_the_same_policy(example_text, expected):
    page = to_html(example_text, title="Stem-Cell Therapy for Peripheral Arterial Disease")
    text = read_document(page.encode(), "policy.html")
    assert "99999999" not in text and "alert" not in text  # <script> dropped
    assert "88888888" not in text and "color" not in text  # <style> dropped
    assert "*N Engl J Med.*" in text  # <em> journal kept as *...*
    doc = parse_policy(text)
    same_policy(doc, expected)
    assert doc.title == "Stem-Cell Therapy for Peripheral Arterial Disease"


def test_html_is_sniffed_without_an_extension(example_text, expected):
    doc = parse_policy(read_document(to_html(example_text).encode(), "<stdin>"))
    same_policy(doc, expected)


def test_html_blocks_breaks_and_entities():
    page = (
        "<html><body><h1>Widget &amp; Gadget Policy</h1><div>one<br>two</div>"
        "<ol start='4'><li>Doe J. <i>J Widg.</i></li><li>Roe R.</li></ol></body></html>"
    )
    assert read_document(page.encode(), "p.htm").split("\n") == [
        "Widget & Gadget Policy",
        "",
        "one",
        "two",
        "",
        "4. Doe J. *J Widg.*",
        "",
        "5. Roe R.",
    ]


# ---------------------------------------------------------------- Markdown


def test_markdown_headings_emphasis_and_one_dot_lists():
    md = "# Widget Policy\n\n## REFERENCES\n\n1. Doe J. *J Widg.* 2020.\n1. Roe R. *J Gadg.* 2021.\n"
    assert read_document(md.encode(), "p.md").split("\n") == [
        "Widget Policy",
        "",
        "REFERENCES",
        "",
        "1. Doe J. *J Widg.* 2020.",
        "",
        "2. Roe R. *J Gadg.* 2021.",
    ]


def test_markdown_form_of_the_example(example_text, expected):
    doc = parse_policy(read_document(example_text.encode(), "policy.md"))
    same_policy(doc, expected)


# ---------------------------------------------------------------- PDF


@needs_font
def test_pdf_form_gives_the_same_policy(example_text, expected):
    data = to_pdf(example_text)
    text = read_document(data, "policy.pdf")
    assert "Procházka V, Gumulec J, Jalůvka F" in text
    same_policy(parse_policy(text), expected)


def test_scanned_pdf_has_no_text_layer():
    with pytest.raises(InputError, match=r"^scan\.pdf: PDF has no text layer \(scanned\?\); run OCR first$"):
        read_document(scanned_pdf(), "scan.pdf")


# ---------------------------------------------------------------- Word, RTF, two columns (#11, #15)

WORD_POLICY = """= Widget Therapy for Gadgetosis
Policy Number: MP-0999
# Policy Statement
Widget therapy is not medically necessary.
# References
1. Abernathy KL, Osei-Bonsu M. Widget therapy for gadgetosis. *J Gadget Med.* 2021;14(3):201-212.
1. Bergqvist H. Widget outcomes. *Widget Surg Rev.* 2019;7(2):88-97.
# Policy History
- 01/01/2026 New policy.
"""


def test_docx_keeps_words_numbering_and_italics():
    from policy_forms import to_docx

    text = read_document(to_docx(WORD_POLICY), "policy.docx")
    assert "1. Abernathy KL, Osei-Bonsu M. Widget therapy for gadgetosis. *J Gadget Med.* 2021" in text
    assert "\n2. Bergqvist H." in text and "- 01/01/2026 New policy." in text
    doc = parse_policy(text)
    assert (doc.title, doc.policy_number) == ("Widget Therapy for Gadgetosis", "MP-0999")
    assert [(c.number, c.journal) for c in doc.references] == [(1, "J Gadget Med"), (2, "Widget Surg Rev")]


def test_rtf_is_read_as_its_text():
    rtf = (
        rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\f0 Widget Therapy\par References\par "
        rb"1. Proch\u225?zka V. Widgets. J Gadget Med. 2021;14:1-9.\par 2. Sk\'f3ra J. Gadgets. "
        rb"J Gadget Med. 2022;15:2-9.\par}"
    )
    text = read_document(rtf, "policy.rtf")
    assert "Procházka V" in text and "Skóra J" in text
    assert [c.authors[0] for c in parse_policy(text).references] == ["Procházka V", "Skóra J"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512),
            "a.doc: a Word 97-2003 (.doc) or other OLE file; save it as PDF",
        ),
        (None, "a.odt: an OpenDocument file, which evidence does not read; save it as PDF, DOCX or plain text"),
        (b"PK\x03\x04 not really a zip", "a.bin: binary file"),
    ],
    ids=["doc", "odt", "broken-zip"],
)
def test_formats_we_do_not_read_are_refused_in_one_line(data, message):
    import io
    import zipfile

    if data is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            z.writestr("content.xml", "<office:document-content/>")
        data = buffer.getvalue()
    name = message.split(":")[0]
    with pytest.raises(InputError) as caught:
        read_document(data, name)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_two_column_pdf_is_read_column_by_column_and_says_so():
    from policy_forms import two_column_pdf

    entries = [
        f"{n}. Author{n} A, Writer B. A synthetic study number {n} of widgets in gadgetosis. "
        f"J Synth Med. 2016;37({n}):{n}-{n + 9}. PMID: {90000000 + n}."
        for n in range(1, 23)
    ]
    head = ["Widget Therapy for Gadgetosis", "Policy Statement", "Widget therapy is not medically necessary.",
            "References"]  # fmt: skip
    data = two_column_pdf(head, entries, ["Policy History", "01/01/2026 New policy."])
    notes: list[str] = []
    doc = parse_policy(read_document(data, "two.pdf", notes))
    assert notes == ["two.pdf: page 1 set in two columns; read column by column"]
    assert [(c.number, c.pmid) for c in doc.references] == [(n, str(90000000 + n)) for n in range(1, 23)]
    assert [c.raw for c in doc.references] == [e.split(". ", 1)[1] for e in entries]
    assert doc.warnings == ()


def test_one_column_pdf_is_not_taken_for_two(example_text):
    notes: list[str] = []
    read_document(to_pdf(example_text), "example.pdf", notes)
    assert notes == []


def test_numbering_read_across_two_columns_is_named_in_a_warning():
    text = "Policy\n\nNot covered.\n\nReferences\n\n" + "\n".join(
        line for n in range(1, 6) for line in (f"{n}. Author{n} A. Study {n}. J Synth Med. 2016;1:{n}-9.",
                                               f"{n + 10}. Writer{n} B. Trial {n}. J Synth Med. 2017;2:{n}-9.")
    )  # fmt: skip
    doc = parse_policy(text)
    assert len(doc.references) == 10  # every entry kept, none merged or dropped
    assert doc.warnings[0].startswith("the reference numbering goes back 4 times: the text may be two columns")
