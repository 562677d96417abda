"""Ingesting review files into the store, on SQLite and PostgreSQL."""

import re
import shutil

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from claimlab.errors import NotReadyError
from claimlab.services.claims import list_claims
from claimlab.services.reports import ingest_reports, list_reports
from claimlab.store.engine import session_scope
from claimlab.store.models import ClaimMention
from claimlab.store.reports import count_rows
from conftest import EXAMPLE_REPORTS


def _counts(settings):
    with session_scope(settings.database_url) as s:
        return count_rows(s)


def _by_text(claims, start):
    return next(c for c in claims if c.text.startswith(start))


def test_shared_reports_merge(settings, shared_reports):
    results = ingest_reports(settings, [shared_reports])
    assert [r.status for r in results] == ["added"] * 3
    assert [r.mentions for r in results] == [12, 14, 16]
    counts = _counts(settings)
    assert counts["claim_mentions"] == 42
    assert counts["claims"] == 31  # 11 claims of the first report reappear in the second

    claims = list_claims(settings)
    lam = _by_text(claims, "The value of")
    assert (lam.mentions, lam.verified, lam.unverified) == (2, 0, 2)
    lr = _by_text(claims, "The learning rate is set to 5e-5")
    assert lr.truncated and lr.mentions == 2
    tlm_tt = _by_text(claims, "The mBERT+TLM model is not as good")
    weam_tt = _by_text(claims, "The mBERT+WEAM model outperforms mBERT in the translate-train")
    assert tlm_tt.id != weam_tt.id
    assert tlm_tt.confidence_min == 0.24 and tlm_tt.confidence_max == 0.25
    short = _by_text(claims, "The mBERT+WEAM model improves the scores in the zero-shot setting.")
    long = _by_text(claims, "The mBERT+WEAM model improves the scores in the zero-shot setting and")
    assert short.id != long.id and long.truncated and not short.truncated


def test_reingest_changes_nothing(settings):
    ingest_reports(settings, [EXAMPLE_REPORTS])
    before = _counts(settings)
    again = ingest_reports(settings, [EXAMPLE_REPORTS])
    assert {r.status for r in again} == {"unchanged"}
    assert _counts(settings) == before


def test_changed_file_replaces_only_its_own_mentions(settings, tmp_path):
    folder = tmp_path / "reports"
    shutil.copytree(EXAMPLE_REPORTS, folder)
    ingest_reports(settings, [folder])
    target = folder / "weam_alignment_review.txt"
    others = _other_mentions(settings, target)

    text = target.read_text()
    text = text.replace("✓\t0.62", "×\t0.12")  # flip one mark
    text = text.replace(
        "Word-aligned mBERT outperforms mBERT in the zero-shot setting on XNLI.\t✓\t0.41\n", ""
    )
    target.write_text(text)
    (result,) = ingest_reports(settings, [target])
    assert result.status == "updated" and result.mentions == 8

    assert _other_mentions(settings, target) == others
    claims = list_claims(settings)
    assert not any(c.text.startswith("Word-aligned mBERT outperforms") for c in claims)
    weam_tlm = _by_text(claims, "The mBERT+WEAM model outperforms the mBERT+TLM")
    assert (weam_tlm.verified, weam_tlm.unverified) == (1, 1)


def _other_mentions(settings, path):
    with session_scope(settings.database_url) as s:
        rows = s.execute(select(ClaimMention.report_id, ClaimMention.row, ClaimMention.text))
        reports = {r.id: r.source for r in list_reports(settings)}
        return sorted((reports[r], row, t) for r, row, t in rows if reports[r] != str(path))


def test_bad_file_fails_alone(settings, tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(EXAMPLE_REPORTS, folder)
    bad = folder / "broken.txt"
    good = (EXAMPLE_REPORTS / "weam_alignment_review.txt").read_text()
    bad.write_text(good.replace("✓\t0.70", "✓\t7.0").replace("Does Word", "A Broken Copy: Does"))
    results = ingest_reports(settings, [folder])
    failed = [r for r in results if r.status == "failed"]
    assert len(failed) == 1 and len(results) == 4
    line = good.splitlines().index(next(x for x in good.splitlines() if "\t0.70" in x)) + 1
    assert failed[0].error.startswith(f"{bad}:{line}: confidence 7.0 is outside [0, 1]")
    titles = {r.title for r in list_reports(settings)}
    assert len(titles) == 3 and not any("Broken" in t for t in titles)


def test_failure_mid_write_rolls_back_the_file(settings, monkeypatch):
    import claimlab.store.reports as store_reports

    def explode(*_args):
        raise OperationalError("refresh claims", {}, Exception("disk on fire"))

    monkeypatch.setattr(store_reports, "refresh_claims", explode)
    (result,) = ingest_reports(settings, [EXAMPLE_REPORTS / "weam_alignment_review.txt"])
    assert result.status == "failed" and "disk on fire" in result.error
    assert set(_counts(settings).values()) == {0}


def test_not_migrated_database_is_a_clear_error(db_url, tmp_path):
    from claimlab.config import Settings

    with pytest.raises(NotReadyError, match="claimlab db upgrade"):
        list_claims(Settings(home=tmp_path, database_url=db_url))


def test_nul_byte_in_a_claim_is_refused_with_its_line(settings, tmp_path):
    good = (EXAMPLE_REPORTS / "weam_alignment_review.txt").read_text()
    lines = good.splitlines(keepends=True)
    at = next(i for i, x in enumerate(lines) if "\t✓\t" in x or "\t×\t" in x)
    lines[at] = lines[at].replace(" ", " \x00", 1)
    path = tmp_path / "nul.txt"
    path.write_text("".join(lines))
    (result,) = ingest_reports(settings, [path])
    assert result.status == "failed"
    assert result.error == f"{path}:{at + 1}: contains a NUL byte (\\x00); a review is plain text"
    assert set(_counts(settings).values()) == {0}


def test_cli_warns_when_the_table_disagrees_with_the_stated_count(settings, tmp_path):
    from typer.testing import CliRunner

    from claimlab.cli import app

    good = (EXAMPLE_REPORTS / "weam_alignment_review.txt").read_text()
    lines = good.splitlines(keepends=True)
    rows = [i for i, x in enumerate(lines) if "\t✓\t" in x or "\t×\t" in x]
    lines.insert(rows[2], "\n")  # a blank line inside the table: read across
    path = tmp_path / "gap.txt"
    path.write_text("".join(lines))
    stated = int(re.search(r"(\d+) claims extracted", good)[1])
    assert stated == len(rows)
    out = CliRunner().invoke(app, ["ingest", "report", str(path), "--db", settings.database_url])
    assert out.exit_code == 0, out.output
    assert f": {len(rows)} mentions," in out.stdout and "warning" not in out.stderr

    lines.insert(rows[2] + 1, "Prose after a blank line ends the table.\n")
    path.write_text("".join(lines))
    out = CliRunner().invoke(app, ["ingest", "report", str(path), "--db", settings.database_url])
    assert out.exit_code == 0, out.output
    assert out.stderr == (
        f"warning: {path.resolve()}: the review says {stated} claims extracted, the table "
        f"(lines {rows[0] + 1}-{rows[1] + 1}) has 2 rows\n"
    )
