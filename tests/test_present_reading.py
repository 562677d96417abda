"""How a claim was read, in words: each predicate beside the claim words that produced it."""

from claimlab.claims.parser import SpecParser
from claimlab.present.frames import reading_frame
from claimlab.present.words import predicate_text
from reproductions import contract

CLAIM = "mBERT+WEAM does not outperform mBERT in the zero-shot setting."


def test_each_predicate_is_shown_with_the_words_it_was_read_from():
    spec = SpecParser(contract.capabilities()).parse(CLAIM, False).predicates
    frame = reading_frame(spec)
    assert list(frame.columns) == ["#", "predicate", "read from"]
    (row,) = frame.to_dict("records")
    assert row["predicate"].startswith("mbert+weam <= mbert (accuracy, xnli, zero-shot)")
    assert row["read from"] and row["read from"] in CLAIM
    assert "does not outperform" in row["read from"]


def test_margin_and_hedge_are_part_of_the_words():
    p = {
        "lhs": "bl-cs",
        "op": ">",
        "rhs": "zero-shot",
        "metric": "mrr@10",
        "setting": "clir",
        "margin": {"value": 1.2, "unit": "points"},
        "hedge": "may",
    }
    assert predicate_text(p) == "bl-cs > zero-shot (mrr@10, clir), by 1.2 points (hedged: may)"


def test_an_empty_spec_reads_as_no_rows():
    assert reading_frame(None).empty and reading_frame([]).empty
