"""Names of the recipes' systems, tasks, settings, metrics and parameters found in claim text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from claimlab.claims.canon import fold_latex
from reproductions.common.capabilities import normalise as alias_key

KINDS = ("systems", "tasks", "settings", "metrics", "parameters")
Patterns = list[tuple[re.Pattern[str], str]]


@dataclass(frozen=True)
class Mention:
    """A name found at text[start:end]."""

    name: str
    start: int
    end: int


class Text:
    """Claim text prepared for matching, remembering where each character came from."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw
        self._from = list(range(len(raw) + 1))
        self._to = [i + 1 for i in range(len(raw))] + [len(raw)]
        # Words glued by a lost table separator: "Zero-shotTranslate Test", "ML-CSTranslate Test".
        self._sub(r"(?<=[a-z])(?=[A-Z][a-z])|(?<=[A-Z])(?=[A-Z][a-z]{3,})", lambda m: " ")
        self._sub(r"\\[A-Za-z]+|[${}]", lambda m: fold_latex(m.group()))

    def _sub(self, pattern: str, repl) -> None:
        out, frm, to, last = [], [], [], 0
        for m in re.finditer(pattern, self.text):
            out.append(self.text[last : m.start()])
            frm += self._from[last : m.start()]
            to += self._to[last : m.start()]
            new = repl(m)
            a = self._from[m.start()]
            b = self._to[m.end() - 1] if m.end() > m.start() else a
            out.append(new)
            frm += [a] * len(new)
            to += [b] * len(new)
            last = m.end()
        out.append(self.text[last:])
        frm += self._from[last:]
        to += self._to[last:]
        self.text, self._from, self._to = "".join(out), frm, to

    def source(self, start: int, end: int) -> str:
        """The raw words behind text[start:end], trimmed of spaces and end punctuation."""
        while start < end and self.text[start] in " ,;:":
            start += 1
        while end > start and self.text[end - 1] in " ,;:.":
            end -= 1
        if end <= start:
            return ""
        return self.raw[self._from[start] : self._to[end - 1]]


def alias_patterns(table: dict[str, Any], kind: str) -> Patterns:
    """Regexes for every name and alias of `kind`, longest first."""
    out = []
    for name, entry in table[kind].items():
        for alias in {name, *entry.get("aliases", [])}:
            if len(alias_key(alias)) < 2 and not (len(alias) == 1 and not alias.isascii()):
                continue  # one-letter ASCII aliases ("p") match too much; Greek letters do not
            body = re.escape(alias).replace(r"\ ", r"[\s-]?").replace(r"\-", r"[\s-]?")
            out.append((re.compile(rf"(?<![\w+-]){body}(?![\w+-])", re.I), name, len(alias)))
    out.sort(key=lambda x: -x[2])
    return [(p, n) for p, n, _ in out]


def find(text: str, patterns: Patterns, start: int = 0, end: int | None = None) -> list[Mention]:
    """Non-overlapping mentions in text[start:end], longest alias first, in text order."""
    end = len(text) if end is None else end
    taken: list[tuple[int, int]] = []
    found = []
    for pattern, name in patterns:
        for m in pattern.finditer(text, start, end):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append(Mention(name, m.start(), m.end()))
    return sorted(found, key=lambda m: m.start)


def names(mentions: list[Mention]) -> list[str]:
    """Distinct names in text order."""
    return list(dict.fromkeys(m.name for m in mentions))


def choose_recipe(text: str, patterns: dict[str, dict[str, Patterns]]) -> str | None:
    """The recipe whose distinctive names the text mentions most.

    A mention is distinctive when no other recipe's names cover the same words as fully
    ("zero-shot" is a WEAM setting and a retrieval system, so it decides nothing; the
    longer "code-switched fine-tuning" beats the "fine-tuning" inside it).
    """
    found = {
        recipe: [(kind, m) for kind in KINDS for m in find(text, kinds[kind])]
        for recipe, kinds in patterns.items()
    }
    scores = {}
    for recipe, mentions in found.items():
        others = [m for r, ms in found.items() if r != recipe for _, m in ms]
        distinct = [
            (kind, m)
            for kind, m in mentions
            if not any(
                o.start < m.end and m.start < o.end and o.end - o.start >= m.end - m.start
                for o in others
            )
        ]
        # Longer names weigh more: "masking probability" says more than "steps".
        scores[recipe] = sum(
            (0.3 if k == "settings" else 1.0) * max(1.0, (m.end - m.start) / 8) for k, m in distinct
        )
        scores[recipe] += 0.1 * len(mentions)
    best = max(scores, key=scores.get) if scores else None
    return best if best and scores[best] >= 1 else None
