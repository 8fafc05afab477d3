"""`evidence.tagging` is pure: it imports no store, service, CLI, HTTP or terminal code."""

from __future__ import annotations

import ast
from pathlib import Path

import evidence.tagging

FORBIDDEN = (
    "evidence.store",
    "evidence.services",
    "evidence.cli",
    "evidence.entrez",
    "evidence.console",
    "sqlmodel",
    "sqlalchemy",
    "typer",
    "rich",
    "requests",
)


def test_tagging_imports_nothing_impure():
    folder = Path(evidence.tagging.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
