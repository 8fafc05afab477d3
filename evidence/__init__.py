"""evidence: check, tag and review the literature behind health-plan medical policies.

The command line (`evidence ...`) is a thin layer over this library; see `evidence.services`
for one function per command.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("evidence")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"
