"""Evaluation of a codeswitch run: re-ranking each setting's candidates, MRR@k and t-tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reproductions.codeswitch.config import CodeSwitchConfig
from reproductions.codeswitch.data import IRData
from reproductions.codeswitch.streaming import rerank_chunked
from reproductions.codeswitch.variants import mixed_options, pick
from reproductions.common.files import write_json_atomic
from reproductions.common.lexicon import Lexicon
from reproductions.common.metrics import mean, paired_ttest
from reproductions.common.recipe import ConfigError, RunContext

CHUNK_PAIRS = 200_000
"""Re-ranking scores at most about this many (query, passage) pairs at a time."""


def sides(setting: str) -> tuple[str, str]:
    """(query side, document side) of a setting: `moir/de` -> (de, de), `clir/en-de` -> (en, de)."""
    kind, _, pair = setting.partition("/")
    if kind == "moir":
        return pair, pair
    q_side, _, d_side = pair.partition("-")
    return q_side, d_side


def eval_queries(
    cfg: CodeSwitchConfig, data: IRData, setting: str
) -> tuple[list[str], dict[str, list[str]]]:
    """The queries a setting is evaluated on and the first-stage run ranking their candidates."""
    d_side = sides(setting)[1]
    run_name = "en" if cfg.first_stage == "en" else ("mlir" if d_side == "xx" else d_side)
    if run_name not in data.candidates:
        raise ConfigError(f"{setting}: the data has no first-stage run bm25.{run_name}")
    candidates = data.candidates[run_name]
    qids = sorted(q for q in data.qrels if q in candidates)
    if cfg.max_eval_queries:
        qids = qids[: cfg.max_eval_queries]
    return qids, candidates


def rerank(
    cfg: CodeSwitchConfig,
    setting: str,
    system: str,
    ranker_dir: Path,
    data: IRData,
    lexicons: dict[str, Lexicon],
    ctx: RunContext,
    out: Path,
) -> dict[str, Any]:
    """Re-rank one setting's candidates with one model; write per-query RR@k."""
    from reproductions.codeswitch.ranker import encode_pairs, load_ranker, score_pairs
    from reproductions.common.device import resolve_precision
    from reproductions.common.switcher import translate_words
    from reproductions.common.tokenizer import load_tokenizer

    q_side, d_side = sides(setting)
    qids, candidates = eval_queries(cfg, data, setting)
    # X->EN lexicons (paper translate-test) as they are; EN->X ones inverted.
    inverse = {
        lang: lex if lex.target == "en" else lex.inverted() for lang, lex in lexicons.items()
    }

    def lang_of(item: str, side: str, is_doc: bool) -> str:
        if side not in ("xx", "xall"):
            return side
        if side == "xx" and is_doc and item in data.mlir_languages:
            return data.mlir_languages[item]
        key = f"{cfg.data_seed}:mlir:{'d' if is_doc else 'q'}:{item}"
        return pick(key, list(mixed_options(cfg, side)))

    def text(item: str, side: str, is_doc: bool) -> str:
        lang = lang_of(item, side, is_doc)
        raw = (data.test_docs if is_doc else data.test_queries)[lang][item]
        if system == "translate-test" and lang != "en":
            return translate_words(raw, inverse[lang])
        return raw

    tokenizer = load_tokenizer(ranker_dir)
    model = load_ranker(ranker_dir)
    precision = resolve_precision(cfg.precision, ctx.device)

    def score(queries: list[str], passages: list[str]) -> list[float]:
        features = encode_pairs(tokenizer, queries, passages, cfg.max_length)
        pad = tokenizer.pad_token_id or 0
        return score_pairs(model, features, pad, cfg.eval_batch_size, ctx.device, precision)

    def candidates_of(qid: str) -> tuple[str, list[tuple[str, str]]]:
        docs = candidates[qid][: cfg.eval_depth]
        return text(qid, q_side, False), [(did, text(did, d_side, True)) for did in docs]

    # Chunks of at most ~200k pairs (paper: 200 queries x 1000), saved as they finish.
    per_chunk = max(1, CHUNK_PAIRS // max(1, cfg.eval_depth))
    per_query = rerank_chunked(qids, candidates_of, score, data.qrels, cfg.mrr_k, out, per_chunk)
    pairs = sum(len(candidates[q][: cfg.eval_depth]) for q in qids)
    write_json_atomic(out / "per_query.json", per_query)
    return {"queries": len(qids), "pairs": pairs}


def collect_metrics(
    cfg: CodeSwitchConfig,
    per_query: dict[str, dict[str, dict[str, float]]],
    not_run: dict[str, str],
) -> dict[str, float | None]:
    """MRR@k per setting and per kind, and paired t-tests against zero-shot."""
    k = cfg.mrr_k
    mine = per_query.get(cfg.system, {})
    metrics: dict[str, float | None] = {}
    by_kind: dict[str, list[float]] = {}
    for setting in cfg.settings:
        if setting in not_run:
            metrics[f"{setting}/mrr@{k}"] = None
            continue
        values = mine[setting]
        value = mean(list(values.values()))
        metrics[f"{setting}/mrr@{k}"] = round(value, 6)
        by_kind.setdefault(setting.split("/")[0], []).append(value)
        base = per_query.get("zero-shot", {}).get(setting)
        if cfg.system != "zero-shot" and base is not None:
            qids = sorted(values)
            test = paired_ttest([values[q] for q in qids], [base[q] for q in qids])
            metrics[f"{setting}/diff_vs_zero-shot"] = round(test["mean_diff"], 6)
            metrics[f"{setting}/t_vs_zero-shot"] = _r(test["t"])
            metrics[f"{setting}/p_vs_zero-shot"] = _r(test["p"])
    for kind, values in by_kind.items():
        metrics[f"{kind}/avg/mrr@{k}"] = round(mean(values), 6)
    return metrics


def _r(value: float) -> float | None:
    return None if value != value else round(value, 6)  # NaN -> None (JSON has no NaN)
