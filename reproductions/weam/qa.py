"""Extractive QA (SQuAD v1.1 training, MLQA testing): windowed features, span loss, decoding."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import torch
import torch.nn.functional as F
from transformers import PreTrainedTokenizerBase

from reproductions.common.collate import pad_batch
from reproductions.weam.data import QAExample

MODEL_KEYS = ("input_ids", "token_type_ids", "attention_mask")


def _short_question(tokenizer: PreTrainedTokenizerBase, question: str, max_tokens: int) -> str:
    """Cut a question after `max_tokens` subword tokens (at a token boundary)."""
    enc = tokenizer(question.strip(), add_special_tokens=False, return_offsets_mapping=True)
    if len(enc["input_ids"]) <= max_tokens:
        return question.strip()
    return question.strip()[: enc["offset_mapping"][max_tokens - 1][1]]


def qa_features(
    tokenizer: PreTrainedTokenizerBase,
    examples: Sequence[QAExample],
    *,
    max_length: int,
    doc_stride: int,
    max_query_length: int,
    train: bool,
) -> list[dict[str, Any]]:
    """Question + context windows. Training windows carry start/end token labels (0 = [CLS] when
    the answer is outside the window); evaluation windows carry the example id and the context
    tokens' character offsets."""
    questions = [_short_question(tokenizer, e["question"], max_query_length) for e in examples]
    enc = tokenizer(
        questions,
        [e["context"] for e in examples],
        truncation="only_second",
        max_length=max_length,
        stride=doc_stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    features = []
    for i in range(len(enc["input_ids"])):
        example = examples[enc["overflow_to_sample_mapping"][i]]
        seq_ids = enc.sequence_ids(i)
        offsets = enc["offset_mapping"][i]
        feature = {k: enc[k][i] for k in MODEL_KEYS if k in enc}
        if train:
            feature["start_positions"], feature["end_positions"] = _span_labels(
                example, seq_ids, offsets
            )
        else:
            feature["example_id"] = example["id"]
            feature["offsets"] = [
                o if s == 1 else None for o, s in zip(offsets, seq_ids, strict=True)
            ]
        features.append(feature)
    return features


def _span_labels(
    example: QAExample, seq_ids: list[int | None], offsets: list[tuple[int, int]]
) -> tuple[int, int]:
    answers = example["answers"]
    if not answers["text"]:
        return 0, 0
    start_char = answers["answer_start"][0]
    end_char = start_char + len(answers["text"][0])
    context = [k for k, s in enumerate(seq_ids) if s == 1]
    first, last = context[0], context[-1]
    if offsets[first][0] > start_char or offsets[last][1] < end_char:
        return 0, 0
    start = next(k for k in range(first, last + 1) if offsets[k][1] > start_char)
    end = next(k for k in range(last, first - 1, -1) if offsets[k][0] < end_char)
    return start, end


class QACollator:
    """Pads model inputs; keeps span labels when present."""

    def __init__(self, pad_token_id: int) -> None:
        self.pad_token_id = pad_token_id

    def __call__(self, features: Sequence[Mapping[str, Any]]) -> dict[str, torch.Tensor]:
        """Model inputs (and start/end positions) as tensors."""
        keys = [*MODEL_KEYS, "start_positions", "end_positions"]
        return pad_batch(
            [{k: f[k] for k in keys if k in f} for f in features], pad_token_id=self.pad_token_id
        )


def qa_loss(model: torch.nn.Module, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
    """Mean of start and end cross-entropies."""
    inputs = {k: batch[k] for k in MODEL_KEYS if k in batch}
    out = model(**inputs)
    start = F.cross_entropy(out.start_logits.float(), batch["start_positions"])
    end = F.cross_entropy(out.end_logits.float(), batch["end_positions"])
    return (start + end) / 2


@torch.no_grad()
def predict_answers(
    model: torch.nn.Module,
    features: Sequence[Mapping[str, Any]],
    examples: Sequence[QAExample],
    *,
    pad_token_id: int,
    batch_size: int,
    n_best: int,
    max_answer_length: int,
    device: torch.device,
) -> dict[str, str]:
    """Best-scoring context span per example (start + end logit) over all its windows."""
    model.to(device).eval()
    collate = QACollator(pad_token_id)
    best: dict[str, tuple[float, str]] = {}
    contexts = {e["id"]: e["context"] for e in examples}
    for start in range(0, len(features), batch_size):
        chunk = features[start : start + batch_size]
        batch = {k: v.to(device) for k, v in collate(chunk).items()}
        out = model(**batch)
        for f, s_logits, e_logits in zip(
            chunk, out.start_logits.float().cpu(), out.end_logits.float().cpu(), strict=True
        ):
            offsets = f["offsets"]
            n = len(offsets)
            starts = s_logits[:n].topk(min(n_best, n)).indices.tolist()
            ends = e_logits[:n].topk(min(n_best, n)).indices.tolist()
            for s in starts:
                for e in ends:
                    if offsets[s] is None or offsets[e] is None:
                        continue
                    if e < s or e - s + 1 > max_answer_length:
                        continue
                    value = float(s_logits[s] + e_logits[e])
                    qid = f["example_id"]
                    if qid not in best or value > best[qid][0]:
                        text = contexts[qid][offsets[s][0] : offsets[e][1]]
                        best[qid] = (value, text)
    return {qid: best[qid][1] if qid in best else "" for qid in contexts}
