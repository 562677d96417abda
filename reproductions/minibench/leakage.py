"""Audit a built data set: no held-out help page or its text reaches a training file."""

from __future__ import annotations

import json
from pathlib import Path

from .textclean import norm_key


def _records(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _page(record_id: str) -> str:
    return record_id.split("#", 1)[0]


def audit(out: Path) -> dict[str, int]:
    """Compare every cls/ir dev and test text with every train and parallel text.

    Returns counts; `page_overlaps` and `text_overlaps` must be 0. Text is compared per
    paragraph (texts are paragraphs joined by newlines) after `norm_key` normalisation.
    """
    held_pages: set[str] = set()
    held_text: set[str] = set()
    train_pages: set[str] = set()
    train_text: set[str] = set()
    for path in sorted(out.glob("cls/*.jsonl")) + sorted(out.glob("ir/*.jsonl")):
        split = path.name.split(".")[-2]
        pages, texts = (train_pages, train_text) if split == "train" else (held_pages, held_text)
        for record in _records(path):
            pages.add(_page(record["id"]))
            texts.update(norm_key(p) for p in record["text"].split("\n"))
    for path in sorted(out.glob("parallel/*.jsonl")):
        for record in _records(path):
            # `domain` is a label ("help"), not text: a held-out paragraph may read "Help".
            train_text.update(norm_key(v) for k, v in record.items() if k != "domain")
    held_text.discard("")
    train_text.discard("")
    return {
        "held_out_pages": len(held_pages),
        "held_out_paragraphs": len(held_text),
        "train_pages": len(train_pages),
        "page_overlaps": len(held_pages & train_pages),
        "text_overlaps": len(held_text & train_text),
    }
