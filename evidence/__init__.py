"""evidence: check, tag and review the literature behind health-plan medical policies.

The command line (`evidence ...`) is a thin layer over this library; see `evidence.services`
for one module per command. Importing the package does nothing else, so the CLI starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path


def installed_version() -> str | None:
    """The installed distribution's version (None: running from a bare source tree).

    Read from the first `evidence-*.dist-info/METADATA` on sys.path, where importlib.metadata
    would find it too; importing importlib.metadata costs more than the report it is printed
    in spends reading (issue #16), so it is only the fallback."""
    for entry in sys.path:
        folder = Path(entry or ".")
        try:
            found = sorted(folder.glob("evidence-*.dist-info"))
        except OSError:
            continue
        for info in found:
            try:
                with open(info / "METADATA", encoding="utf-8") as fh:
                    head = [next(fh, "") for _ in range(5)]
            except OSError:
                continue
            fields = dict(line.rstrip("\n").split(": ", 1) for line in head if ": " in line)
            if fields.get("Name", "").lower() == "evidence" and fields.get("Version"):
                return fields["Version"]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("evidence")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return None


def __getattr__(name: str) -> str:
    if name == "__version__":
        return installed_version() or "0.0.0"
    raise AttributeError(name)
