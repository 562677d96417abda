"""WordPiece tokenizer trained on the fly, used through `transformers` as a fast tokenizer.

The vocabulary is learned here by byte-pair-style merges with a fixed tie-break (count, then the
pair's text), because the `tokenizers` trainer breaks ties in hash-map order, which changes from
one process to the next; encoding is done by HF `tokenizers` (WordPiece, greedy longest match).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import AutoTokenizer, PreTrainedTokenizerBase, PreTrainedTokenizerFast

from reproductions.common.wordpiece import PREFIX, SPECIAL_TOKENS, TokenizerConfig, learn_vocabulary

__all__ = [
    "SPECIAL_TOKENS",
    "TokenizerConfig",
    "learn_vocabulary",
    "load_tokenizer",
    "save_tokenizer",
    "train_wordpiece",
]


def _empty_tokenizer(lowercase: bool) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(vocab={"[UNK]": 0}, unk_token="[UNK]"))
    norm = [normalizers.NFD(), normalizers.Lowercase(), normalizers.StripAccents()]
    tok.normalizer = normalizers.Sequence(norm if lowercase else [normalizers.NFC()])
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix=PREFIX)
    return tok


def train_wordpiece(texts: Iterable[str], config: TokenizerConfig) -> PreTrainedTokenizerFast:
    """Train a BERT WordPiece tokenizer on `texts` and wrap it for `transformers`."""
    tok = _empty_tokenizer(config.lowercase)
    counts: Counter[str] = Counter()
    for text in texts:
        normal = tok.normalizer.normalize_str(text)
        counts.update(word for word, _ in tok.pre_tokenizer.pre_tokenize_str(normal))
    vocab = learn_vocabulary(counts, config.vocab_size, config.min_frequency)
    tok.model = models.WordPiece(
        vocab={t: i for i, t in enumerate(vocab)},
        unk_token="[UNK]",
        continuing_subword_prefix=PREFIX,
    )
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab.index("[CLS]")), ("[SEP]", vocab.index("[SEP]"))],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        unk_token="[UNK]",
        pad_token="[PAD]",
        cls_token="[CLS]",
        sep_token="[SEP]",
        mask_token="[MASK]",
        model_max_length=config.max_length,
        model_input_names=["input_ids", "token_type_ids", "attention_mask"],
    )


def save_tokenizer(tokenizer: PreTrainedTokenizerBase, out_dir: str | Path) -> Path:
    """Save in `transformers` format (loadable with `AutoTokenizer.from_pretrained`)."""
    out_dir = Path(out_dir)
    tokenizer.save_pretrained(out_dir)
    return out_dir


def hub_offline() -> bool:
    """True when HF_HUB_OFFLINE or TRANSFORMERS_OFFLINE forbids downloads."""
    return any(
        os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
        for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def load_tokenizer(path: str | Path) -> PreTrainedTokenizerBase:
    """Load a tokenizer from a local folder, or a hub id (downloaded unless offline mode is set)."""
    return AutoTokenizer.from_pretrained(str(path), local_files_only=hub_offline())
