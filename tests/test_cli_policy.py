"""`evidence policy add|list|show` against a real SQLite store: revisions, titles, bad input."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import DATA, EXAMPLE

TITLE = "Stem-Cell Therapy for Peripheral Arterial Disease"


def add_example(cli, *extra: str):  # type: ignore[no-untyped-def]
    result = cli("policy", "add", str(EXAMPLE), "--id", "stem-cell-pad", "--title", TITLE, *extra)
    assert result.exit_code == 0, result.output
    return result


def store_dump() -> list[str]:
    """Every row of the store, as SQL text (the autouse fixture points EVIDENCE_DB at tmp_path)."""
    path = Path(os.environ["EVIDENCE_DB"])
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def count(table: str) -> int:
    with sqlite3.connect(os.environ["EVIDENCE_DB"]) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_add_then_show_and_list_json(cli):
    result = add_example(cli)
    assert "Added policy 'stem-cell-pad' with 32 references." in result.stderr
    view = json.loads(cli("policy", "show", "stem-cell-pad", "--json").stdout)
    assert (view["title"], view["title_source"], view["revision"]) == (TITLE, "option", 1)
    assert (view["effective_date"], view["last_reviewed"]) == ("2026-01-01", "2025-09-17")
    assert [r["number"] for r in view["references"]] == list(range(1, 33))
    assert view["references"][11]["authors"][:3] == ["Procházka V", "Gumulec J", "Jalůvka F"]
    assert [(s["product"], s["status"]) for s in view["statements"]] == [
        ("Medicare Advantage Plans", "not covered"),
        ("Commercial Products", "not medically necessary"),
    ]
    assert [c["code"] for c in view["codes"]] == ["0263T", "0264T", "0265T"]
    assert view["conclusion"].startswith("The evidence is insufficient to determine")
    assert view["published"] == "Provider Update, November 2025"
    rows = json.loads(cli("policy", "list", "--json").stdout)
    assert [(r["id"], r["revision"], r["references"]) for r in rows] == [("stem-cell-pad", 1, 32)]


def test_show_prints_the_policy(cli):
    add_example(cli)
    result = cli("policy", "show", "stem-cell-pad")
    assert result.exit_code == 0
    assert TITLE in result.stdout and "32 references" in result.stdout
    assert "Medicare Advantage Plans: not covered" in result.stdout


def test_same_file_again_is_unchanged(cli):
    add_example(cli)
    before = store_dump()
    result = add_example(cli)
    assert "Unchanged: policy 'stem-cell-pad'" in result.stderr
    assert store_dump() == before
    assert count("policyrevision") == 1


def test_changed_file_is_revision_2_and_keeps_revision_1(cli, tmp_path):
    add_example(cli)
    changed = tmp_path / "changed.txt"
    changed.write_text(
        EXAMPLE.read_text(encoding="utf-8").replace("09|17|2025", "09|17|2026"), encoding="utf-8"
    )
    result = cli("policy", "add", str(changed), "--id", "stem-cell-pad", "--title", TITLE)
    assert result.exit_code == 0
    assert "Stored revision 2 of policy 'stem-cell-pad'" in result.stderr
    view = json.loads(cli("policy", "show", "stem-cell-pad", "--json").stdout)
    assert (view["revision"], view["last_reviewed"]) == (2, "2026-09-17")
    assert len(view["references"]) == 32
    assert count("policyrevision") == 2
    assert count("reference") == 64  # revision 1's rows stay


def test_add_from_stdin(cli):
    result = cli("policy", "add", "-", "--id", "from-stdin", input=EXAMPLE.read_bytes())
    assert result.exit_code == 0, result.output
    assert (
        "No title in the document; using 'Untitled policy' (set one with --title)." in result.stderr
    )
    view = json.loads(cli("policy", "show", "from-stdin", "--json").stdout)
    assert (view["source_file"], len(view["references"])) == ("<stdin>", 32)


@pytest.mark.parametrize(
    ("args", "title", "source", "message"),
    [
        (["--title", "Given Title"], "Given Title", "option", None),
        ([], "Stem cell pad", "default", "No title in the document; using 'Stem cell pad'"),
    ],
)
def test_title_option_or_default(cli, tmp_path, args, title, source, message):
    path = tmp_path / "stem_cell-pad.txt"
    path.write_bytes(EXAMPLE.read_bytes())
    result = cli("policy", "add", str(path), "--id", "p", *args)
    view = json.loads(cli("policy", "show", "p", "--json").stdout)
    assert (view["title"], view["title_source"]) == (title, source)
    assert (message in result.stderr) if message else ("No title" not in result.stderr)


def test_title_from_the_document_and_warnings_shown(cli):
    path = DATA / "policies" / "other-identifiers.md"
    result = cli("policy", "add", str(path), "--json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert (out["id"], out["title"], out["references"]) == (
        "widget-therapy-for-gadgetosis",
        "Widget Therapy for Gadgetosis",
        6,
    )
    assert "Warning: reference 6: could not find the journal and date" in result.stderr
    view = json.loads(cli("policy", "show", out["id"], "--json").stdout)
    assert view["title_source"] == "document"
    assert view["references"][5]["raw"].startswith("Widget manufacturer.")


# ---------------------------------------------------------------- bad input


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    no_refs = EXAMPLE.read_text(encoding="utf-8").split("REFERENCES")[0]
    files = {
        "empty.txt": b"",
        "blank.txt": b"   \n\n",
        "binary.bin": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        "undecodable.txt": b"POLICY \x81\x8d\x8f\x90\x9d STATEMENT",
        "no-refs.txt": no_refs.encode(),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in files}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("empty.txt", "Error: empty.txt: the file is empty"),
        ("blank.txt", "Error: blank.txt: the file is empty"),
        ("binary.bin", "Error: binary.bin: binary file, not a policy document"),
        ("undecodable.txt", "Error: undecodable.txt: not UTF-8 or cp1252 text"),
        ("missing.txt", "Error: {tmp}/missing.txt: no such file"),
        ("show unknown", "Error: no policy 'nope'"),
    ],
)
def test_bad_input_exit_1_one_line_store_unchanged(cli, tmp_path, case, message):
    add_example(cli)
    files = _bad_files(tmp_path)
    before = store_dump()
    if case == "show unknown":
        result = cli("policy", "show", "nope")
    else:
        result = cli(
            "policy", "add", str(files.get(case, tmp_path / case)), "--id", "stem-cell-pad"
        )
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message.format(tmp=tmp_path))
    assert "Traceback" not in result.output
    assert store_dump() == before


def test_a_policy_without_references_is_stored_with_one_warning(cli, tmp_path):
    files = _bad_files(tmp_path)
    result = cli("policy", "add", str(files["no-refs.txt"]), "--id", "no-refs", "--json")
    assert result.exit_code == 0, result.output
    assert "Warning: no reference list found; stored without references" in result.stderr
    assert "Added policy 'no-refs' with 0 references." in result.stderr
    view = json.loads(cli("policy", "show", "no-refs", "--json").stdout)
    assert view["references"] == []
    assert [s["status"] for s in view["statements"]] == ["not covered", "not medically necessary"]


@pytest.mark.parametrize(
    ("typed", "stored", "said"),
    [
        ("000_c6c3683f7fda1044", "000_c6c3683f7fda1044", False),
        ("Stem-Cell.PAD_v2", "Stem-Cell.PAD_v2", False),
        ("my policy/2026", "my-policy-2026", True),
        ("../../etc/passwd", "etc-passwd", True),
    ],
)
def test_ids_are_kept_as_typed_when_safe(cli, typed, stored, said):
    result = cli("policy", "add", str(EXAMPLE), "--id", typed, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == stored
    assert (f"stored as {stored!r}" in result.stderr) is said
    for argv in (("policy", "show", typed, "--json"), ("report", typed, "--format", "json")):
        shown = cli(*argv)  # every command finds it by the id the user typed
        assert shown.exit_code == 0, (argv, shown.output)
    assert json.loads(cli("policy", "show", typed, "--json").stdout)["id"] == stored


def test_show_gives_policy_number_dates_groups_and_positions(cli):
    path = DATA / "policies" / "blue-plan-position-statement.md"
    assert cli("policy", "add", str(path), "--id", "blue").exit_code == 0
    view = json.loads(cli("policy", "show", "blue", "--json").stdout)
    assert (view["policy_number"], view["original_effective"], view["next_review"]) == (
        "MED.00999", "2019-01-01", "2026-11-12",
    )
    assert view["last_reviewed"] == "2025-11-13"
    assert [r["group"] for r in view["references"]][3:5] == [
        "Peer Reviewed Publications",
        "Government Agency, Medical Society, and Other Authoritative Publications",
    ]
    text = cli("policy", "show", "blue").stdout
    assert "Policy number MED.00999" in text and "next review 2026-11-12" in text
    assert "All products: investigational — Widget therapy is considered investigational" in text


def test_cp1252_file_is_accepted_and_decoded(cli, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("Skóra J", "Skóra J, Café A")
    path = tmp_path / "ansi.txt"
    path.write_bytes(text.encode("cp1252", errors="replace"))
    result = cli("policy", "add", str(path), "--id", "ansi")
    assert result.exit_code == 0, result.output
    view = json.loads(cli("policy", "show", "ansi", "--json").stdout)
    assert view["references"][13]["authors"][:2] == ["Skóra J", "Café A"]


def test_bad_input_on_a_fresh_machine_creates_no_store(cli, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = cli("policy", "add", str(tmp_path / "empty.txt"))
    assert result.exit_code == 1
    assert not Path(os.environ["EVIDENCE_DB"]).exists()


@pytest.mark.parametrize("form", ["html", "pdf"])
def test_add_html_and_pdf_forms(cli, tmp_path, form):
    from policy_forms import DEJAVU, to_html, to_pdf

    if form == "pdf" and not DEJAVU.exists():
        pytest.skip(f"{DEJAVU} absent (Debian package fonts-dejavu-core)")
    text = EXAMPLE.read_text(encoding="utf-8")
    path = tmp_path / f"policy.{form}"
    path.write_bytes(to_html(text).encode() if form == "html" else to_pdf(text))
    assert cli("policy", "add", str(path), "--id", form).exit_code == 0
    view = json.loads(cli("policy", "show", form, "--json").stdout)
    assert [r["pmid"] for r in view["references"]][:3] == ["26962905", "26264874", "25993296"]
    assert len(view["references"]) == 32 and len(view["codes"]) == 3


@pytest.mark.parametrize("style_file", ["guidance-page.docx.txt", "state-medicaid.rtf", "hta-report.pdf.txt"])
def test_add_word_rtf_and_paged_pdf_policies(cli, tmp_path, style_file):
    from policy_styles import STYLES, expected_raws, policy_file

    style = next(s for s in STYLES if s.file == style_file)
    data, name = policy_file(style)
    path = tmp_path / name
    path.write_bytes(data)
    result = cli("policy", "add", str(path), "--id", "p")
    assert result.exit_code == 0, result.output
    view = json.loads(cli("policy", "show", "p", "--json").stdout)
    assert [r["raw"].replace("*", "") for r in view["references"]] == expected_raws(style)
    assert (view["title"], view["policy_number"]) == (style.title, style.policy_number)


def test_two_column_pdf_is_stored_in_order_with_a_warning_naming_it(cli, tmp_path):
    from policy_forms import two_column_pdf

    entries = [f"{n}. Author{n} A. Study {n} of widgets in gadgetosis. J Synth Med. 2016;37:{n}-{n + 9}. "
               f"PMID: {90000000 + n}." for n in range(1, 21)]  # fmt: skip
    head = ["Widget Therapy", "Policy Statement", "Widgets are not covered.", "References"]
    path = tmp_path / "two.pdf"
    path.write_bytes(two_column_pdf(head, entries, ["Policy History"]))
    result = cli("policy", "add", str(path), "--id", "two")
    assert result.exit_code == 0, result.output
    assert "Warning: two.pdf: page 1 set in two columns; read column by column" in result.stderr
    view = json.loads(cli("policy", "show", "two", "--json").stdout)
    assert [r["pmid"] for r in view["references"]] == [str(90000000 + n) for n in range(1, 21)]


def test_a_word_97_file_is_refused_in_one_line(cli, tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    result = cli("policy", "add", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: old.doc: a Word 97-2003 (.doc) or other OLE file; save it as PDF, DOCX or plain text"
    )


def test_a_long_list_of_warnings_is_cut_short_on_the_terminal_but_whole_in_json(cli, tmp_path):
    refs = "\n".join(f"{i}. Author{i} A. A study of thing {i}. Journal {i}. 2001;{i}:1-9." for i in range(1, 41))
    doc = tmp_path / "many.txt"
    doc.write_text(f"Many Warnings Policy\n\nPolicy\nNot medically necessary.\n\nReferences\n{refs}\n")
    result = cli("policy", "add", str(doc), "--id", "many", "--json")
    assert result.exit_code == 0, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("Warning:")]
    everything = json.loads(result.stdout)["warnings"]
    assert len(everything) > 21
    assert len(lines) == 21 and lines[-1].startswith(f"Warning: ... and {len(everything) - 20} more")
    assert "evidence policy show many" in lines[-1]
