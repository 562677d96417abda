"""Settings read from the environment (CLAIMLAB_*), gathered in one object."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
CONNECT_TIMEOUT = 10.0
"""Default seconds to wait for a database connection (CLAIMLAB_DB_CONNECT_TIMEOUT)."""
_QUERY_SECRET = re.compile(r"([?&](?:password|passwd|pwd)=)[^&]*", re.IGNORECASE)
HIDDEN = "***"


def masked_url(url: str) -> str:
    """The URL with its password (user:PASSWORD@host or ?password=) replaced by ***.

    Every place that shows or logs a database URL goes through this function.
    """
    scheme, sep, rest = url.partition("://")
    if sep:
        authority = rest.split("?", 1)[0]
        at = authority.rfind("@")  # a password may hold '@', a host never does
        has_user = at >= 0 and not authority.startswith("/")  # sqlite:////a@b is a path
        user, colon, _ = authority[:at].partition(":") if has_user else ("", "", "")
        if colon:
            rest = f"{user}:{HIDDEN}@{rest[at + 1 :]}"
    return _QUERY_SECRET.sub(rf"\g<1>{HIDDEN}", f"{scheme}{sep}{rest}")


def connect_timeout(env: Mapping[str, str] | None = None) -> float:
    """Seconds to wait for a database connection (CLAIMLAB_DB_CONNECT_TIMEOUT, default 10)."""
    env = os.environ if env is None else env
    raw = env.get("CLAIMLAB_DB_CONNECT_TIMEOUT", "").strip()
    try:
        value = float(raw) if raw else CONNECT_TIMEOUT
    except ValueError:
        raise ValueError(
            f"CLAIMLAB_DB_CONNECT_TIMEOUT={raw!r} is not a number of seconds"
        ) from None
    return value if value > 0 else CONNECT_TIMEOUT


@dataclass(frozen=True)
class Settings:
    """Where claimlab keeps its data and how it reaches the outside world."""

    home: Path
    """Folder for the embedded database, PDFs, run workdirs and caches (CLAIMLAB_HOME)."""
    database_url: str
    """SQLAlchemy URL (CLAIMLAB_DATABASE_URL); default: SQLite file `claimlab.db` in home."""
    arxiv_api_url: str = "https://export.arxiv.org/api/query"
    """arXiv API endpoint, or a mirror / proxy (CLAIMLAB_ARXIV_API_URL)."""
    arxiv_pdf_base: str = "https://arxiv.org/pdf/"
    """Base URL PDFs are fetched from (CLAIMLAB_ARXIV_PDF_BASE)."""
    ui_readonly: bool = False
    """Hide and refuse every write in the app (CLAIMLAB_UI_READONLY=1)."""
    arxiv_delay: float = 3.0
    """Seconds between arXiv requests, the API's polite delay (CLAIMLAB_ARXIV_DELAY)."""
    arxiv_deadline: float = 120.0
    """Seconds one PDF download may take in all, retries included (CLAIMLAB_ARXIV_DEADLINE)."""
    mini_data: Path | None = None
    """The minibench data set (CLAIMLAB_MINI_DATA); default: home/data/minibench."""
    studies_dir: Path = Path("examples/studies")
    """Folder of study files the app answers research questions from (CLAIMLAB_STUDIES)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, db: str | None = None) -> Settings:
        """Build settings from `env` (default: os.environ); `db` overrides the database URL."""
        env = os.environ if env is None else env
        home = Path(env.get("CLAIMLAB_HOME") or ".claimlab").expanduser().resolve()
        url = db or env.get("CLAIMLAB_DATABASE_URL") or f"sqlite:///{home / 'claimlab.db'}"
        settings = cls(home=home, database_url=url)
        for field, var in (
            ("arxiv_api_url", "CLAIMLAB_ARXIV_API_URL"),
            ("arxiv_pdf_base", "CLAIMLAB_ARXIV_PDF_BASE"),
        ):
            if env.get(var):
                settings = replace(settings, **{field: env[var]})
        if env.get("CLAIMLAB_ARXIV_DELAY"):
            settings = replace(settings, arxiv_delay=float(env["CLAIMLAB_ARXIV_DELAY"]))
        if env.get("CLAIMLAB_ARXIV_DEADLINE"):
            settings = replace(settings, arxiv_deadline=float(env["CLAIMLAB_ARXIV_DEADLINE"]))
        readonly = env.get("CLAIMLAB_UI_READONLY", "").strip().lower() in _TRUE
        mini = Path(env["CLAIMLAB_MINI_DATA"]).resolve() if env.get("CLAIMLAB_MINI_DATA") else None
        studies = Path(env.get("CLAIMLAB_STUDIES") or "examples/studies").expanduser().resolve()
        return replace(settings, ui_readonly=readonly, mini_data=mini, studies_dir=studies)

    @property
    def database_label(self) -> str:
        """The database URL with its password hidden, for messages and logs."""
        return masked_url(self.database_url)

    @property
    def mini_data_dir(self) -> Path:
        """Where the mini profile reads its data."""
        return self.mini_data or self.home / "data" / "minibench"

    @property
    def papers_dir(self) -> Path:
        """Folder of downloaded PDFs."""
        return self.home / "papers"
