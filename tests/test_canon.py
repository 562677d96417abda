"""When two mentions are the same claim: the threshold, truncation and the guards."""

import pytest

from claimlab.claims.canon import (
    MATCH_THRESHOLD,
    ClaimIndex,
    MentionText,
    canonical_text,
    is_truncated,
    normalise,
    similarity,
)

CUT = 120


def m(text: str) -> MentionText:
    return MentionText(text, is_truncated(text))


SAME = [
    (
        "The mBERT+WEAM model significantly outperformed both mBERT+TLM and word-aligned mBERT.",
        "The mBERT+WEAM model has significantly outperformed both mBERT+TLM and word-aligned "
        "mBERT.",
    ),
    (
        "The mBERT+WEAM result is slightly lower but close to the translate-train result on XNLI.",
        "The mBERT+WEAM result is slightly lower but is close to the translate-train result "
        "on XNLI.",
    ),
    ("The value of λ is set to 1.", "The value of $\\lambda$ is set to 1."),
    (
        "The learning rate is set to 5e-5, the batch size to 32, the max sequence length to 128, "
        "and the number of pre-training epochs is 3.",
        "The learning rate is set to 5e-5, the batch size is 32, the max sequence length is 128, "
        "and the number of pre-training e",
    ),
    (
        "The masking probability is set to 0.3 during the pre-training steps.",
        "The masking probability is set to 0.3 during pre-training.",
    ),
]

DIFFERENT = [
    (
        "The mBERT+WEAM model outperforms mBERT in the translate-train setting.",
        "The mBERT+WEAM model is not as good as the mBERT in the translate-train setting.",
    ),
    (
        "The mBERT+TLM model outperforms mBERT in the translate-train setting.",
        "The mBERT+TLM model is not as good as the mBERT in the translate-train setting.",
    ),
    (
        "The mBERT+TLM model outperforms mBERT by a large margin in the zero-shot setting.",
        "The mBERT+WEAM model outperforms mBERT by a large margin in the zero-shot setting.",
    ),
    ("The masking probability is set to 0.3.", "The masking probability is set to 0.15."),
    (
        "The average MoIR performance is higher than CLIR with 15.7 MRR@10.",
        "The average MoIR performance is higher than CLIR with 16.6 MRR@10.",
    ),
    (
        "BL-CS outperforms the zero-shot re-ranker in MoIR.",
        "ML-CS outperforms the zero-shot re-ranker in MoIR.",
    ),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_rewordings_merge(a, b):
    assert similarity(m(a), m(b)) >= MATCH_THRESHOLD
    assert similarity(m(b), m(a)) >= MATCH_THRESHOLD


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_claims_stay_apart(a, b):
    assert similarity(m(a), m(b)) < MATCH_THRESHOLD


def test_threshold_separates_the_two_sets_with_margin():
    same = min(similarity(m(a), m(b)) for a, b in SAME)
    different = max(similarity(m(a), m(b)) for a, b in DIFFERENT)
    assert different < MATCH_THRESHOLD <= same


def test_truncated_text_matches_the_complete_text_it_starts():
    full = (
        "The mBERT+WEAM model improves the scores in the zero-shot setting and also outperforms "
        "mBERT in the translate-train setting."
    )
    cut = full[:CUT]
    assert is_truncated(cut) and not is_truncated(full)
    assert similarity(m(cut), m(full)) == 100.0


def test_short_complete_claim_is_not_merged_into_a_longer_cut_one():
    short = "The mBERT+WEAM model improves the scores in the zero-shot setting."
    cut = (
        "The mBERT+WEAM model improves the scores in the zero-shot setting and also outperforms "
        "mBERT in the translate-train sett"
    )
    assert similarity(m(short), m(cut)) == 0.0


def test_normalise_folds_latex_case_and_punctuation():
    assert normalise("The value of $\\lambda$ is SET to 1.") == "the value of λ is set to 1"
    assert normalise("mBERT+TLM, 5e-5; MRR@10.") == "mbert+tlm 5e-5 mrr@10"


def test_index_finds_best_claim():
    index = ClaimIndex()
    index.add(
        1,
        "The mBERT+TLM model outperforms mBERT by a large margin in the zero-shot setting.",
        False,
    )
    index.add(2, "The mBERT+WEAM model outperforms mBERT in the translate-train setting.", False)
    assert (
        index.find("The mBERT+WEAM model outperforms mBERT in the translate-train setting", False)
        == 2
    )
    assert (
        index.find("Word-aligned mBERT outperforms mBERT in the zero-shot setting.", False) is None
    )


def test_canonical_text_prefers_common_complete_wording():
    texts = [
        ("cut off te", True),
        ("Wording B.", False),
        ("Wording A.", False),
        ("Wording A.", False),
    ]
    assert canonical_text(texts) == ("Wording A.", False)
    assert canonical_text([("short cut", True), ("longer cut off", True)]) == (
        "longer cut off",
        True,
    )


def _exhaustive(index: ClaimIndex, text: str, truncated: bool) -> int | None:
    """The answer of comparing with every mention (what blocking must reproduce)."""
    return index.find(text, truncated, every=True)


def _rewordings(text: str) -> list[str]:
    words = text.split()
    return [
        text,
        text.replace(" the ", " the whole ", 1),
        " ".join(words[:3] + ["clearly"] + words[3:]),
        " ".join(w if i != len(words) // 2 else w + "s" for i, w in enumerate(words)),
        text[:CUT],
    ]


def test_blocked_index_finds_what_comparing_with_every_mention_finds(shared_reports):
    from claimlab.ingest.reports import read_report
    from conftest import EXAMPLE_REPORTS

    paths = sorted(shared_reports.glob("*.txt")) + sorted(EXAMPLE_REPORTS.iterdir())
    texts = [row.text for path in paths for row in read_report(path).claims]
    index, merged, next_id = ClaimIndex(), 0, 0
    for text in (r for t in texts for r in _rewordings(t)):
        truncated = is_truncated(text)
        found = index.find(text, truncated)
        assert found == _exhaustive(index, text, truncated), text
        merged += found is not None
        if found is None:
            next_id += 1
            found = next_id
        index.add(found, text, truncated)
    assert merged > 2 * len(texts)  # the rewordings did merge, so the check had teeth


def test_merging_compares_few_pairs(monkeypatch):
    import random

    from claimlab.claims import canon

    rng = random.Random(7)
    syllables = ["ba", "ko", "ri", "tu", "ne", "sha", "mi", "lo", "dre", "vu", "pa", "zi"]
    words = sorted({"".join(rng.choices(syllables, k=3)) for _ in range(3_000)})
    claims = [
        f"{' '.join(rng.sample(words, 3))} outperforms {' '.join(rng.sample(words, 3))} on "
        f"{rng.choice(['XNLI', 'MLQA', 'mMARCO'])} by {rng.randint(1, 9)} points."
        for _ in range(1_500)
    ]
    calls = 0

    def counted(*args, **kwargs):
        nonlocal calls
        calls += 1
        return similarity(*args, **kwargs)

    monkeypatch.setattr(canon, "similarity", counted)
    index = ClaimIndex()
    for i, text in enumerate(claims + [c.replace(" on ", " on the ") for c in claims[:100]]):
        found = index.find(text, False)
        assert (found is None) == (i < len(claims)) and found in (None, i - len(claims))
        index.add(i if found is None else found, text, False)
    assert calls < 3 * 100  # each rewording meets its claim; new claims meet (almost) none
