"""Settings read from the environment (CLAIMLAB_*), gathered in one object."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}


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
    def mini_data_dir(self) -> Path:
        """Where the mini profile reads its data."""
        return self.mini_data or self.home / "data" / "minibench"

    @property
    def papers_dir(self) -> Path:
        """Folder of downloaded PDFs."""
        return self.home / "papers"
