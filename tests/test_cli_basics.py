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


def test_unknown_policy_is_one_line_exit_1(cli):
    result = cli("policy", "show", "no-such-policy")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["Error: no policy 'no-such-policy' (see 'evidence policy list')"]
    assert "Traceback" not in result.output


def test_usage_error_is_exit_2(cli):
    assert cli("policy", "add").exit_code == 2
