"""The errors every layer may raise and the CLI and the app turn into messages."""

from __future__ import annotations


class NotReadyError(RuntimeError):
    """The database has not been migrated to the code's schema."""


class ReadOnlyError(PermissionError):
    """A write was asked of a read-only instance (CLAIMLAB_UI_READONLY=1)."""

    def __init__(
        self, message: str = "this claimlab instance is read-only (CLAIMLAB_UI_READONLY=1)"
    ):
        super().__init__(message)


class DatabaseUnavailableError(ConnectionError):
    """The database could not be reached (refused, unknown host, timed out, bad login)."""


class NotFoundError(LookupError):
    """A claim, paper, job or other record named by id does not exist."""
