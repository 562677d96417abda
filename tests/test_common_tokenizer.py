"""WordPiece trained on the fly, saved and loaded through transformers."""

from __future__ import annotations

from pathlib import Path

from transformers import PreTrainedTokenizerFast

from reproductions.common.tokenizer import (
    TokenizerConfig,
    load_tokenizer,
    save_tokenizer,
    train_wordpiece,
)

TEXTS = ["The cat sat on the mat.", "Die Katze saß auf der Matte.", "Le chat était assis."] * 30


def test_train_save_load_round_trip(tmp_path: Path) -> None:
    tok = train_wordpiece(TEXTS, TokenizerConfig(vocab_size=300, max_length=64))
    assert isinstance(tok, PreTrainedTokenizerFast)
    save_tokenizer(tok, tmp_path)
    loaded = load_tokenizer(tmp_path)
    assert isinstance(loaded, PreTrainedTokenizerFast)
    enc = loaded("Die Katze", "the mat", truncation="longest_first", max_length=64)
    tokens = loaded.convert_ids_to_tokens(enc["input_ids"])
    assert tokens[0] == "[CLS]" and tokens.count("[SEP]") == 2
    assert enc["token_type_ids"][-1] == 1 and enc["token_type_ids"][0] == 0
    assert loaded.pad_token_id == 0 and loaded.mask_token == "[MASK]"
    assert loaded("Katze")["input_ids"] == tok("Katze")["input_ids"]


def test_vocabulary_is_the_same_in_every_process() -> None:
    """HF's trainer breaks ties in hash-map order; ours must not depend on the process."""
    import subprocess
    import sys

    code = (
        "from reproductions.common.wordpiece import learn_vocabulary as f;"
        "import collections, hashlib, random;"
        "r = random.Random(0); s = ['ab', 'ba', 'cd', 'dc', 'e'];"
        "c = collections.Counter(''.join(r.choice(s) for _ in range(4)) for _ in range(5000));"
        "print(hashlib.sha256(' '.join(f(c, 300, 2)).encode()).hexdigest())"
    )
    outs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
        for _ in range(2)
    }
    assert len(outs) == 1 and len(outs.pop()) == 65
