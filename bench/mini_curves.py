"""Learning curves of the mini stand-in for mBERT (issue 15): base MLM, then classification.

    .venv/bin/python bench/mini_curves.py base --data-dir DIR --out OUT --steps 6000 --lr 4e-4
    .venv/bin/python bench/mini_curves.py finetune --data-dir DIR --model OUT/step2000 --epochs 5

`base` pre-trains the mini BERT on the weam base corpus (both sides of every parallel training
pair) and prints, every `--eval-every` steps, the time, the training loss and the held-out MLM
loss and masked-token accuracy per language (parallel dev sentences, fixed masks); it saves
`OUT/step<N>` at every `--save-at`. `finetune` trains a classifier on one language of the mini
classification set and prints test accuracy per language, the number of classes predicted (1
means collapsed) and the naive-Bayes reference of the same split. One JSON line per result.
Run it on a quiet machine: other processes make every number here slower, not different.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F
from transformers import BertForMaskedLM, BertForSequenceClassification
from transformers.modeling_outputs import SequenceClassifierOutput

from reproductions.common.mlm import MLMCollator, masked_lm_loss
from reproductions.common.models import tiny_bert_config
from reproductions.common.pretrain import tokenize_texts
from reproductions.common.references import naive_bayes_accuracy
from reproductions.common.tokenizer import TokenizerConfig, load_tokenizer, train_wordpiece
from reproductions.weam.data import DirSource, base_corpus

LANGS = ("de", "fr")


def _schedule(steps: int, warmup: int):
    """Linear warm-up, then linear decay to 0."""
    return lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup)))


def held_out(model, collate, features: dict[str, list], seed: int = 123) -> dict[str, Any]:
    """Held-out MLM loss and masked-token accuracy per language, with the same masks each time."""
    state = torch.get_rng_state()
    torch.manual_seed(seed)
    model.eval()
    out = {}
    with torch.no_grad():
        for lang, feats in features.items():
            total = right = 0
            loss = 0.0
            for i in range(0, len(feats), 64):
                batch = collate(feats[i : i + 64])
                logits = model(
                    input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]
                ).logits
                mask = batch["labels"] != -100
                gold = batch["labels"][mask]
                loss += F.cross_entropy(logits[mask], gold, reduction="sum").item()
                right += (logits[mask].argmax(-1) == gold).sum().item()
                total += int(mask.sum())
            out[lang] = {"loss": round(loss / total, 3), "accuracy": round(right / total, 3)}
    model.train()
    torch.set_rng_state(state)
    return out


def base(args: argparse.Namespace) -> None:
    """Pre-train the mini BERT and print its learning curve."""
    source = DirSource(args.data_dir)
    texts, counts = base_corpus({lang: source.parallel(lang, "train") for lang in LANGS}, None)
    tok_dir = args.out / "tokenizer"
    if not tok_dir.exists():
        config = TokenizerConfig(vocab_size=args.vocab, min_frequency=2, max_length=512)
        train_wordpiece(texts, config).save_pretrained(tok_dir)
    tok = load_tokenizer(tok_dir)
    feats = [f for f in tokenize_texts(tok, texts, args.max_length) if len(f["input_ids"]) > 3]
    dev: dict[str, list[str]] = {"en": []}
    for lang in LANGS:
        pairs = source.parallel(lang, "dev")[: args.dev]
        dev["en"] += [en for en, _ in pairs[: args.dev // 2]]
        dev[lang] = [xx for _, xx in pairs]
    dev_feats = {lang: tokenize_texts(tok, t, args.max_length) for lang, t in dev.items()}
    print(json.dumps({"corpus": counts, "features": len(feats)}), flush=True)

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    collate = MLMCollator(tok, 0.15)
    model = BertForMaskedLM(tiny_bert_config(args.size, len(tok), args.max_length))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _schedule(args.steps, args.warmup))
    save_at = {int(s) for s in args.save_at.split(",") if s} | {args.steps}
    start, step = time.time(), 0
    while step < args.steps:
        order = list(range(len(feats)))
        rng.shuffle(order)
        # Length-sorted chunks of 50 batches: little padding, still shuffled batches.
        for c in range(0, len(order), args.batch * 50):
            chunk = sorted(order[c : c + args.batch * 50], key=lambda i: len(feats[i]["input_ids"]))
            batches = [chunk[i : i + args.batch] for i in range(0, len(chunk), args.batch)]
            rng.shuffle(batches)
            for b in batches:
                loss = masked_lm_loss(model, collate([feats[i] for i in b]))
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                step += 1
                if step % args.eval_every == 0 or step in save_at:
                    row = {"step": step, "seconds": round(time.time() - start), "loss": loss.item()}
                    print(json.dumps({**row, "held_out": held_out(model, collate, dev_feats)}))
                if step in save_at:
                    model.save_pretrained(args.out / f"step{step}")
                    tok.save_pretrained(args.out / f"step{step}")
                if step >= args.steps:
                    return


class MeanPooled(torch.nn.Module):
    """The classifier's head over the mean of the last layer's token vectors, not [CLS]."""

    def __init__(self, model) -> None:
        super().__init__()
        self.bert, self.dropout, self.classifier = model.bert, model.dropout, model.classifier

    def forward(self, input_ids, attention_mask):
        hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        return SequenceClassifierOutput(logits=self.classifier(self.dropout(pooled)))


def finetune(args: argparse.Namespace) -> None:
    """Fine-tune a checkpoint on one language's classification set; accuracy per language."""
    source = DirSource(args.data_dir)
    train = source.classification(args.train_lang, "train")
    labels = sorted({e.label for e in source.classification("en", "train")})
    tok = load_tokenizer(args.model)

    def features(examples):
        enc = tok([e.text for e in examples], truncation=True, max_length=args.max_length)
        ids = enc["input_ids"]
        return [(row, labels.index(e.label)) for row, e in zip(ids, examples, strict=True)]

    def batch(rows):
        ids = torch.zeros(len(rows), max(len(r[0]) for r in rows), dtype=torch.long)
        for i, (row, _) in enumerate(rows):
            ids[i, : len(row)] = torch.tensor(row)
        return ids, (ids != tok.pad_token_id).long(), torch.tensor([r[1] for r in rows])

    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    rows = features(train)
    model = BertForSequenceClassification.from_pretrained(args.model, num_labels=len(labels))
    if args.freeze_embeddings or args.freeze_layers:
        model.bert.embeddings.requires_grad_(False)
    for layer in model.bert.encoder.layer[: args.freeze_layers]:
        layer.requires_grad_(False)
    if args.pooling == "mean":
        model = MeanPooled(model)
    steps = int(args.epochs * len(rows) / args.batch)
    trained = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(trained, lr=args.lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _schedule(steps, max(1, steps // 10)))
    start, step = time.time(), 0
    while step < steps:
        order = list(range(len(rows)))
        rng.shuffle(order)
        for i in range(0, len(order) - args.batch + 1, args.batch):
            ids, mask, y = batch([rows[j] for j in order[i : i + args.batch]])
            F.cross_entropy(model(input_ids=ids, attention_mask=mask).logits, y).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            if step >= steps:
                break
    model.eval()
    result: dict[str, Any] = {**vars(args), "steps": steps, "seconds": round(time.time() - start)}
    result = {k: str(v) if isinstance(v, Path) else v for k, v in result.items()}
    test_langs = ["en", *LANGS] if args.train_lang == "en" else [args.train_lang]
    with torch.no_grad():
        for lang in test_langs:
            test = features(source.classification(lang, "test"))
            preds: list[int] = []
            for i in range(0, len(test), 128):
                ids, mask, _ = batch(test[i : i + 128])
                preds += model(input_ids=ids, attention_mask=mask).logits.argmax(-1).tolist()
            right = sum(p == r[1] for p, r in zip(preds, test, strict=True))
            result[lang] = round(right / len(test), 3)
            result[f"{lang}/classes"] = len(set(preds))
            gold = source.classification(lang, "test")
            reference = naive_bayes_accuracy(
                [e.text for e in train],
                [e.label for e in train],
                [e.text for e in gold],
                [e.label for e in gold],
            )
            result[f"{lang}/naive-bayes"] = round(reference, 3)
    print(json.dumps(result), flush=True)


def main() -> None:
    """Parse the command line and run one curve."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("base")
    f = sub.add_parser("finetune")
    for p in (b, f):
        p.add_argument("--data-dir", type=Path, required=True, help="minibench output folder")
        p.add_argument("--seed", type=int, default=0)
        p.add_argument("--max-length", type=int, default=128)
    b.add_argument("--out", type=Path, required=True)
    b.add_argument("--size", default="mini")
    b.add_argument("--vocab", type=int, default=8000)
    b.add_argument("--steps", type=int, default=6000)
    b.add_argument("--batch", type=int, default=64)
    b.add_argument("--lr", type=float, default=4e-4)
    b.add_argument("--warmup", type=int, default=300)
    b.add_argument("--dev", type=int, default=300, help="dev pairs per language")
    b.add_argument("--eval-every", type=int, default=500)
    b.add_argument("--save-at", default="1000,2000,4000")
    f.add_argument("--model", type=Path, required=True)
    f.add_argument("--train-lang", default="en")
    f.add_argument("--epochs", type=float, default=5)
    f.add_argument("--batch", type=int, default=32)
    f.add_argument("--lr", type=float, default=5e-4)
    f.add_argument("--pooling", choices=("cls", "mean"), default="cls")
    f.add_argument("--freeze-embeddings", action="store_true", help="train above the embeddings")
    f.add_argument(
        "--freeze-layers", type=int, default=0, help="freeze the embeddings and the lowest N layers"
    )
    args = parser.parse_args()
    base(args) if args.command == "base" else finetune(args)


if __name__ == "__main__":
    main()
