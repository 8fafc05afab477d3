"""`-o PATH`: what is at PATH decides how it is written; nothing that is not ours is replaced.

Real files, links, FIFOs and (as root) a character device made with mknod in a temp folder:
never the system's /dev/null."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading

import pytest
from _export_data import POLICY, build_store

from evidence.errors import InputError
from evidence.files import write_output


@pytest.fixture
def store(engine):  # type: ignore[no-untyped-def]
    build_store(engine)
    return engine


def test_a_symlink_stays_a_link_and_its_target_gets_the_text(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_output(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "missing.txt")
    write_output(link, "made")
    assert link.is_symlink() and (tmp_path / "missing.txt").read_text() == "made"


def test_a_read_only_file_is_refused_unless_forced(tmp_path):
    path = tmp_path / "keep.ris"
    path.write_text("the user's")
    path.chmod(0o444)
    with pytest.raises(InputError, match="read-only"):
        write_output(path, "ours")
    assert path.read_text() == "the user's"
    write_output(path, "ours", force=True)
    assert path.read_text() == "ours" and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_fifo_is_written_in_place_not_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    write_output(fifo, "through the pipe")
    reader.join(5)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_a_character_device_is_written_in_place_not_replaced(tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # a copy of /dev/null's node
    write_output(null, "discarded")
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_folder_is_refused(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        write_output(tmp_path, "x")


def test_no_temporary_file_is_left_when_the_folder_is_missing(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        write_output(tmp_path / "nope" / "x.txt", "x")


# ---------------------------------------------------------------- through the CLI


def test_export_to_a_read_only_file_is_one_line_and_exit_1(cli, store, tmp_path):
    path = tmp_path / "refs.ris"
    path.write_text("mine")
    path.chmod(0o444)
    result = cli("export", POLICY, "-o", str(path))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"Error: {path} is read-only (use --force to replace it)"
    ] or "read-only" in result.stderr
    assert path.read_text() == "mine"
    assert cli("export", POLICY, "-o", str(path), "--force").exit_code == 0
    assert "TY  - JOUR" in path.read_text()


@pytest.mark.parametrize("command", [("export", POLICY), ("report", POLICY)])
def test_an_unknown_suffix_without_format_is_a_usage_error(cli, store, tmp_path, command):
    out = tmp_path / "refs.weird"
    result = cli(*command, "-o", str(out))
    assert result.exit_code == 2
    assert "cannot tell the format" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(("suffix", "marker"), [(".html", "<!DOCTYPE html>"), (".md", "# "), (".json", '"policy"')])
def test_report_format_follows_the_output_suffix(cli, store, tmp_path, suffix, marker):
    out = tmp_path / f"report{suffix}"
    assert cli("report", POLICY, "-o", str(out)).exit_code == 0
    assert out.read_text("utf-8").lstrip().startswith(marker) or marker in out.read_text("utf-8")


@pytest.mark.parametrize("command", [("export", POLICY, "--format", "RIS"), ("report", POLICY, "--format", "HTML")])
def test_format_names_are_case_insensitive(cli, store, command):
    result = cli(*command)
    assert result.exit_code == 0, result.stderr


def test_export_to_dash_is_stdout(cli, store):
    result = cli("export", POLICY, "-o", "-")
    assert result.exit_code == 0 and "TY  - JOUR" in result.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod of a character device needs root")
def test_export_to_a_device_node_in_a_real_process_keeps_the_node(store, tmp_path):
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    proc = subprocess.run(
        [sys.executable, "-m", "evidence", "export", POLICY, "--format", "ris", "-o", str(null)],
        capture_output=True, text=True, env=os.environ.copy(), timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(null.stat().st_mode)


def test_a_writer_function_streams_utf8_text_without_newline_translation(tmp_path):
    target = tmp_path / "refs.ris"
    write_output(target, lambda out: (out.write("Dubský\r\n"), out.write("x\n")))
    assert target.read_bytes() == "Dubský\r\nx\n".encode()


def test_a_writer_that_fails_part_way_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "refs.ris"
    target.write_text("old\n")

    def half(out):  # type: ignore[no-untyped-def]
        out.write("new " * 10_000)
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_output(target, half)
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.ris"]
