"""Migration 0005: review mentions keep their data and become source 'review'; paper
mentions need a paper and an anchor, are unique per (paper, anchor), and go on downgrade."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from claimlab.store import migrate
from claimlab.store.engine import get_engine


def _exec(url: str, sql: str, **params):
    with get_engine(url).begin() as conn:
        result = conn.execute(text(sql), params)
        return result.all() if result.returns_rows else None


def _seed_0004(url: str) -> None:
    _exec(
        url,
        "INSERT INTO reports (id, source, sha256, title, ingested_at) "
        "VALUES (1, 'r.txt', 'abc', 'R', CURRENT_TIMESTAMP)",
    )
    _exec(
        url,
        "INSERT INTO claims (id, text, truncated, spec_status, grounding_status, created_at) "
        "VALUES (1, 'WEAM beats mBERT.', false, 'unparsed', 'pending', CURRENT_TIMESTAMP), "
        "(2, 'A paper claim.', false, 'unparsed', 'pending', CURRENT_TIMESTAMP)",
    )
    _exec(
        url,
        "INSERT INTO claim_mentions (id, claim_id, report_id, row, line, text, truncated, "
        "verified, confidence) VALUES (1, 1, 1, 1, 10, 'WEAM beats mBERT.', false, true, 0.9)",
    )
    _exec(
        url,
        "INSERT INTO papers (id, arxiv_id, version, authors, categories, pdf_status, "
        "created_at) VALUES (1, '2106.01732', 2, '[]', '[]', 'ok', CURRENT_TIMESTAMP)",
    )


def _paper_mention(url: str, mention_id: int, claim_id: int, anchor: str | None) -> None:
    _exec(
        url,
        "INSERT INTO claim_mentions (id, claim_id, source, paper_id, page, bbox, anchor, text, "
        "truncated) VALUES (:id, :claim, 'paper', 1, 3, '[1, 2, 3, 4]', :anchor, 'x', false)",
        id=mention_id,
        claim=claim_id,
        anchor=anchor,
    )


def test_0005_up_and_down_keeps_review_mentions(db_url):
    migrate.upgrade(db_url, "0004")
    _seed_0004(db_url)
    migrate.upgrade(db_url)
    rows = _exec(db_url, "SELECT source, report_id, paper_id, verified FROM claim_mentions")
    assert [tuple(r) for r in rows] == [("review", 1, None, True)]

    _paper_mention(db_url, 2, 2, "s:abc")
    _paper_mention(db_url, 3, 1, "s:def")  # a paper mention merged into a review claim
    with pytest.raises(IntegrityError):
        _paper_mention(db_url, 4, 2, "s:abc")  # same paper, same anchor
    with pytest.raises(IntegrityError):
        _paper_mention(db_url, 5, 2, None)  # a paper mention needs an anchor
    with pytest.raises(IntegrityError):  # a review mention needs a report
        _exec(
            db_url,
            "INSERT INTO claim_mentions (claim_id, text, truncated) VALUES (1, 'y', false)",
        )

    migrate.downgrade(db_url, "0004")
    assert [r[0] for r in _exec(db_url, "SELECT id FROM claim_mentions")] == [1]
    assert [r[0] for r in _exec(db_url, "SELECT id FROM claims ORDER BY id")] == [1]
    migrate.upgrade(db_url)
    migrate.check(db_url)
