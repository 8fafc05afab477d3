"""The README is the user's map: every command is in it, and every command has help."""

from __future__ import annotations

import pytest
import typer
from conftest import ROOT

from evidence.cli import app


def _commands() -> list[tuple[str, ...]]:
    root = typer.main.get_command(app)
    found = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        found.append((name,))
        for sub in getattr(cmd, "commands", {}):
            found.append((name, sub))
    return found


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_every_command_has_help_and_is_in_the_readme(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"evidence {' '.join(path)}" in readme


def test_readme_shows_the_two_commands_first():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.index("make demo") < readme.index("## A tour")
    assert "make test" in readme
