"""Settings: flag > environment variable > default.

The names of the environment variables are a contract with users' scripts; keep them.
`Settings.__repr__` hides the API key so it cannot leak through logs or tracebacks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULT_DB = "db/evidence.sqlite"
DEFAULT_CACHE = "db/http_cache.sqlite"
DEFAULT_EUTILS_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
DEFAULT_CACHE_DAYS = 30


def find_store(start: Path | None = None) -> Path:
    """The store a bare `evidence` means: the nearest `db/evidence.sqlite` in this folder or a
    parent (as git finds `.git`), so a command run from a sub-folder of the project sees the
    same policies; else `./db/evidence.sqlite`."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / DEFAULT_DB
        if candidate.is_file():
            return candidate
    return here / DEFAULT_DB


def store_label(db_url: str) -> str:
    """How messages name a store: its file for SQLite, the URL without password otherwise."""
    if db_url.startswith("sqlite:///"):
        return db_url[len("sqlite:///"):]
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(db_url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return db_url


def database_url(value: str) -> str:
    """Accept a path or an SQLAlchemy URL; a path becomes an absolute SQLite URL."""
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


@dataclass(frozen=True)
class Settings:
    db_url: str = field(default_factory=lambda: database_url(DEFAULT_DB))
    cache_path: str = DEFAULT_CACHE
    eutils_url: str = DEFAULT_EUTILS_URL
    email: str | None = None
    api_key: str | None = field(default=None, repr=False)
    tool: str = "evidence"
    cache_days: int = DEFAULT_CACHE_DAYS
    offline: bool = False
    refresh: bool = False
    reviewer: str = field(default_factory=lambda: os_user())  # who screening decisions are by

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


def load_settings(db: str | None = None, environ: dict[str, str] | None = None) -> Settings:
    """Build settings from the environment, with `db` (the --db flag) taking precedence."""
    env = os.environ if environ is None else environ
    url = env.get("EVIDENCE_EUTILS_URL") or DEFAULT_EUTILS_URL
    chosen = db or env.get("EVIDENCE_DB")
    found = None if chosen else find_store()
    # the cache lives beside a store that was found, so both follow the project folder
    cache = env.get("EVIDENCE_CACHE") or (str(found.parent / Path(DEFAULT_CACHE).name) if found else DEFAULT_CACHE)
    return Settings(
        db_url=database_url(chosen or str(found)),
        cache_path=cache,
        eutils_url=url if url.endswith("/") else url + "/",
        email=env.get("NCBI_EMAIL") or None,
        api_key=env.get("NCBI_API_KEY") or None,
        tool=(env.get("NCBI_TOOL") or "evidence").replace(" ", "_"),
        cache_days=int(env.get("EVIDENCE_CACHE_DAYS") or DEFAULT_CACHE_DAYS),
        reviewer=(env.get("EVIDENCE_REVIEWER") or "").strip() or os_user(),
    )


def os_user() -> str:
    """The login name, the reviewer when neither --reviewer nor EVIDENCE_REVIEWER says."""
    import getpass

    try:
        return getpass.getuser() or "unknown"
    except (KeyError, OSError):  # no passwd entry (some containers)
        return "unknown"
