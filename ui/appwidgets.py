"""Pieces the pages share: loading with a clear error, read-only notes, opening a row's page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import appdata
import pandas as pd
import streamlit as st

from claimlab.config import Settings
from claimlab.errors import DatabaseUnavailableError, NotReadyError

T = TypeVar("T")


def load(read: Callable[..., T], *args: Any) -> T:
    """Call a read; on an unreachable or unmigrated database say so and stop the page."""
    try:
        return read(*args)
    except (DatabaseUnavailableError, NotReadyError) as exc:
        st.error(str(exc))
        st.stop()


def require_ready(settings: Settings) -> None:
    """Stop the page with what to run when the database is not migrated."""
    problem = appdata.ready(settings)
    if problem:
        st.error(problem)
        st.stop()


def readonly_note(settings: Settings, what: str) -> bool:
    """On a read-only instance, say that `what` is turned off; True when read-only."""
    if settings.ui_readonly:
        st.caption(f"🔒 Read-only instance: {what} is turned off.")
    return settings.ui_readonly


def query_param(name: str) -> str | None:
    """A query parameter of the page's URL, or None."""
    value = st.query_params.get(name)
    return value or None


def open_selected(event: Any, frame: pd.DataFrame, column: str, page: str, param: str) -> None:
    """Go to `page` with the selected row's `column` as query parameter `param` (nowhere
    when the row has no value there)."""
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(frame):
        value = frame.iloc[rows[0]][column]
        if not pd.isna(value):
            st.switch_page(page, query_params={param: str(value)})


def keep(keys: tuple[str, ...], choices: dict[str, list[Any]]) -> None:
    """Restore widget values saved by remember(); multiselects keep only offered `choices`."""
    for key in keys:
        if key not in st.session_state and f"_kept_{key}" in st.session_state:
            value = st.session_state[f"_kept_{key}"]
            if key in choices:
                value = [v for v in value if v in choices[key]]
            st.session_state[key] = value


def remember(keys: tuple[str, ...]) -> None:
    """Save these widgets' values for keep() (Streamlit drops them when a page is left)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[f"_kept_{key}"] = st.session_state[key]


def flash(key: str, message: str) -> None:
    """Rerun the page and show `message` once, where show_flash(key) is called."""
    st.session_state[f"_flash_{key}"] = message
    st.rerun()


def show_flash(key: str) -> None:
    """Show a message left by flash(), once."""
    message = st.session_state.pop(f"_flash_{key}", None)
    if message:
        st.success(message)
