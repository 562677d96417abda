"""A two-column paper written by the tests, with known claim and description sentences.

Every sentence of its body is listed below with what it is: a claim sentence with its kind
(and, where the parser can read it, the predicates as (lhs, op, rhs, setting) or the value),
or a description. Pages carry a running head and a page number (header and footer kinds),
and page 2 a ruled results table with its caption.
"""

from __future__ import annotations

from pathlib import Path

import pymupdf

CLAIMS: dict[str, tuple[str, str, list[tuple]]] = {
    # sentence: (kind, parser status, predicates)
    "mBERT+WEAM outperforms mBERT on XNLI in the zero-shot setting.": (
        "comparison",
        "parsed",
        [("mbert+weam", ">", "mbert", "zero-shot")],
    ),
    "mBERT+TLM does not outperform mBERT in the translate-train setting.": (
        "comparison",
        "parsed",
        [("mbert+tlm", "<=", "mbert", "translate-train")],
    ),
    "Word-aligned mBERT is surpassed by mBERT+WEAM in the translate-train setting.": (
        "comparison",
        "parsed",
        [("mbert+weam", ">", "word-aligned-mbert", "translate-train")],
    ),
    "ML-CS outperforms the zero-shot re-ranker in MoIR.": (
        "comparison",
        "parsed",
        [("ml-cs", ">", "zero-shot", "moir")],
    ),
    "mBERT+WEAM reaches 70.1 accuracy on XNLI in the zero-shot setting.": (
        "value",
        "parsed",
        [("mbert+weam", "=", 0.701, "zero-shot")],
    ),
    "The masking probability is set to 0.3 during pre-training.": (
        "hyperparameter",
        "parsed",
        [("mask_prob", "=", 0.3)],
    ),
    "XNLI has shorter inputs than MLQA.": ("data", "parsed", [("xnli", "<", "mlqa")]),
    "We use a learning rate of 5e-5 and a batch size of 32.": (
        "hyperparameter",
        "needs-spec",
        [],
    ),
    "ML-CS is better than BL-CS unless the queries are short.": ("comparison", "needs-spec", []),
    "Our corpus holds 2 million sentence pairs drawn from news text.": (
        "data",
        "description",
        [],
    ),
}
"""Claim sentences: kind, the parser's status, and its predicates."""

DESCRIPTIONS = [
    "We propose a word-aligned pre-training objective for multilingual encoders.",
    "The encoder is trained on parallel sentence pairs aligned with FastAlign.",
    "Section 3 describes the experimental setup in detail.",
    "We release our code and the trained models to the community.",
    "Each query is paired with passages written in another language.",
    "The re-ranker scores every candidate passage with a cross-encoder.",
    "Cross-lingual retrieval matches queries and documents across languages.",
    "To improve alignment, we add a word-level objective to the masked language model.",
    "Further improvements are left for future work.",
    "Table 1 lists the zero-shot accuracy of both encoders.",
]
"""Sentences that claim nothing."""

TABLE = [["Model", "avg", "de"], ["mBERT", "66.3", "70.0"], ["mBERT+WEAM", "70.1", "72.4"]]
CAPTION = "Table 1: Zero-shot accuracy on XNLI."

_LEFT_1 = [DESCRIPTIONS[0], *list(CLAIMS)[0:2], DESCRIPTIONS[1], list(CLAIMS)[2]]
_RIGHT_1 = [DESCRIPTIONS[2], list(CLAIMS)[3], DESCRIPTIONS[3], DESCRIPTIONS[4], list(CLAIMS)[4]]
_LEFT_2 = [DESCRIPTIONS[5], list(CLAIMS)[5], DESCRIPTIONS[6], list(CLAIMS)[6], DESCRIPTIONS[7]]
_RIGHT_2 = [list(CLAIMS)[7], DESCRIPTIONS[8], *list(CLAIMS)[8:10], DESCRIPTIONS[9]]


def _column(page: pymupdf.Page, rect: tuple[float, float, float, float], text: str) -> None:
    assert page.insert_textbox(rect, text, fontname="helv", fontsize=10) >= 0


def _page(doc: pymupdf.Document, number: int, left: list[str], right: list[str]) -> pymupdf.Page:
    page = doc.new_page(width=595, height=842)
    page.insert_text((50, 40), "Preprint under review", fontname="helv", fontsize=8)
    page.insert_text((295, 815), str(number), fontname="helv", fontsize=9)
    # the right column is written first: reading order must come from the layout
    page.insert_text((310, 80), f"{2 * number} Results", fontname="hebo", fontsize=11)
    _column(page, (310, 90, 545, 330), " ".join(right))
    page.insert_text((50, 80), f"{2 * number - 1} Method", fontname="hebo", fontsize=11)
    _column(page, (50, 90, 285, 330), " ".join(left))
    return page


def claim_paper() -> bytes:
    """The PDF: two two-column pages; the second also has a ruled table under its columns."""
    doc = pymupdf.open()
    _page(doc, 1, _LEFT_1, _RIGHT_1)
    p2 = _page(doc, 2, _LEFT_2, _RIGHT_2)
    p2.insert_text((72, 380), CAPTION, fontname="helv", fontsize=10)
    xs, ys = [72, 200, 300, 400], [390, 410, 430, 450]
    for x in xs:
        p2.draw_line((x, ys[0]), (x, ys[-1]))
    for y in ys:
        p2.draw_line((xs[0], y), (xs[-1], y))
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            p2.insert_text((xs[c] + 4, ys[r] + 14), cell, fontname="helv", fontsize=10)
    return doc.tobytes()


def write_claim_paper(path: Path) -> Path:
    """Write the PDF to `path`."""
    path.write_bytes(claim_paper())
    return path


HELD_OUT_CLAIMS = {
    "Our approach improves the average accuracy on XNLI by 2.3 points over mBERT.": "comparison",
    "On MLQA, word-aligned mBERT scores 1.1 F1 lower than mBERT+WEAM.": "comparison",
    "ML-CS yields the best MRR@10 in all three settings.": "comparison",
    "Translate-test lags behind fine-tuning on every language pair.": "comparison",
    "The gains are largest for distant languages such as Arabic and Chinese.": "comparison",
    "mBERT obtains an F1 score of 57.6 on MLQA.": "value",
    "In CLIR, BL-CS reaches an MRR@10 of 0.231.": "value",
    "Zero-shot transfer achieves 66.3% accuracy on the German test set.": "value",
    "We train with a batch size of 64 for 3 epochs.": "hyperparameter",
    "The warm-up covers the first 10% of the training steps.": "hyperparameter",
    "Dropout is fixed at 0.1 throughout.": "hyperparameter",
    "The switching probability p is set to 0.5 for all languages.": "hyperparameter",
    "The parallel corpus comprises 500K sentence pairs per language.": "data",
    "MLQA contexts are on average four times longer than XNLI premises.": "data",
    "mMARCO provides 8.8 million passages in each language.": "data",
    "Removing the alignment loss reduces accuracy by 1.5 points.": "comparison",
    "Code-switched training does not hurt English performance.": "comparison",
    "The two re-rankers perform on par in MoIR.": "comparison",
    "Results are significantly better than the baseline (p < 0.05).": "comparison",
    "Our model outperforms all baselines on 12 of the 15 languages.": "comparison",
}
"""Claim sentences written before the extractor was run on them (not tuned to it)."""

HELD_OUT_DESCRIPTIONS = [
    "We build on multilingual BERT, a transformer encoder pre-trained on Wikipedia in 104 "
    "languages.",
    "Section 4 presents the experimental results.",
    "We describe the alignment objective in the next section.",
    "Each training example consists of a query and a relevant passage.",
    "The code-switched data is generated by replacing words with dictionary translations.",
    "We evaluate on XNLI, MLQA and mMARCO.",
    "Figure 2 illustrates the training pipeline.",
    "The re-ranker encodes the query and the passage jointly.",
    "Our implementation uses the Hugging Face Transformers library.",
    "We leave the study of low-resource languages to future work.",
    "Related work on cross-lingual retrieval is discussed in Section 2.",
    "The bilingual lexicons are taken from MUSE.",
    "All models are fine-tuned on the English training data only.",
    "Word alignments are extracted with a statistical aligner.",
    "We thank the anonymous reviewers for their comments.",
    "This paper is organised as follows.",
    "Our method requires no parallel data at fine-tuning time.",
    "The encoder is shared across all languages.",
    "Queries are translated into English before retrieval in the translate-test baseline.",
    "We report the mean over three random seeds.",
]
"""Sentences that claim nothing, written with the claims above."""


def held_out_paper() -> bytes:
    """Two two-column pages interleaving the held-out claims and descriptions."""
    claims, descriptions = list(HELD_OUT_CLAIMS), HELD_OUT_DESCRIPTIONS
    mixed = [s for pair in zip(claims, descriptions, strict=True) for s in pair]
    doc = pymupdf.open()
    for number, start in ((1, 0), (2, 20)):
        _page(doc, number, mixed[start : start + 10], mixed[start + 10 : start + 20])
    return doc.tobytes()
