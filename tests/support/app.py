"""Run the Streamlit app under AppTest against a test's database."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from claimlab.config import Settings
from conftest import ROOT

APP = str(ROOT / "ui" / "app.py")


def use_app(monkeypatch: pytest.MonkeyPatch, settings: Settings, readonly: bool = False) -> None:
    """Point the app at the test's database through its environment, with a fresh cache."""
    monkeypatch.setenv("CLAIMLAB_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CLAIMLAB_HOME", str(settings.home))
    monkeypatch.setenv("CLAIMLAB_UI_READONLY", "1" if readonly else "")
    st.cache_data.clear()  # earlier tests may have cached reads of a database at the same URL


def open_page(page: str | None = None, **query: str) -> AppTest:
    """Run the app on `page` (app_pages/NAME.py; default: Claims) with URL query parameters."""
    at = AppTest.from_file(APP, default_timeout=60)
    if page:
        at.switch_page(page)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception[0].value
    return at


def rerun(at: AppTest) -> AppTest:
    """Run again after an interaction; fail on an exception."""
    at.run()
    assert not at.exception, at.exception[0].value
    return at
