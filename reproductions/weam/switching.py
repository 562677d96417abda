"""mbert+cs: English classification examples code-switched with bilingual lexicons (ML-CS).

Each word is replaced with probability p by its first lexicon translation into a language drawn
per word among the run's target languages (kept when that lexicon lacks it), with the common
switcher. One fixed seed draws the switches, so every run seed fine-tunes on the same switched
data.
"""

from __future__ import annotations

import hashlib
import os
import random
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

from reproductions.common.lexicon import Lexicon, load_lexicon
from reproductions.common.recipe import ConfigError
from reproductions.common.switcher import CodeSwitcher
from reproductions.weam.data import ClsExample

MUSE_URL = "https://dl.fbaipublicfiles.com/arrival/dictionaries/en-{lang}.txt"
"""MUSE ground-truth dictionaries (Conneau et al. 2018), `en_word xx_word` per line."""
MUSE_LANGUAGES = frozenset(
    "af ar bg bn bs ca cs da de el es et fa fi fr he hi hr hu id it ja ko lt lv mk ms nl no pl "
    "pt ro ru sk sl sq sv ta th tl tr uk vi zh".split()
)
"""Targets MUSE has an en-X dictionary for (of XNLI's languages, not sw and ur)."""


def lexicon_file(folder: Path, lang: str) -> Path:
    """Where a folder keeps the en-{lang} lexicon."""
    return Path(folder) / f"en-{lang}.txt"


def download_lexicon(url: str, path: Path, timeout: float = 60.0) -> dict[str, Any]:
    """Fetch `url` into `path` (atomically); returns its url, sha256 and size."""
    part = path.with_name(path.name + ".part")
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response, open(part, "wb") as out:
            while chunk := response.read(1 << 20):
                digest.update(chunk)
                out.write(chunk)
    except urllib.error.HTTPError as exc:
        raise ConfigError(
            f"lexicon {url}: HTTP {exc.code}; put en-<lang>.txt files in a folder and set "
            "lexicon_dir"
        ) from exc
    os.replace(part, path)
    return {"url": url, "sha256": digest.hexdigest(), "bytes": path.stat().st_size}


def load_lexicons(files: dict[str, Path]) -> dict[str, Lexicon]:
    """Lexicons `en -> lang` from MUSE-format files (MissingLexiconError names a missing one)."""
    return {lang: load_lexicon(path, "en", lang) for lang, path in files.items()}


def switch_examples(
    examples: list[ClsExample], lexicons: dict[str, Any], p: float, seed: int
) -> tuple[list[ClsExample], dict[str, Any]]:
    """Every example switched (text and pair independently); returns them and the counts."""
    switcher = CodeSwitcher(lexicons, p)
    targets = switcher.languages
    rng = random.Random(seed)
    out, changed = [], 0
    for ex in examples:
        text = switcher.switch(ex.text, targets, rng)
        pair = None if ex.pair is None else switcher.switch(ex.pair, targets, rng)
        changed += text != ex.text or pair != ex.pair
        out.append(replace(ex, text=text, pair=pair))
    stats = {
        **switcher.stats.as_dict(),
        "examples": len(out),
        "changed_examples": changed,
        "languages": targets,
        "lexicons": {lang: lex.report() for lang, lex in lexicons.items()},
    }
    return out, stats
