"""The CLI contract every command shares: help, version, exit codes, one-line errors."""

from __future__ import annotations


def test_help_lists_every_verb(cli):
    result = cli("--help")
    assert result.exit_code == 0
    for verb in ("policy", "resolve", "article", "tag", "report", "review", "export", "db"):
        assert verb in result.stdout


def test_version(cli):
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("evidence ")


def test_unknown_policy_is_one_line_exit_1(cli, tmp_path):
    result = cli("policy", "show", "no-such-policy")
    assert result.exit_code == 1
    store = tmp_path / "evidence.sqlite"  # the message says which store it looked in
    assert result.stderr.strip().splitlines() == [
        f"Error: no policy 'no-such-policy' in {store} (see 'evidence policy list')"
    ]
    assert "Traceback" not in result.output


def test_usage_error_is_exit_2(cli):
    assert cli("policy", "add").exit_code == 2
