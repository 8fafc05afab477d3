"""The fingerprint of one PubMed record's XML, kept by the watch to tell an unchanged record
from a changed one without reading it (hashlib only: cheap to import)."""

from __future__ import annotations

import hashlib


def record_digest(raw_xml: str) -> str:
    """A short fingerprint of one record's XML as NCBI sent it: equal digests, same record."""
    return hashlib.blake2b(raw_xml.encode("utf-8"), digest_size=20).hexdigest()
