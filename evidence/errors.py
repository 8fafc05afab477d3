"""The exceptions the library raises for things a user can fix.

Every user-facing failure is an `EvidenceError`: the CLI prints its message as one line on
stderr and exits with `exit_code`. Anything else escaping the library is a bug.
"""

from __future__ import annotations


class EvidenceError(Exception):
    """A problem the user can act on; `hint` says how."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


class InputError(EvidenceError):
    """A file or argument we cannot use: empty, binary, wrong encoding, no reference list."""


class NotFound(EvidenceError):
    """An id (policy, PMID, cycle) that is not in the store."""


class StoreError(EvidenceError):
    """The database cannot be opened or is in a state we refuse to touch."""


class SchemaTooNew(StoreError):
    """The store was written by a newer `evidence`; upgrading the tool is the fix."""


class EntrezError(EvidenceError):
    """NCBI answered, but not with something we can use, even after retries."""


class EntrezUnavailable(EntrezError):
    """NCBI could not be reached (or offline mode and nothing cached)."""


class ExportError(EvidenceError):
    """An export could not be produced."""


class CtgovError(EvidenceError):
    """ClinicalTrials.gov answered, but not with something we can use, even after retries."""


class CtgovUnavailable(CtgovError):
    """ClinicalTrials.gov could not be reached (or offline mode and nothing cached)."""
