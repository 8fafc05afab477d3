"""Policy document -> `PolicyDocument`: the pure parser (bytes or text in, records out).

`read_document` turns a file's bytes (plain text, Markdown, HTML, PDF) into plain text;
`parse_policy` reads that text's dates, coverage statements, codes, conclusion and reference
list (found in any common layout). Neither touches the store, the network or the environment.
"""

from __future__ import annotations

from evidence.records import PolicyDocument

__all__ = ["parse_policy", "read_document"]


def read_document(data: bytes, name: str = "-", notes: list[str] | None = None) -> str:
    """Decode a policy file's bytes (text, Markdown, HTML, PDF, DOCX or RTF) into plain text;
    what reading had to do to the text (two columns read one by one) is appended to `notes`."""
    from evidence.policy.read import read_text

    return read_text(data, name, notes)


def parse_policy(text: str) -> PolicyDocument:
    """Parse a policy's plain text (a document without a reference list gets a warning)."""
    from evidence.policy.document import parse_document

    return parse_document(text)
