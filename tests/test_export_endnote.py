"""EndNote XML is written a record at a time, in the layout `ET.indent` gives the whole tree."""

from __future__ import annotations

import io
from xml.etree import ElementTree as ET

from _export_data import POLICY, build_store

from evidence.export import endnote
from evidence.services.export import gather_entries


def _whole_tree(entries, stream):  # type: ignore[no-untyped-def]
    root = ET.Element("xml")
    records = ET.SubElement(root, "records")
    for e in entries:
        records.append(endnote.to_record(e))
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n")


def test_record_by_record_is_the_whole_tree_indented(engine):
    build_store(engine)
    entries = gather_entries(engine, POLICY, include_candidates=True)
    for some in (entries, entries[:1], []):
        streamed, whole = io.StringIO(newline=""), io.StringIO(newline="")
        endnote.write(some, streamed)
        _whole_tree(some, whole)
        assert streamed.getvalue() == whole.getvalue()
        ET.fromstring(streamed.getvalue().encode())  # still one well-formed document
