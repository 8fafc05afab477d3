"""evidence: check, tag and review the literature behind health-plan medical policies.

The command line (`evidence ...`) is a thin layer over this library; see `evidence.services`
for one module per command. Importing the package does nothing else, so the CLI starts fast.
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name == "__version__":  # importlib.metadata costs ~20 ms: only when asked
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("evidence")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            return "0.0.0"
    raise AttributeError(name)
