"""The `cls` task: help paragraphs grouped into short texts labelled by module."""

from __future__ import annotations

from collections import Counter, defaultdict

from .config import BuildConfig
from .helpcorpus import AlignedPage, leaks
from .jsonl import dumps
from .splits import SPLITS, hash_order
from .textclean import word_count


def page_chunks(
    page: AlignedPage, langs: list[str], config: BuildConfig, held_out: set[str] | None
) -> list[dict[str, str]]:
    """Consecutive translated paragraphs of a page joined (by newlines) into short texts.

    With `held_out`, paragraphs whose text also occurs on a held-out page are skipped.
    """
    paragraphs = [
        p for p in page.translated(langs[1:]) if held_out is None or not leaks(p.values(), held_out)
    ]
    chunks: list[list[dict[str, str]]] = []
    current: list[dict[str, str]] = []
    words = 0
    for paragraph in paragraphs:
        n = word_count(paragraph["en"])
        if current and (words >= config.cls_chunk_words or words + n > config.cls_max_words):
            chunks.append(current)
            current, words = [], 0
        current.append(paragraph)
        words += n
    if current:
        chunks.append(current)
    out = []
    for chunk in chunks:
        texts = {lang: "\n".join(p[lang] for p in chunk) for lang in langs}
        if word_count(texts["en"]) >= config.cls_min_words:
            out.append(texts)
    return out


def build_cls(
    pages: dict[str, list[AlignedPage]], config: BuildConfig, held_out: set[str]
) -> tuple[dict[str, list[str]], dict[str, object]]:
    """`cls/<lang>.<split>.jsonl` lines and statistics, from pages already split."""
    langs = ["en", *config.languages]
    files: dict[str, list[str]] = {}
    stats: dict[str, object] = {"labels": list(config.cls_modules)}
    for split in SPLITS:
        by_label: dict[str, list[tuple[str, str, dict[str, str]]]] = defaultdict(list)
        for page in pages[split]:
            if page.module not in config.cls_modules:
                continue
            guard = held_out if split == "train" else None
            for i, texts in enumerate(page_chunks(page, langs, config, guard)):
                uid = f"{page.path}#{i}"
                by_label[page.module].append((hash_order(uid, config.split_salt), uid, texts))
        cap = config.cls_per_label[split]
        chosen = []
        available: Counter[str] = Counter()
        for label in config.cls_modules:
            items = sorted(by_label[label])
            available[label] = len(items)
            chosen += [(key, uid, label, texts) for key, uid, texts in items[:cap]]
        chosen.sort()
        for lang in langs:
            files[f"cls/{lang}.{split}.jsonl"] = [
                dumps({"id": uid, "text": texts[lang], "label": label})
                for _key, uid, label, texts in chosen
            ]
        stats[f"{split}_per_label"] = dict(Counter(label for _k, _u, label, _t in chosen))
        stats[f"{split}_available_per_label"] = dict(available)
    return files, stats
