"""Artificial code-switching: replace words by lexicon translations with probability p.

BL-CS switches every drawn word towards one target language; ML-CS picks, for every drawn word,
one of the seen languages uniformly and translates if that lexicon has the word. Multi-word
entries (Wiki-CS title lexicons) are matched longest first at each drawn position.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from reproductions.common.lexicon import Lexicon

WORD = re.compile(r"\w+(?:['’-]\w+)*")
"""A word token: letters/digits, with inner apostrophes or hyphens."""


@dataclass
class SwitchStats:
    """Counts over the texts a switcher processed."""

    words: int = 0
    """Word tokens seen."""
    drawn: int = 0
    """Positions where the coin (probability p) said switch."""
    switched: int = 0
    """Words replaced (a multi-word entry counts its words)."""
    missing: int = 0
    """Drawn positions the chosen lexicon had no entry for."""

    def as_dict(self) -> dict[str, float]:
        """Counts and the realised switching rate."""
        rate = self.switched / self.words if self.words else 0.0
        return {**self.__dict__, "rate": round(rate, 6)}


class CodeSwitcher:
    """Switches English text towards target languages with lexicons `en -> language`."""

    def __init__(
        self,
        lexicons: Mapping[str, Lexicon],
        p: float,
        choice: str = "first",
    ) -> None:
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"switching probability must be in [0, 1], got {p}")
        if choice not in ("first", "random"):
            raise ValueError("choice must be 'first' or 'random'")
        self.lexicons = dict(lexicons)
        self.languages = sorted(self.lexicons)
        self.p = p
        self.choice = choice
        self.stats = SwitchStats()

    def switch(self, text: str, target: str | Sequence[str], rng: random.Random) -> str:
        """Switch `text`: `target` is one language (BL-CS) or several to draw from (ML-CS)."""
        targets = [target] if isinstance(target, str) else list(target)
        for lang in targets:
            if lang not in self.lexicons:
                raise KeyError(f"no lexicon for language {lang!r}")
        matches = list(WORD.finditer(text))
        n = len(matches)
        self.stats.words += n
        if n == 0 or self.p == 0.0:
            return text
        lowered = [m.group().lower() for m in matches]
        pieces: list[str] = []
        cursor = 0
        i = 0
        p, rand, stats = self.p, rng.random, self.stats
        while i < n:
            if rand() >= p:
                i += 1
                continue
            stats.drawn += 1
            lang = targets[0] if len(targets) == 1 else targets[int(rand() * len(targets))]
            lex = self.lexicons[lang]
            span, translation = self._longest(lex, lowered, matches, text, i)
            if translation is None:
                stats.missing += 1
                i += 1
                continue
            if len(translation) > 1 and self.choice == "random":
                chosen = translation[int(rand() * len(translation))]
            else:
                chosen = translation[0]
            pieces.append(text[cursor : matches[i].start()])
            pieces.append(chosen)
            cursor = matches[i + span - 1].end()
            stats.switched += span
            i += span
        if not pieces:
            return text
        pieces.append(text[cursor:])
        return "".join(pieces)

    @staticmethod
    def _longest(
        lex: Lexicon, lowered: list[str], matches: list[re.Match[str]], text: str, i: int
    ) -> tuple[int, list[str] | None]:
        """Longest lexicon entry starting at word i whose words are separated by spaces only."""
        entries = lex.entries
        if lex.max_words == 1:
            return 1, entries.get(lowered[i])
        best: tuple[int, list[str] | None] = (1, entries.get(lowered[i]))
        words = [lowered[i]]
        for j in range(i + 1, min(i + lex.max_words, len(lowered))):
            if text[matches[j - 1].end() : matches[j].start()].strip():
                break  # punctuation between words ends a phrase
            words.append(lowered[j])
            found = entries.get(" ".join(words))
            if found is not None:
                best = (len(words), found)
        return best


def translate_words(text: str, lexicon: Lexicon) -> str:
    """Word-by-word translation (translate-test): every word with an entry, longest first."""
    switcher = CodeSwitcher({lexicon.target: lexicon}, p=1.0)
    return switcher.switch(text, lexicon.target, random.Random(0))
