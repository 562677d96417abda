"""Step-time benchmarks of the weam recipe (CPU or GPU, whatever torch sees).

1. MLM: our step (dynamic padding, BERT masking, the MLM head on masked positions only, bf16
   autocast where the device supports it) against the standard HF path
   (`DataCollatorForLanguageModeling` + `BertForMaskedLM(**batch).loss`) on the same model
   configuration and the same tokenised batches; reported as non-pad tokens per second.
2. WEAM vs TLM: time of one WEAM step (MLM + cross-lingual term, both swap placements) over one
   TLM step on the same sentence pairs.

    .venv/bin/python bench/bench_weam.py [--data-dir /work/minibench-out] [--out bench.json]

Models are built from configuration (random weights, nothing downloaded): the mini profile's
4-layer BERT, and the bert-base-multilingual-cased architecture (12 layers, 119,547 entries).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from transformers import BertConfig, BertForMaskedLM, DataCollatorForLanguageModeling

from reproductions.common.device import autocast, resolve_precision
from reproductions.common.mlm import MLMCollator, masked_lm_loss
from reproductions.common.models import tiny_bert_config
from reproductions.common.tokenizer import TokenizerConfig, train_wordpiece
from reproductions.weam.aligner import align_corpus
from reproductions.weam.collators import PairMaskingCollator, TLMCollator
from reproductions.weam.data import DirSource
from reproductions.weam.losses import WeamLoss, tlm_loss
from reproductions.weam.pairs import pair_features
from reproductions.weam.synthetic import SyntheticSpec, generate
from reproductions.weam.units import split_words

MBERT = {
    "num_hidden_layers": 12,
    "hidden_size": 768,
    "num_attention_heads": 12,
    "intermediate_size": 3072,
    "vocab_size": 119547,
    "max_position_embeddings": 512,
    "type_vocab_size": 2,
}


def load_pairs(data_dir: str | None, n: int) -> list[tuple[str, str]]:
    """English-German pairs: minibench's when given, else the synthetic set's."""
    if data_dir is None:
        data_dir = str(generate(SyntheticSpec(train_pairs=n), Path("/tmp/bench-weam-data")))
    return DirSource(Path(data_dir)).parallel("de", "train")[:n]


def time_interleaved(
    variants: dict[str, tuple[torch.nn.Module, list[dict[str, torch.Tensor]], Callable, str]],
    device: torch.device,
    warmup: int,
) -> dict[str, list[float]]:
    """Seconds of each full training step (forward, backward, AdamW) per variant.

    Variants take turns step by step, so load from other processes hits them all alike.
    """
    optimizers = {}
    for name, (model, _, _, _) in variants.items():
        model.to(device).train()
        optimizers[name] = torch.optim.AdamW(model.parameters(), lr=1e-5)
    times: dict[str, list[float]] = {name: [] for name in variants}
    n_steps = min(len(v[1]) for v in variants.values())
    for i in range(n_steps):
        for name, (model, batches, loss_fn, precision) in variants.items():
            batch = {k: v.to(device) for k, v in batches[i].items()}
            start = time.perf_counter()
            with autocast(device, precision):
                loss = loss_fn(model, batch)
            loss.backward()
            optimizers[name].step()
            optimizers[name].zero_grad(set_to_none=True)
            if device.type == "cuda":
                torch.cuda.synchronize()
            if i >= warmup:
                times[name].append(time.perf_counter() - start)
    return times


def hf_loss(model: torch.nn.Module, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """The standard path: logits for every position, loss over the -100-masked labels."""
    return model(**batch).loss


def bench_mlm(
    name: str,
    config: BertConfig,
    tokenizer: Any,
    texts: list[str],
    args: argparse.Namespace,
    device: torch.device,
) -> dict[str, Any]:
    """Tokens/s of ours vs HF on the same model config and tokenised batches."""
    enc = tokenizer(texts, truncation=True, max_length=args.max_length)
    features = [
        {"input_ids": ids, "token_type_ids": [0] * len(ids), "attention_mask": [1] * len(ids)}
        for ids in enc["input_ids"]
    ]
    n_batches = args.warmup + args.steps
    groups = [features[i * args.batch_size : (i + 1) * args.batch_size] for i in range(n_batches)]
    tokens = [sum(len(f["input_ids"]) for f in g) for g in groups[args.warmup :]]
    hf_collate = DataCollatorForLanguageModeling(tokenizer, mlm_probability=args.mask_prob)
    ours_collate = MLMCollator(tokenizer, args.mask_prob)
    results: dict[str, Any] = {"model": name, "batch_size": args.batch_size}
    runs = [
        ("hf", hf_collate, hf_loss, "fp32"),
        ("ours_fp32", ours_collate, masked_lm_loss, "fp32"),
    ]
    bf16 = resolve_precision("bf16", device)
    if bf16 == "bf16":
        runs.append(("ours_bf16", ours_collate, masked_lm_loss, "bf16"))
        # The standard path under the same autocast: how much of the gain is bf16 alone.
        runs.append(("hf_bf16", hf_collate, hf_loss, "bf16"))
    variants, collate_s = {}, {}
    for label, collate, loss_fn, precision in runs:
        torch.manual_seed(0)
        # Collation is part of the step (it runs on the CPU in both paths).
        start = time.perf_counter()
        batches = [collate([dict(f) for f in g]) for g in groups]
        collate_s[label] = (time.perf_counter() - start) / len(groups)
        variants[label] = (BertForMaskedLM(config), batches, loss_fn, precision)
    times = time_interleaved(variants, device, args.warmup)
    for label in variants:
        per_step = statistics.median(times[label]) + collate_s[label]
        results[label] = {
            "step_s": round(per_step, 4),
            "tokens_per_s": round(statistics.mean(tokens) / per_step, 1),
            "collate_s": round(collate_s[label], 4),
        }
    best = max((v["tokens_per_s"] for k, v in results.items() if k.startswith("ours")), default=0.0)
    results["speedup_vs_hf"] = round(best / results["hf"]["tokens_per_s"], 3)
    for precision in ("fp32", "bf16"):
        hf_name = "hf" if precision == "fp32" else "hf_bf16"
        if f"ours_{precision}" in results and hf_name in results:
            ratio = results[f"ours_{precision}"]["tokens_per_s"] / results[hf_name]["tokens_per_s"]
            results[f"speedup_same_precision_{precision}"] = round(ratio, 3)
    return results


def bench_weam_vs_tlm(
    tokenizer: Any, pairs: list[tuple[str, str]], args: argparse.Namespace, device: torch.device
) -> dict[str, Any]:
    """WEAM step time over TLM step time on the mini model and the same pairs."""
    n = args.batch_size * (args.warmup + args.steps)
    pairs = pairs[:n]
    en = split_words(tokenizer, [p[0] for p in pairs])
    xx = split_words(tokenizer, [p[1] for p in pairs])
    links, _ = align_corpus(en, xx, "ibm1")
    features = pair_features(tokenizer, pairs, args.max_length, "word", links)
    groups = [
        features[i * args.batch_size : (i + 1) * args.batch_size]
        for i in range(len(features) // args.batch_size)
    ]
    config = tiny_bert_config("mini", len(tokenizer), max_position_embeddings=args.max_length)
    depth = config.num_hidden_layers
    variants = {
        "tlm": (TLMCollator(tokenizer, args.mask_prob), tlm_loss),
        "mlm_pairs": (PairMaskingCollator(tokenizer, args.mask_prob, False), WeamLoss(0.0)),
        "weam_final": (PairMaskingCollator(tokenizer, args.mask_prob), WeamLoss(1.0)),
        f"weam_swap_layer_{depth // 2}": (
            PairMaskingCollator(tokenizer, args.mask_prob),
            WeamLoss(1.0, swap_layer=depth // 2),
        ),
    }
    out: dict[str, Any] = {"model": "mini", "batch_size_pairs": args.batch_size}
    runs, collate_s = {}, {}
    for label, (collate, loss_fn) in variants.items():
        torch.manual_seed(0)
        start = time.perf_counter()
        batches = [collate(g) for g in groups]
        collate_s[label] = (time.perf_counter() - start) / len(groups)
        runs[label] = (BertForMaskedLM(config), batches, loss_fn, "fp32")
    times = time_interleaved(runs, device, args.warmup)
    for label in variants:
        out[label] = {
            "step_s": round(statistics.median(times[label]) + collate_s[label], 4),
            "collate_s": round(collate_s[label], 4),
        }
    for label in variants:
        if label != "tlm":
            out[f"{label}_over_tlm"] = round(out[label]["step_s"] / out["tlm"]["step_s"], 3)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run both benchmarks and print (and optionally write) the results as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="minibench output (default: synthetic)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=128)
    parser.add_argument("--mask-prob", type=float, default=0.3)
    parser.add_argument("--steps", type=int, default=8, help="timed steps per variant")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--mbert-batch-size", type=int, default=8)
    parser.add_argument("--skip-mbert", action="store_true", help="skip the mBERT-size model")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    parser.add_argument("--out", default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    pairs = load_pairs(args.data_dir, 20_000)
    texts = [t for p in pairs for t in p]
    tokenizer = train_wordpiece(texts, TokenizerConfig(vocab_size=8000))
    report: dict[str, Any] = {
        "device": str(device),
        "threads": torch.get_num_threads(),
        "data": args.data_dir or "synthetic",
        "mask_prob": args.mask_prob,
        "max_length": args.max_length,
    }
    mini = tiny_bert_config("mini", len(tokenizer), max_position_embeddings=args.max_length)
    report["mlm_mini"] = bench_mlm("mini (4x256, vocab 8k)", mini, tokenizer, texts, args, device)
    if not args.skip_mbert:
        big = argparse.Namespace(**{**vars(args), "batch_size": args.mbert_batch_size})
        report["mlm_mbert_arch"] = bench_mlm(
            "bert-base-multilingual-cased architecture (12x768, vocab 119547)",
            BertConfig(**MBERT),
            tokenizer,
            texts,
            big,
            device,
        )
    report["weam_vs_tlm"] = bench_weam_vs_tlm(tokenizer, pairs, args, device)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
