"""`evidence.citations` is pure: no store, service, CLI, HTTP or terminal code. Only the training
recipe reads the real PubMed samples, with the project's own (network-free) efetch parser."""

from __future__ import annotations

import ast
from pathlib import Path

import evidence.citations

FORBIDDEN = (
    "evidence.store",
    "evidence.services",
    "evidence.cli",
    "evidence.console",
    "evidence.policy",
    "evidence.entrez",
    "sqlmodel",
    "sqlalchemy",
    "typer",
    "rich",
    "requests",
)
ALLOWED = {("train.py", "evidence.entrez.parse")}


def test_citations_imports_nothing_impure():
    folder = Path(evidence.citations.__file__).parent
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if (path.name, name) in ALLOWED:
                    continue
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
