"""The Streamlit app through AppTest: empty, unmigrated and demo databases."""

import pytest
from streamlit.testing.v1 import AppTest

from claimlab import services
from conftest import EXAMPLE_REPORTS, ROOT

APP = str(ROOT / "ui" / "app.py")


@pytest.fixture
def app_env(monkeypatch, tmp_path):
    def use(url: str) -> None:
        monkeypatch.setenv("CLAIMLAB_DATABASE_URL", url)
        monkeypatch.setenv("CLAIMLAB_HOME", str(tmp_path))

    return use


def _run(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_empty_database_explains_what_to_do(settings, app_env):
    app_env(settings.database_url)
    at = _run()
    assert at.title[0].value == "Claims"
    assert "claimlab ingest report" in at.info[0].value


def test_unmigrated_database_says_so(tmp_path, app_env):
    app_env(f"sqlite:///{tmp_path / 'fresh.db'}")
    at = _run()
    assert "claimlab db upgrade" in at.error[0].value


def test_demo_claims_and_reports(settings, app_env):
    services.ingest_reports(settings, [EXAMPLE_REPORTS])
    app_env(settings.database_url)
    at = _run()
    frame = at.dataframe[0].value
    assert len(frame) == 19
    assert frame["claim"].str.contains("mBERT+WEAM", regex=False).any()
    at.text_input[0].input("translate-train").run()
    assert set(at.dataframe[0].value["claim"].str.contains("translate-train")) == {True}

    reports = _run("app_pages/reports.py").dataframe[0].value
    assert len(reports) == 3 and reports["research question"].str.endswith("?").all()
