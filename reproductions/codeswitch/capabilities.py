"""What the codeswitch recipe can measure (read by claimlab to parse claims)."""

from __future__ import annotations

from reproductions.common.capabilities import Capabilities, Entry, base_mlm_metrics, match_alias
from reproductions.common.recipe import ConfigError

MINI_PAIRS = {
    "moir": ["de", "fr"],
    "clir": ["en-de", "en-fr", "de-fr"],
    "mlir": ["en-xx", "xx-en", "xx-xx"],
}
PAPER_PAIRS = {
    "moir": ["de", "it", "nl", "ru", "ar", "fr", "id", "es", "pt", "zh"],
    "clir": [
        *("en-de", "en-it", "en-ar", "en-ru", "de-it", "de-nl", "de-ru", "ar-it", "ar-ru"),
        *("fr-en", "id-nl", "es-fr", "en-pt", "de-vi", "it-zh", "fr-pt", "id-vi", "pt-zh"),
    ],
    "mlir": ["en-xx", "xx-en", "xx-xx", "en-xall", "xall-en", "xall-xall"],
}
"""Seen pairs, then the authors' unseen ones (fr, id, es, pt, vi, zh; `xall`: 14 languages)."""

_TABLE = Capabilities(
    recipe="codeswitch",
    paper={
        "arxiv": "2305.05295",
        "title": "Boosting Zero-shot Cross-lingual Retrieval by Training on Artificially "
        "Code-Switched Data",
        "venue": "Findings of ACL 2023",
    },
    systems=[
        Entry(
            "zero-shot",
            [
                "zero shot",
                "zeroshot",
                "ZS",
                "EN-EN",
                "English-only",
                "monolingual English training",
                "baseline",
                "zero-shot re-ranker",
                "zero-shot reranker",
            ],
            "cross-encoder trained on English data only",
        ),
        Entry(
            "fine-tuning",
            [
                "fine tuning",
                "finetuning",
                "FT",
                "translate-train",
                "translate train",
                "machine-translated training data",
            ],
            "trained on target-language data (paper: mMARCO translations; mini: the real de/fr "
            "pages), one model per language pair",
        ),
        Entry(
            "translate-test",
            [
                "translate test",
                "TT",
                "translate-test baseline",
                "zero-shot translate test",
                "zero-shot + translate test",
            ],
            "zero-shot model on queries and documents translated word by word into English",
        ),
        Entry(
            "bl-cs",
            [
                "BL-CS",
                "bilingual code-switching",
                "bilingual code switching",
                "BLCS",
                "code-switching",
                "code-switched training",
                "CS",
                "code-switched data",
                "code-switching at training time",
            ],
            "trained on English data code-switched towards the query and document languages, "
            "one model per language pair",
        ),
        Entry(
            "ml-cs",
            [
                "ML-CS",
                "multilingual code-switching",
                "multilingual code switching",
                "MLCS",
                "one model for multiple pairs",
                "one model for multiple language pairs",
            ],
            "one model trained on English data code-switched towards a random seen language per "
            "word",
        ),
        Entry(
            "wiki-cs",
            [
                "Wiki-CS",
                "WIKI-CS",
                "Wikipedia code-switching",
                "entity code-switching",
                "code-switching with Wikipedia titles",
            ],
            "one model trained on English data whose Wikipedia-title phrases are all replaced "
            "(p = 1) by their titles in a query/document language drawn per pair (needs "
            "lexicon_dir with en-X title lexicons)",
            profiles=["paper"],
        ),
    ],
    tasks=[
        Entry(
            "passage-reranking",
            [
                "mMARCO",
                "MS MARCO",
                "re-ranking",
                "reranking",
                "passage retrieval",
                "retrieval",
                "cross-lingual retrieval",
            ],
            "re-rank first-stage candidates with a pointwise cross-encoder",
            details={
                "stand_in": {
                    "smoke": "synthetic en/de/fr set generated in code",
                    "mini": "minibench ir: LibreOffice help pages in en/de/fr, BM25 candidates",
                    "paper": "mMARCO dev small, BM25 top-1000",
                },
                "metric": "mrr@10",
                "metric_key": "{setting}/{pair}/{metric}",
            },
        )
    ],
    settings=[
        Entry(
            "moir",
            ["MoIR", "monolingual retrieval", "monolingual IR", "monolingual"],
            "query and documents in the same non-English language",
            details={
                "pairs": {
                    "smoke": MINI_PAIRS["moir"],
                    "mini": MINI_PAIRS["moir"],
                    "paper": PAPER_PAIRS["moir"],
                }
            },
        ),
        Entry(
            "clir",
            ["CLIR", "cross-lingual retrieval", "cross-lingual IR", "cross-lingual"],
            "query in language X, documents in language Y",
            details={
                "pairs": {
                    "smoke": MINI_PAIRS["clir"],
                    "mini": MINI_PAIRS["clir"],
                    "paper": PAPER_PAIRS["clir"],
                }
            },
        ),
        Entry(
            "mlir",
            ["MLIR", "multilingual retrieval", "multilingual IR", "multilingual"],
            "documents (en-xx), queries (xx-en) or both (xx-xx) in a language drawn per item "
            "with a fixed seed among the seen languages (xall: among all 14 at paper)",
            details={
                "pairs": {
                    "smoke": MINI_PAIRS["mlir"],
                    "mini": MINI_PAIRS["mlir"],
                    "paper": PAPER_PAIRS["mlir"],
                }
            },
        ),
    ],
    metrics=[
        Entry(
            "mrr@10",
            ["MRR@10", "MRR", "mean reciprocal rank"],
            "mean reciprocal rank at 10 (ir-measures RR@10), per setting and averaged per kind",
            details={"range": [0, 1], "paper_scale": 100, "higher_is_better": True},
        ),
        Entry(
            "p_vs_zero-shot",
            ["p-value", "significance", "paired t-test"],
            "two-sided paired t-test over queries against the zero-shot model of the same seed",
            details={"range": [0, 1]},
        ),
        Entry(
            "diff_vs_zero-shot",
            ["improvement", "gain", "drop"],
            "mean per-query MRR@10 difference to the zero-shot model of the same seed",
            details={"range": [-1, 1], "paper_scale": 100},
        ),
        *base_mlm_metrics(),
    ],
    parameters=[
        Entry(
            "switch_prob",
            [
                "p",
                "translation probability",
                "code-switching probability",
                "translation with a probability",
            ],
            "probability of replacing a word",
            details={"values": [0.25, 0.5, 0.75, 1.0], "paper_default": 0.5},
        ),
        Entry("learning_rate", ["lr", "learning rate"], details={"paper": 2e-5}),
        Entry("batch_size", ["batch size"], details={"paper": 64}),
        Entry("max_length", ["max length", "maximum sequence length"], details={"paper": 512}),
        Entry("train_steps", ["training steps", "steps"], details={"paper": 200_000}),
        Entry("warmup_steps", ["warm-up steps", "warmup"], details={"paper": 5000}),
        Entry("weight_decay", ["weight decay"], details={"paper": 0.01}),
        Entry("negatives", ["negatives per positive"], details={"paper": 4}),
    ],
    profiles={
        "smoke": {
            "model": "2-layer BERT (hidden 64) from config, ranker trained from scratch",
            "data": "synthetic",
            "runnable_here": True,
        },
        "mini": {
            "model": "4-layer BERT (hidden 256) pre-trained with MLM on minibench text",
            "data": "minibench ir + FreeDict lexicons",
            "runnable_here": True,
        },
        "paper": {
            "model": "nreimers/mMiniLMv2-L6-H384-distilled-from-XLMR-Large",
            "data": "mMARCO via datasets, lexicons induced from MUSE embeddings",
            "seeds": [1, 2, 3],
            "runnable_here": False,
        },
    },
    metric_names="{kind}/{pair}/mrr@10 (e.g. clir/en-de/mrr@10), {kind}/avg/mrr@10, "
    "{kind}/{pair}/p_vs_zero-shot, {kind}/{pair}/diff_vs_zero-shot; reference baselines "
    "ref/<name>/{kind}/{pair}/mrr@10 (chance: random order, first-stage: BM25 order); at smoke "
    "and mini, the tiny base's base/{lang}/mlm-loss|mlm-accuracy (this recipe's, or with "
    "encoder_init the weam base's) and their ref/unigram and ref/chance",
    baseline="zero-shot",
    default_task="passage-reranking",
)

CAPABILITIES = _TABLE.to_dict()
"""Plain-data capability table (JSON-serialisable)."""


def canonical_system(name: str) -> str:
    """Canonical system name for a name or alias, or a ConfigError."""
    found = match_alias(CAPABILITIES, "systems", name)
    if found is None:
        raise ConfigError(f"unknown system {name!r}; known: {sorted(CAPABILITIES['systems'])}")
    return found
