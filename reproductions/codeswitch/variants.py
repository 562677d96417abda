"""Which re-rankers a run trains and which languages each side of a setting involves."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from reproductions.codeswitch.config import CodeSwitchConfig, parse_setting

__all__ = [
    "ZERO_SHOT",
    "Variant",
    "induces_lexicons",
    "lexicon_languages",
    "mixed_options",
    "pick",
    "side_languages",
    "translate_languages",
    "variant_for",
]


@dataclass(frozen=True)
class Variant:
    """One trained re-ranker: a training-data recipe and its query/document languages."""

    system: str
    """zero-shot | fine-tuning | bl-cs | ml-cs | wiki-cs."""
    qlang: str
    dlang: str
    """Languages the query and document sides are switched or translated towards (xx: mixed)."""

    @property
    def label(self) -> str:
        """E.g. `bl-cs/en-de`."""
        return f"{self.system}/{self.qlang}-{self.dlang}"


ZERO_SHOT = Variant("zero-shot", "en", "en")


def variant_for(system: str, qlang: str, dlang: str) -> Variant:
    """The re-ranker a system uses for a (query, document) language pair."""
    if system in ("zero-shot", "translate-test"):
        return ZERO_SHOT
    if system in ("ml-cs", "wiki-cs"):  # one model for every pair
        return Variant(system, "xx", "xx")
    if (qlang, dlang) == ("en", "en"):
        return ZERO_SHOT
    return Variant(system, qlang, dlang)


def side_languages(cfg: CodeSwitchConfig, *sides: str) -> list[str]:
    """Non-English languages the given sides involve (`xx`: every seen language; `xall`: every
    seen and unseen language)."""
    others = [lang for lang in cfg.languages if lang != "en"]
    needed: set[str] = set()
    for side in sides:
        if side == "xall":
            needed |= set(others) | set(cfg.unseen_languages or [])
        else:
            needed |= set(others) if side == "xx" else ({side} - {"en"})
    return sorted(needed)


def mixed_options(cfg: CodeSwitchConfig, side: str) -> list[str]:
    """Languages an MLIR side draws from: seen (`xx`) or seen and unseen (`xall`)."""
    return [*cfg.languages, *(cfg.unseen_languages or [])] if side == "xall" else cfg.languages


def induces_lexicons(cfg: CodeSwitchConfig) -> bool:
    """Paper data without lexicon_dir: lexicons are induced from MUSE embeddings (Wiki-CS reads
    Wikipedia-title lexicons from lexicon_dir instead)."""
    return cfg.data_source == "mmarco" and not cfg.lexicon_dir and cfg.system != "wiki-cs"


def translate_languages(cfg: CodeSwitchConfig) -> list[str]:
    """Non-English languages a translate-test run translates from."""
    if cfg.system != "translate-test":
        return []
    needed: set[str] = set()
    for setting in cfg.settings:
        sides = parse_setting(setting, cfg.languages, cfg.unseen_languages)[1:]
        needed |= set(side_languages(cfg, *sides))
    return sorted(needed)


def lexicon_languages(cfg: CodeSwitchConfig, variants: list[Variant]) -> list[str]:
    """Non-English languages whose `en-X` lexicon this run needs (translate-test with induced
    lexicons reads X->EN ones instead, as the authors: `translate_specs`)."""
    needed: set[str] = set()
    for v in variants:
        if v.system in ("bl-cs", "ml-cs", "wiki-cs"):
            needed |= set(side_languages(cfg, v.qlang, v.dlang))
    if not induces_lexicons(cfg):
        needed |= set(translate_languages(cfg))
    return sorted(needed)


def pick(key: str, options: list[str]) -> str:
    """Deterministic choice among `options` from a string key (MLIR language draws)."""
    digest = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    return options[digest % len(options)]
