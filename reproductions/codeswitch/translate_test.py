"""Translate-test lexicons as the authors build them: for each test language X, every word of the
test texts (queries and collection) maps to its nearest English neighbour in aligned MUSE vectors
(src/eval_data/create_translatetest.py). Inverting the EN->X training lexicon instead covers only
the X words that happen to be some English word's neighbour."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from reproductions.codeswitch.induce import induce_lexicon
from reproductions.common.switcher import WORD

MUSE_MULTI_LANGUAGES = frozenset(
    "ar bg ca cs da de el en es et fi fr he hr hu id it mk nl no pl pt ro ru sk sl sv tr uk "
    "vi".split()
)
"""Languages with aligned MUSE `wiki.multi` vectors (no zh, hi, ja among mMARCO's)."""


def vocabulary_of(texts: Iterable[str]) -> set[str]:
    """Lower-cased word tokens of `texts` (the switcher's tokenisation)."""
    vocab: set[str] = set()
    for text in texts:
        vocab.update(m.group().lower() for m in WORD.finditer(text))
    return vocab


def build_x_en_lexicon(muse_dir: str | Path, lang: str, texts: Iterable[str], out: Path) -> int:
    """Write `out` (MUSE format `x_word en_word`) for the words of `texts`; returns its size."""
    muse = Path(muse_dir)
    return induce_lexicon(
        muse / f"wiki.multi.{lang}.vec", muse / "wiki.multi.en.vec", vocabulary_of(texts), out
    )
