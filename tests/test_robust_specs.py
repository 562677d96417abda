"""The parser's needs-spec reason is stored, shown and cleared; claim text is never markup."""

import json

from support.app import open_page, use_app
from support.rendered import text_of
from support.reviews import write_review
from support.scenario import SPEC
from typer.testing import CliRunner

from claimlab.cli import app
from claimlab.services import claims, reports, specs

runner = CliRunner()
RARELY = "mBERT+TLM rarely outperforms mBERT on XNLI zero-shot accuracy."
RARELY_REASON = "has a scope the parser does not read ('rarely')"
ELEGANT = "Our method is elegant and simple."
MARKUP = "mBERT [/] beats [link=http://evil.example/x]XLM-R[/link] on [bold]XNLI[/bold]."


def run(*args, code=0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


def _ingest(settings, tmp_path, texts):
    path = write_review(tmp_path / "in", "r.txt", "Specs review", texts)
    (result,) = reports.ingest_reports(settings, [path])
    assert result.status == "added", result.error
    return {c.text: c.id for c in claims.list_claims(settings)}


def test_parse_stores_the_reason_and_a_hand_set_spec_clears_it(settings, tmp_path):
    ids = _ingest(settings, tmp_path, [RARELY, ELEGANT])
    assert specs.parse_specs(settings) == {"needs-spec": 1, "description": 1}
    rarely = claims.get_claim(settings, ids[RARELY])
    assert (rarely.spec_status, rarely.spec_reason) == ("needs-spec", RARELY_REASON)
    elegant = claims.get_claim(settings, ids[ELEGANT])
    assert (elegant.spec_status, elegant.spec_reason) == ("description", "names nothing measurable")

    specs.set_spec(settings, ids[RARELY], SPEC)
    rarely = claims.get_claim(settings, ids[RARELY])
    assert (rarely.spec_status, rarely.spec_reason) == ("manual", None)


def test_cli_shows_the_reason(settings, tmp_path):
    ids = _ingest(settings, tmp_path, [RARELY])
    db = settings.database_url
    run("claims", "parse", "--db", db)
    shown = run("claims", "show", ids[RARELY], "--db", db).stdout
    assert f"spec (needs-spec): -\n  why needs-spec: {RARELY_REASON}\n" in shown
    listed = json.loads(run("claims", "list", "-f", "json", "--db", db).stdout)
    assert [(c["spec_status"], c["spec_reason"]) for c in listed] == [("needs-spec", RARELY_REASON)]
    csv_text = run("claims", "list", "-f", "csv", "--db", db).stdout
    assert "spec_reason" in csv_text.splitlines()[0] and RARELY_REASON in csv_text
    assert json.loads(run("claims", "spec", ids[RARELY], "--db", db).stdout)["spec_reason"] == (
        RARELY_REASON
    )


def test_claim_page_shows_the_reason_next_to_the_status(settings, tmp_path, monkeypatch):
    ids = _ingest(settings, tmp_path, [RARELY])
    specs.parse_specs(settings)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/claim.py", id=str(ids[RARELY]))
    spec_metric = next(m for m in at.metric if m.label == "Spec")
    assert spec_metric.value == "needs a hand-written spec"
    captions = [text_of(c.value) for c in at.caption]
    assert f"Why needs-spec: {RARELY_REASON}" in captions, captions


def test_markup_in_claim_text_is_printed_as_text(settings, tmp_path):
    ids = _ingest(settings, tmp_path, [MARKUP])
    db = settings.database_url
    shown = run("claims", "show", ids[MARKUP], "--db", db).stdout
    assert shown.startswith(f"Claim {ids[MARKUP]}: {MARKUP}\n")
    assert f"[Specs review] {MARKUP}" in shown
    table = run("claims", "list", "--db", db).stdout
    flat = "".join(line.strip("│┃ ") for line in table.splitlines())
    assert "[/]" in table and "[link=http://evil.example/x]" in flat, table
