"""Policy document -> `PolicyDocument`: the pure parser (bytes or text in, records out).

`read_document` turns a file's bytes (plain text, Markdown, HTML, PDF) into plain text;
`parse_policy` reads that text's dates, coverage statements, codes, conclusion and numbered
reference list. Neither touches the store, the network or the environment.
"""

from __future__ import annotations

from evidence.records import PolicyDocument

__all__ = ["parse_policy", "read_document"]


def read_document(data: bytes, name: str = "-") -> str:
    """Decode a policy file's bytes (text, Markdown, HTML or PDF) into plain text."""
    from evidence.policy.read import read_text

    return read_text(data, name)


def parse_policy(text: str) -> PolicyDocument:
    """Parse a policy's plain text; raises InputError when it has no reference list."""
    from evidence.policy.document import parse_document

    return parse_document(text)
