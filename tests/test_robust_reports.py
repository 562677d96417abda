"""Uploads are identified by content, replacing is an explicit choice, and two processes
ingesting the same new claims store each claim once."""

from __future__ import annotations

import multiprocessing
import random
from pathlib import Path

import pytest
from support.app import open_page, rerun, use_app
from support.rendered import text_of
from support.reviews import review_text, write_review

from claimlab.config import Settings
from claimlab.errors import NotFoundError
from claimlab.services import claims, reports
from claimlab.store import engine

FIRST = ["mBERT+TLM outperforms mBERT on XNLI in the zero-shot setting."]
SECOND = ["Code-switched fine-tuning beats the zero-shot re-ranker in MLIR."]
THIRD = ["The masking probability is set to 0.3 during pre-training."]


def upload(settings, title, claim_texts, name):
    return reports.ingest_report_bytes(settings, review_text(title, claim_texts).encode(), name)


def test_uploads_with_one_name_are_two_reports_and_the_same_content_is_one(settings):
    first = upload(settings, "First review", FIRST, "review.txt")
    second = upload(settings, "Second review", SECOND, "review.txt")
    assert (first.status, second.status) == ("added", "added")
    assert first.report_id != second.report_id
    again = upload(settings, "First review", FIRST, "renamed.md")
    assert (again.status, again.report_id) == ("unchanged", first.report_id)
    titles = sorted(r.title for r in reports.list_reports(settings))
    assert titles == ["First review", "Second review"]
    assert sorted(c.text for c in claims.list_claims(settings)) == sorted(FIRST + SECOND)


def test_a_client_name_equal_to_a_cli_path_replaces_nothing(settings, tmp_path):
    path = write_review(tmp_path, "cli.txt", "CLI review", FIRST)
    (cli,) = reports.ingest_reports(settings, [path])
    for name in (str(path.resolve()), "cli.txt", "../../cli.txt"):
        result = upload(settings, f"Posing as {name}", SECOND, name)
        assert result.status == "added" and result.report_id != cli.report_id
    by_id = {r.id: r for r in reports.list_reports(settings)}
    assert len(by_id) == 4
    assert (by_id[cli.report_id].title, by_id[cli.report_id].mentions) == ("CLI review", 1)
    assert by_id[cli.report_id].source == str(path.resolve())


def test_replacing_is_an_explicit_choice_of_report(settings, tmp_path):
    path = write_review(tmp_path, "cli.txt", "CLI review", FIRST)
    (cli,) = reports.ingest_reports(settings, [path])
    other = upload(settings, "Other review", SECOND, "other.txt")
    data = review_text("CLI review, second version", THIRD).encode()
    replaced = reports.replace_report(settings, cli.report_id, data, "v2.txt")
    assert (replaced.status, replaced.report_id) == ("updated", cli.report_id)
    by_id = {r.id: r for r in reports.list_reports(settings)}
    assert len(by_id) == 2 and by_id[cli.report_id].title == "CLI review, second version"
    assert sorted(c.text for c in claims.list_claims(settings)) == sorted(SECOND + THIRD)

    same = reports.replace_report(settings, cli.report_id, data, "v2-again.txt")
    assert (same.status, same.report_id) == ("unchanged", cli.report_id)
    taken = review_text("Other review", SECOND).encode()
    clash = reports.replace_report(settings, cli.report_id, taken, "copy.txt")
    assert clash.status == "failed"
    assert clash.error.endswith(f"the same content is already report {other.report_id}")
    with pytest.raises(NotFoundError, match="no report with id 999"):
        reports.replace_report(settings, 999, review_text("New", FIRST).encode(), "x.txt")


def test_reports_page_uploads_and_replaces(settings, monkeypatch):
    use_app(monkeypatch, settings)
    at = open_page("app_pages/reports.py")
    for title, texts in (("First review", FIRST), ("Second review", SECOND)):
        at.file_uploader(key="review_file").upload("review.txt", review_text(title, texts).encode())
        at = rerun(at)
        at.button(key="ingest").click()
        at = rerun(at)
        assert text_of(at.success[0].value).startswith("review.txt: added as report ")
    assert sorted(at.dataframe[0].value["title"]) == ["First review", "Second review"]

    first_id = next(r.id for r in reports.list_reports(settings) if r.title == "First review")
    at.file_uploader(key="review_file").upload(
        "review.txt", review_text("First, v2", THIRD).encode()
    )
    at.selectbox(key="replace_target").select(first_id)
    at = rerun(at)
    at.button(key="replace").click()
    at = rerun(at)
    assert text_of(at.success[0].value) == (
        f"review.txt: replaced report {first_id}, 1 claim mention(s), 1 new claim(s)."
    )
    assert sorted(at.dataframe[0].value["title"]) == ["First, v2", "Second review"]


def distinct_claims(count: int, seed: int) -> list[str]:
    """Claims sharing no content words, so merging keeps them apart."""
    rng = random.Random(seed)
    letters = "bcdfghjklmnpqrstvwz"
    words = {
        "".join(rng.choice(letters) + rng.choice("aeiou") for _ in range(4)) for _ in range(900)
    }
    pool = sorted(words)
    rng.shuffle(pool)
    phrases = [" ".join(pool[i * 4 : i * 4 + 4]) for i in range(2 * count)]
    return [f"The {phrases[2 * i]} system improves {phrases[2 * i + 1]}." for i in range(count)]


def _ingest_after_barrier(url: str, home: str, path: str, barrier, out) -> None:
    """In a forked process: wait for the other, then ingest `path`; report the status."""
    engine.get_engine.cache_clear()  # never share the parent's connections
    settings = Settings(home=Path(home), database_url=url)
    barrier.wait(30)
    (result,) = reports.ingest_reports(settings, [Path(path)])
    out.put((result.status, result.error))


def _race(settings, paths) -> list[tuple[str, str | None]]:
    ctx = multiprocessing.get_context("fork")
    barrier, out = ctx.Barrier(len(paths)), ctx.Queue()
    engine.get_engine.cache_clear()
    args = (settings.database_url, str(settings.home))
    procs = [
        ctx.Process(target=_ingest_after_barrier, args=(*args, str(p), barrier, out)) for p in paths
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(120)
    assert [proc.exitcode for proc in procs] == [0] * len(paths)
    return sorted(out.get(timeout=5) for _ in paths)


@pytest.mark.parametrize("trial", range(4))
def test_two_processes_sharing_new_claims_store_each_once(settings, tmp_path, trial):
    shared = distinct_claims(40, seed=trial)
    own = distinct_claims(46, seed=100 + trial)[40:]
    paths = [
        write_review(tmp_path, "a.txt", f"Review A {trial}", shared + own[:3]),
        write_review(tmp_path, "b.txt", f"Review B {trial}", own[3:] + shared),
    ]
    assert _race(settings, paths) == [("added", None), ("added", None)]
    texts = [c.text for c in claims.list_claims(settings)]
    assert len(texts) == len(set(texts)) == 46
    assert sorted(c.mentions for c in claims.list_claims(settings)) == [1] * 6 + [2] * 40


@pytest.mark.parametrize("trial", range(3))
def test_the_same_file_from_two_processes_is_added_then_unchanged(settings, tmp_path, trial):
    path = write_review(tmp_path, "same.txt", f"Same review {trial}", distinct_claims(30, trial))
    assert _race(settings, [path, path]) == [("added", None), ("unchanged", None)]
    assert len(reports.list_reports(settings)) == 1 and len(claims.list_claims(settings)) == 30
