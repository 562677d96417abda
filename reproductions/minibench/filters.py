"""Keep-or-drop rules for parallel pairs."""

from __future__ import annotations

from dataclasses import dataclass

from .textclean import letter_ratio, norm_key, word_count


@dataclass(frozen=True)
class PairFilter:
    """Thresholds a cleaned (English, translation) pair must pass."""

    min_words: int = 4
    """Fewest English words (tokens containing a letter)."""
    max_words: int = 64
    """Most English words; longer pairs are dropped."""
    max_length_ratio: float = 2.0
    """Largest character-length ratio between the longer and the shorter side."""
    min_letter_ratio: float = 0.5
    """Smallest share of letters among non-space characters, on each side."""

    def reject(self, source: str, target: str) -> str | None:
        """Why the pair is dropped (a short reason key), or None to keep it."""
        if not source or not target:
            return "empty"
        words = word_count(source)
        if words < self.min_words:
            return "too_short"
        if words > self.max_words:
            return "too_long"
        shorter, longer = sorted((len(source), len(target)))
        if longer > self.max_length_ratio * shorter:
            return "length_ratio"
        if min(letter_ratio(source), letter_ratio(target)) < self.min_letter_ratio:
            return "few_letters"
        if norm_key(source) == norm_key(target):
            return "untranslated"
        return None
