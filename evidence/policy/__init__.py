"""Policy document -> PolicyDocument. (Placeholder; the parser lands with issue #2.)"""

from __future__ import annotations

from evidence.errors import InputError
from evidence.records import PolicyDocument


def read_document(data: bytes, name: str = "-") -> str:
    """Decode a policy file's bytes (text, Markdown, HTML or PDF) into plain text."""
    if not data.strip():
        raise InputError(f"{name} is empty")
    return data.decode("utf-8")


def parse_policy(text: str) -> PolicyDocument:
    """Parse a policy's plain text."""
    raise InputError("the policy parser is not built yet")
