"""Tests for claimlab.claims.grounding: finding and completing claims in paper passages."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimlab.claims.grounding import (
    DEFAULT_THRESHOLD,
    ClaimText,
    Grounding,
    PassageText,
    complete_truncated,
    ground,
)
from claimlab.ingest.pdf import extract_passages

WEAM = 1  # paper ids
CODESWITCH = 2

PASSAGES = [
    PassageText(
        10,
        WEAM,
        1,
        "Multilingual pre-trained models have achieved remarkable performance on cross-lingual "
        "transfer learning. In this paper, we aim to improve the zero-shot cross-lingual "
        "transfer performance by proposing a pre-training task named Word-Exchange Aligning "
        "Model (WEAM), which uses the statistical alignment information as the prior knowledge "
        "to guide cross-lingual word prediction.",
    ),
    PassageText(
        11,
        WEAM,
        3,
        "For the baseline we keep the default configuration of BERT: the masking probability "
        "is 0.15 and the model is trained for two epochs on the parallel corpus.",
    ),
    PassageText(
        12,
        WEAM,
        5,
        "During the pre-training steps the masking probability is set to 0.3, the learning "
        "rate to 5e-5 and the batch size to 32.",
    ),
    PassageText(
        13,
        WEAM,
        6,
        "Table 3 lists the results. The mBERT+WEAM model improves the scores in the zero shot "
        "setting and also outperforms\nmBERT in the  translate-train setting by a large margin. "
        "The gap is larger on MLQA than on XNLI.",
    ),
    PassageText(
        20,
        CODESWITCH,
        4,
        "We train the cross-encoder on artificially code-switched data generated from bilingual "
        "lexicons induced from cross-lingual word embeddings.",
    ),
]


def _one(claim: ClaimText, passages: list[PassageText] = PASSAGES) -> Grounding:
    [result] = ground([claim], passages)
    assert result.claim_id == claim.id
    return result


def test_paraphrased_claim_finds_its_passage():
    claim = ClaimText(
        1,
        "WEAM uses statistical alignment information as prior knowledge to guide the "
        "cross-lingual prediction of words.",
    )
    result = _one(claim)
    assert result.found
    best = result.matches[0]
    assert best.passage_id == 10 and best.claim_id == 1
    assert DEFAULT_THRESHOLD <= best.score <= 1.0 and best.method == "fuzzy"
    assert result.completed_text is None


def test_truncated_claim_gets_its_completed_sentence():
    text = (
        "The mBERT+WEAM model improves the scores in the zero-shot setting and also "
        "outperforms mBERT in the translate-train sett"
    )
    assert len(text) == 120
    result = _one(ClaimText(2, text, truncated=True))
    assert result.matches[0].passage_id == 13
    assert result.completed_text == (
        "The mBERT+WEAM model improves the scores in the zero shot setting and also "
        "outperforms mBERT in the translate-train setting by a large margin."
    )


def test_unrelated_claim_is_not_found():
    result = _one(ClaimText(3, "Quantum annealing halves the energy use of large data centres."))
    assert not result.found
    assert result.matches == [] and result.completed_text is None


def test_right_page_wins_between_similar_passages():
    result = _one(
        ClaimText(4, "The masking probability is set to 0.3 during the pre-training steps.")
    )
    assert [m.passage_id for m in result.matches][0] == 12
    pages = {p.id: p.page for p in PASSAGES}
    assert pages[result.matches[0].passage_id] == 5
    scores = [m.score for m in result.matches]
    assert scores == sorted(scores, reverse=True)


def test_claims_only_search_their_papers():
    claim = ClaimText(5, "WEAM uses statistical alignment information as prior knowledge.")
    assert _one(claim).matches[0].passage_id == 10
    restricted = _one(ClaimText(5, claim.text, paper_ids=frozenset({CODESWITCH})))
    assert all(m.passage_id == 20 for m in restricted.matches)


def test_hyphenated_and_joined_compounds_match():
    claim = ClaimText(6, "A cross encoder is trained on artificially codeswitched data.")
    result = _one(claim)
    assert result.found and result.matches[0].passage_id == 20


def test_top_k_threshold_and_empty_inputs():
    claims = [
        ClaimText(7, "The masking probability is set to 0.3 during the pre-training steps."),
        ClaimText(8, "Quantum annealing halves the energy use of large data centres."),
    ]
    limited = ground(claims, PASSAGES, top_k=1, threshold=0.0)
    assert [len(r.matches) for r in limited] == [1, 1]
    assert all(0.0 <= r.matches[0].score <= 1.0 for r in limited)
    strict = ground(claims, PASSAGES, threshold=1.01)
    assert not any(r.found for r in strict)
    assert ground([], PASSAGES) == []
    assert [r.found for r in ground(claims, [])] == [False, False]


def test_complete_truncated_needs_the_text_and_a_sentence_end():
    passage = "We report accuracy. The model outperforms the baseline on all languages."
    assert complete_truncated("The model outperforms the baseline on all lang", passage) == (
        "The model outperforms the baseline on all languages."
    )
    assert complete_truncated("Quantum annealing halves the energy use", passage) is None
    figure = "See the appendix. Fig. 3 shows that WEAM helps on all seven languages of MLQA."
    assert complete_truncated("Fig. 3 shows that WEAM helps on all seven lang", figure) == (
        "Fig. 3 shows that WEAM helps on all seven languages of MLQA."
    )
    assert (
        complete_truncated(
            "The model outperforms the baseline on", "The model outperforms the baseline on all"
        )
        is None
    )


def test_grounding_in_a_real_pdf():
    pdf = Path(__file__).parent / "fixtures" / "pdf" / "elstest-5p.pdf"
    passages = [PassageText(i, 1, p.page, p.text) for i, p in enumerate(extract_passages(pdf))]
    truncated = ClaimText(
        1,
        "Quadrupole excitons (QE) in cuprous oxide crystals are good candidates for BEC due to "
        "their narrow line-width and long li",
        truncated=True,
    )
    unrelated = ClaimText(2, "The mBERT+TLM model outperforms mBERT by a large margin on XNLI.")
    found, missing = ground([truncated, unrelated], passages)
    best = passages[found.matches[0].passage_id]
    assert best.page == 1 and "impeding BEC" in best.text
    assert found.completed_text is not None
    assert found.completed_text.endswith("there are some factors impeding BEC [1, 2].")
    assert not missing.found


@pytest.mark.parametrize("cut", [60, 90, 117])
def test_completion_from_any_cut_point(cut: int):
    sentence = (
        "The mBERT+TLM and word-aligned mBERT achieved similar improvements on XNLI compared "
        "to mBERT, while WEAM improved more."
    )
    passage = PassageText(1, 1, 2, f"Results are in Table 2. {sentence} We discuss this below.")
    result = _one(ClaimText(9, sentence[:cut], truncated=True), [passage])
    assert result.completed_text == sentence
    whole = _one(ClaimText(9, sentence, truncated=True), [passage])
    assert whole.found and whole.completed_text is None  # nothing was cut off
