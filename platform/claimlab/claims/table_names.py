"""Header and row names of results tables as the recipes' systems, tasks, settings, metrics
and as language codes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from claimlab.claims.mentions import KINDS, Patterns, alias_patterns, choose_recipe, find, names
from reproductions.common.capabilities import normalise

SLOTS = ("system", "task", "setting", "language", "metric")
_KIND_SLOT = {"systems": "system", "tasks": "task", "settings": "setting", "metrics": "metric"}
LANGUAGES = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "ru": "russian", "pl": "polish", "cs": "czech",
    "el": "greek", "bg": "bulgarian", "tr": "turkish", "ar": "arabic", "he": "hebrew",
    "fa": "persian", "hi": "hindi", "ur": "urdu", "bn": "bengali", "ta": "tamil",
    "te": "telugu", "sw": "swahili", "zh": "chinese", "ja": "japanese", "ko": "korean",
    "th": "thai", "vi": "vietnamese", "id": "indonesian", "ms": "malay", "fi": "finnish",
    "sv": "swedish",
}  # fmt: skip
_BY_NAME = {name: code for code, name in LANGUAGES.items()}
_ANY = {"x": "xx", "xx": "xx", "xall": "xall"}  # "any language" in MLIR pairs
_PAIR = re.compile(r"^([a-z]{1,4})\s*(?:-|–|→|->|⇒|2)\s*([a-z]{1,4})$")
_AVERAGE = re.compile(r"^(?:avg|average|mean|macro[\s-]?avg)$")
_FOOTNOTE = "†‡∗⋆§¶♠♣♦♥"  # not "*" or "#": they may be part of a name (\table*, #params)
_SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9)%])\.\s+(?=[A-Z†‡*§¶])")
_PERCENT = re.compile(r"\(\s*%\s*\)|\bin\s*%|%")
_METRIC_LIKE = re.compile(
    r"(?<![\w@])(?:acc(?:uracy)?|f1|em|exact match|bleu|chrf|mrr|map|ndcg|recall|precision|"
    r"hits|r|p|rouge(?:-\w+)?|auc|spearman|pearson)(?:\s*@\s*\d+)?(?![\w@])",
    re.IGNORECASE,
)
_ROLE = {
    "model": "system", "models": "system", "method": "system", "methods": "system",
    "system": "system", "systems": "system", "approach": "system", "setting": "setting",
    "settings": "setting", "task": "task", "tasks": "task", "language": "language",
    "languages": "language", "lang": "language", "metric": "metric",
}  # fmt: skip
"""Words a label column's header may say about what the column holds."""


@dataclass(frozen=True)
class Label:
    """What one header or row cell names: known slots, and its text when nothing is known."""

    known: dict[str, str] = field(default_factory=dict)
    unknown: str | None = None
    percent: bool = False


def clean(text: str) -> str:
    """A cell's text without the bold marker, footnote marks and a "(%)"."""
    text = text.strip()
    if len(text) > 4 and text.startswith("**") and text.endswith("**"):
        text = text[2:-2]
    text = _PERCENT.sub(" ", text)
    return " ".join(text.strip(_FOOTNOTE + " ").split())


def role(text: str) -> str | None:
    """The slot a label column's header names ("Model" -> system), else None."""
    return _ROLE.get(clean(text).casefold().rstrip("."))


def language(text: str) -> str | None:
    """A language code, a pair ("en-de", "xx-en") or "avg" for the text, else None."""
    low = text.casefold().rstrip(".")
    if _AVERAGE.match(low):
        return "avg"
    if low in LANGUAGES:
        return low
    if low in _BY_NAME:
        return _BY_NAME[low]
    m = _PAIR.match(low)
    if m:
        sides = [_ANY.get(s) or (s if s in LANGUAGES else None) for s in m.groups()]
        if all(sides):
            return "-".join(sides)  # type: ignore[arg-type]
    return None


def _stem(key: str) -> str:
    """A normalised name without its ending, so "Fine-tune" meets "fine-tuning"."""
    for end in ("ing", "ed", "es", "e", "s"):
        if key.endswith(end) and len(key) - len(end) >= 5:
            return key[: -len(end)]
    return key


@lru_cache(maxsize=1)
def _tables() -> dict[str, dict[str, Any]]:
    from reproductions import contract  # what claimlab.runs.recipes reads, without the cycle

    return contract.capabilities()


@lru_cache(maxsize=1)
def _patterns() -> dict[str, dict[str, Patterns]]:
    return {r: {k: alias_patterns(t, k) for k in KINDS} for r, t in _tables().items()}


@lru_cache(maxsize=1)
def _keys() -> dict[str, dict[str, dict[str, str]]]:
    """recipe -> kind -> normalised alias (and its stem) -> name."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for recipe, table in _tables().items():
        for kind in _KIND_SLOT:
            keys = out.setdefault(recipe, {}).setdefault(kind, {})
            for name, entry in table[kind].items():
                for alias in (name, *entry.get("aliases", [])):
                    keys.setdefault(normalise(alias), name)
            for key, name in list(keys.items()):
                keys.setdefault(_stem(key), name)
    return out


class Names:
    """Reads labels with the recipe the whole table is about first, then the others."""

    def __init__(self, table_text: str) -> None:
        chosen = choose_recipe(table_text, _patterns())
        order = sorted(_tables(), key=lambda r: r != chosen)
        self.recipe = chosen
        self._order = order

    def label(self, text: str) -> Label:
        """What one header or row cell names."""
        percent = bool(_PERCENT.search(text))
        text = clean(text)
        if not text:
            return Label(percent=percent)
        key = normalise(text)
        # An alias wins over a language code: "CS" is code-switching here, not Czech.
        for probe in (key, "", _stem(key)):
            if not probe:
                lang = language(text)
                if lang:
                    return Label({"language": lang}, percent=percent)
                continue
            for recipe in self._order:
                for kind, slot in _KIND_SLOT.items():
                    name = _keys()[recipe][kind].get(probe)
                    if name:
                        return Label({slot: name}, percent=percent)
        for recipe in self._order:
            known, any_found = self._mentioned(text, recipe)
            if any_found:  # "Zero-shot + TT" names two systems: no other recipe's reading
                return Label(known, None if known else text, percent)
        return Label(unknown=text, percent=percent)

    def mentioned(self, caption: str) -> dict[str, str]:
        """Task, setting and metric named once each in a caption's first sentence (the
        later ones explain marks: "† a significant gain"), else in the whole caption."""
        first = _SENTENCE_END.split(caption, maxsplit=1)[0]
        known = self._named(first)
        for slot, name in self._named(caption).items():
            known.setdefault(slot, name)
        return known

    def _named(self, text: str) -> dict[str, str]:
        known: dict[str, str] = {}
        for recipe in self._order:
            known, any_found = self._mentioned(text, recipe)
            known.pop("system", None)
            if any_found:
                break
        if "metric" not in known:
            found = list(dict.fromkeys(m.group() for m in _METRIC_LIKE.finditer(text)))
            if len(found) == 1 and len(found[0]) > 1:
                known["metric"] = found[0]
        return known

    def task_metrics(self, caption: str) -> dict[str, str]:
        """Each task's metric when a caption pairs them ("XNLI (accuracy) and MLQA (F1)"):
        as many tasks as metrics, each metric after its task and before the next one."""
        for recipe in self._order:
            tasks = find(caption, _patterns()[recipe]["tasks"])
            metrics = find(caption, _patterns()[recipe]["metrics"])
            if not tasks and not metrics:
                continue
            ends = [t.start for t in tasks[1:]] + [len(caption)]
            pairs = zip(tasks, metrics, ends, strict=False)
            if (
                len(tasks) >= 2
                and len(tasks) == len(metrics)
                and len({t.name for t in tasks}) == len(tasks)
                and all(t.start <= m.start < e for t, m, e in pairs)
            ):
                return {t.name: m.name for t, m in zip(tasks, metrics, strict=True)}
            return {}
        return {}

    def metrics(self, text: str) -> list[str]:
        """Every metric named in the text, in order (for "F1 / EM" cells)."""
        for recipe in self._order:
            found = [m.name for m in find(text, _patterns()[recipe]["metrics"])]
            if found:
                return found
        return []

    def _mentioned(self, text: str, recipe: str) -> tuple[dict[str, str], bool]:
        """Kinds named exactly once in the text by the recipe's aliases, and whether it
        names anything at all."""
        known = {}
        any_found = False
        for kind, slot in _KIND_SLOT.items():
            found = names(find(text, _patterns()[recipe][kind]))
            any_found = any_found or bool(found)
            if len(found) == 1:
                known[slot] = found[0]
        return known, any_found


def metric_like(text: str) -> bool:
    """True for names that read as a metric ("Recall@100", "nDCG@10", "BLEU")."""
    return bool(_METRIC_LIKE.fullmatch(text.strip().rstrip(".")))
