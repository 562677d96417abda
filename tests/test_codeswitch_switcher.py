"""Code-switcher and lexicon loader of the codeswitch recipe."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reproductions.common.lexicon import (
    MissingLexiconError,
    load_lexicon,
    parse_lexicon,
)
from reproductions.common.switcher import WORD, CodeSwitcher, translate_words

EN = [f"w{i}" for i in range(200)]


def lexicon(lang: str, words: list[str] = EN):
    return parse_lexicon([f"{w} {lang}_{w}" for w in words], "en", lang)


def sample_text(n_words: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(EN) for _ in range(n_words))


@pytest.mark.parametrize("p", [0.25, 0.5, 0.75, 1.0])
def test_switching_rate_matches_p(p: float) -> None:
    switcher = CodeSwitcher({"de": lexicon("de")}, p)
    out = switcher.switch(sample_text(40_000), "de", random.Random(1))
    words = out.split()
    rate = sum(w.startswith("de_") for w in words) / len(words)
    assert rate == pytest.approx(p, abs=0.01)
    assert switcher.stats.as_dict()["rate"] == pytest.approx(rate)


def test_bl_cs_only_emits_target_language() -> None:
    switcher = CodeSwitcher({"de": lexicon("de"), "fr": lexicon("fr")}, 0.7)
    out = switcher.switch(sample_text(5_000), "de", random.Random(2))
    langs = {w.split("_")[0] for w in out.split() if "_" in w}
    assert langs == {"de"}
    assert not any(w.startswith("fr_") for w in out.split())


def test_ml_cs_spreads_over_languages() -> None:
    lexicons = {lang: lexicon(lang) for lang in ("de", "fr", "it")}
    switcher = CodeSwitcher(lexicons, 1.0)
    out = switcher.switch(sample_text(9_000), ["de", "fr", "it"], random.Random(3))
    counts = {lang: sum(w.startswith(f"{lang}_") for w in out.split()) for lang in lexicons}
    assert sum(counts.values()) == 9_000
    for count in counts.values():
        assert count == pytest.approx(3_000, rel=0.07)


def test_ml_cs_keeps_word_when_chosen_lexicon_lacks_it() -> None:
    switcher = CodeSwitcher({"de": lexicon("de"), "fr": lexicon("fr", EN[:1])}, 1.0)
    out = switcher.switch(" ".join(EN[1:50] * 40), ["de", "fr"], random.Random(4))
    words = out.split()
    kept = sum(not w.startswith("de_") for w in words) / len(words)
    assert kept == pytest.approx(0.5, abs=0.05)  # fr chosen half the time, and it has no entry
    assert switcher.stats.missing > 0


def test_reproducible_by_seed() -> None:
    text = sample_text(2_000)
    make = lambda: CodeSwitcher({"de": lexicon("de"), "fr": lexicon("fr")}, 0.5)  # noqa: E731
    a = make().switch(text, ["de", "fr"], random.Random(7))
    b = make().switch(text, ["de", "fr"], random.Random(7))
    c = make().switch(text, ["de", "fr"], random.Random(8))
    assert a == b
    assert a != c


def test_multiword_entries_replace_longest_first() -> None:
    lex = parse_lexicon(
        [
            "new\tneu",
            "new york\tneu-york",
            "new york city\tstadt neu-york",
            "york\tyorck",
            "city\tstadt",
        ],
        "en",
        "de",
        multiword=True,
    )
    assert lex.max_words == 3
    switcher = CodeSwitcher({"de": lex}, 1.0)
    out = switcher.switch("I saw New York City and new york, then York.", "de", random.Random(0))
    assert out == "I saw stadt neu-york and neu-york, then yorck."
    # A phrase does not run across punctuation.
    assert translate_words("new, york city", lex) == "neu, yorck stadt"


def test_punctuation_and_spacing_are_kept() -> None:
    switcher = CodeSwitcher({"de": lexicon("de")}, 1.0)
    assert switcher.switch("(w1, w2!)  w3?", "de", random.Random(0)) == "(de_w1, de_w2!)  de_w3?"
    assert [m.group() for m in WORD.finditer("don't stop-words")] == ["don't", "stop-words"]


def test_malformed_lexicon_lines_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "en-de.txt"
    path.write_text("cat katze\nthree fields here\n\nlonely\ndog hund\ndog köter\n", "utf-8")
    lex = load_lexicon(path, "en", "de")
    assert lex.malformed == 2
    assert lex.malformed_lines == [2, 4]
    assert lex.entries == {"cat": ["katze"], "dog": ["hund", "köter"]}
    assert lex.report()["lines"] == 5


def test_missing_lexicon_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(MissingLexiconError, match="no lexicon for en-it"):
        load_lexicon(tmp_path / "en-it.txt", "en", "it")


def test_translate_test_inverts_lexicon() -> None:
    lex = parse_lexicon(
        ["building gebäude", "building haus", "cat katze", "house haus"], "en", "de"
    )
    inv = lex.inverted()
    # "haus" is the first translation of house, only the second of building.
    assert inv.entries["haus"] == ["house", "building"]
    assert translate_words("Die Katze und das Haus.", inv) == "Die cat und das house."
