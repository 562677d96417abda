"""Review text reaches viewers as text: no image, link or HTML in it is rendered by the app."""

from __future__ import annotations

import pytest
from support.app import open_page, use_app
from support.rendered import html_of, loads_or_links, text_of
from support.reviews import write_review

from claimlab.present.plain import literal
from claimlab.services import claims, reports

BEACON = "![x](http://evil.example/beacon.png)"
HTML = '<img src="http://evil.example/i.png"> <iframe src="http://evil.example/f"></iframe>'
LINK = "[click](http://evil.example/phish) :red[loud] $x^2$ **bold**"
TITLE = f"Review {BEACON} title"
QUESTION = f"Does {BEACON} {HTML} transfer"
CLAIM = f"mBERT {BEACON} beats XLM-R {LINK} on XNLI."


@pytest.mark.parametrize(
    "text",
    [BEACON, HTML, LINK, "a\\![y](http://evil.example/z)", "1. item\n# heading\n> quote | a | b |"],
)
def test_literal_renders_as_the_text_itself(text):
    assert loads_or_links(literal(text)) == []
    assert "<em>" not in html_of(literal(text)) and "<strong>" not in html_of(literal(text))
    assert text_of(literal(text)) == " ".join(text.split())


def _shown(at) -> list[str]:
    """Every Markdown string the page sends to the browser."""
    kinds = ("markdown", "caption", "title", "header", "subheader", "info", "success", "error")
    values = [e.value for kind in kinds for e in getattr(at, kind)]
    values += [link.proto.label for link in at.get("page_link")]
    return [v for v in values if isinstance(v, str)]


def test_pages_showing_review_text_load_nothing_from_outside(settings, tmp_path, monkeypatch):
    path = write_review(tmp_path, "r.txt", TITLE, [CLAIM], question=QUESTION)
    (result,) = reports.ingest_reports(settings, [path])
    assert result.status == "added", result.error
    (claim,) = claims.list_claims(settings)
    assert claim.text == CLAIM, "stored as written"
    use_app(monkeypatch, settings)
    pages = [
        ("app_pages/claim.py", {"id": str(claim.id)}),
        ("app_pages/reports.py", {}),
        ("app_pages/questions.py", {}),
        ("app_pages/claims.py", {}),
    ]
    seen = []
    for page, query in pages:
        shown = _shown(open_page(page, **query))
        assert [v for v in shown if loads_or_links(v)] == [], page
        seen += [text_of(v) for v in shown]
    assert f"{CLAIM}" in seen, "the claim heading shows the text as written"
    assert any(TITLE in v for v in seen) and any(f"{QUESTION}?" in v for v in seen)
