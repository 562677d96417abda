"""Clean UI and help strings: format specifiers, accelerators, markup, sentence splits."""

from __future__ import annotations

import html
import re

# printf (with GCC's %q, %+, %# and %w extensions), positional %1$s, Qt %1, Python %(name)s.
_PRINTF = re.compile(
    r"%(?:\(\w+\))?(?:\d+\$)?[-+#0'q]*(?:\d+|\*)?(?:\.(?:\d+|\*))?"
    r"(?:hh|h|ll|l|L|j|z|t|w|I64|I32|q)*[a-zA-Z]"
    r"|%[<>]"
    r"|%\d+"
)
_BRACE = re.compile(r"\{[A-Za-z0-9_]*(?:![rsa])?(?::[^{}\s]*)?\}")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_MARKUP_TAGS = (
    "a|b|big|body|br|code|div|em|font|h[1-6]|head|hr|html|i|img|kbd|li|link|markup|nobr|ol"
    "|p|pre|qt|s|samp|small|span|strong|sub|sup|table|td|th|tr|tt|u|ul|var"
)
_MARKUP = re.compile(rf"</?(?:{_MARKUP_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
# An accelerator marker sits right before a letter or digit: "_Open", "O_pen", "&File", "~Save".
_ACCEL_TOKEN = re.compile(r"\S*[_&~][^\W_]\S*")
_ACCEL_MARK = re.compile(r"[_&~](?=[^\W_])")
_EMPTY_PAIRS = re.compile(
    r"''|\"\"|``|`'|‘’|“”|„“|‚‘|«\s*»|»\s*«|‹\s*›|›\s*‹|\(\s*\)|\[\s*\]|<\s*>"
)
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?)\]])(?=\s|$)")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'«„“(]?[A-ZÀ-ÖØ-Þ0-9])")


def strip_format_specifiers(text: str) -> str:
    """Remove printf, GCC, Qt and brace-style placeholders; `%%` becomes `%`."""
    text = text.replace("%%", "\x00")
    text = _PRINTF.sub("", text)
    text = _BRACE.sub("", text)
    return text.replace("\x00", "%")


def strip_accelerators(text: str, other: str) -> str:
    """Remove keyboard-accelerator markers (`_`, `&`, `~`) from `text`.

    A marked token that also appears verbatim in `other` (the translation, or the source)
    is an identifier such as `max_connections` or `__VA_ARGS__`, not a label, and is kept.
    """
    verbatim = set(other.split())

    def fix(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in verbatim or _ENTITY.fullmatch(token):
            return token
        parts = _ENTITY.split(token)
        entities = _ENTITY.findall(token)
        # Only the first marker is an accelerator; later ones belong to the word.
        out, done = [], False
        for i, part in enumerate(parts):
            if not done and _ACCEL_MARK.search(part):
                part = _ACCEL_MARK.sub("", part, count=1)
                done = True
            out.append(part)
            if i < len(entities):
                out.append(entities[i])
        return "".join(out)

    return _ACCEL_TOKEN.sub(fix, text)


def strip_markup(text: str) -> str:
    """Remove HTML/Pango tags and decode character entities."""
    text = _MARKUP.sub(" ", text)
    return _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)


def tidy(text: str) -> str:
    """Collapse whitespace and drop punctuation left dangling by removed placeholders."""
    previous = None
    while previous != text:
        previous = text
        text = _EMPTY_PAIRS.sub("", text)
    text = _SPACES.sub(" ", text).strip()
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    return text.lstrip(",.;: ").strip()


def clean_pair(source: str, target: str) -> tuple[str, str]:
    """Apply accelerator, markup and specifier removal to a source/translation pair."""
    src = strip_accelerators(source, target)
    tgt = strip_accelerators(target, source)
    src, tgt = strip_markup(src), strip_markup(tgt)
    src, tgt = strip_format_specifiers(src), strip_format_specifiers(tgt)
    return tidy(src), tidy(tgt)


def split_lines(source: str, target: str) -> list[tuple[str, str]]:
    """Split a multi-line pair line by line when both sides have the same non-empty lines."""
    src_lines = [line for line in source.split("\n") if line.strip()]
    tgt_lines = [line for line in target.split("\n") if line.strip()]
    if len(src_lines) > 1 and len(src_lines) == len(tgt_lines):
        return list(zip(src_lines, tgt_lines, strict=True))
    return [(source, target)]


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences at `.!?` followed by an upper-case start."""
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def align_sentences(source: str, target: str) -> list[tuple[str, str]]:
    """Pair sentences one to one when both sides split into the same number, else keep whole."""
    src, tgt = split_sentences(source), split_sentences(target)
    if len(src) > 1 and len(src) == len(tgt):
        return list(zip(src, tgt, strict=True))
    return [(source, target)]


def word_count(text: str) -> int:
    """Number of whitespace tokens that contain at least one letter."""
    return sum(1 for token in text.split() if any(ch.isalpha() for ch in token))


def letter_ratio(text: str) -> float:
    """Share of non-space characters that are letters."""
    chars = [ch for ch in text if not ch.isspace()]
    return sum(ch.isalpha() for ch in chars) / len(chars) if chars else 0.0


def norm_key(text: str) -> str:
    """Case- and punctuation-insensitive key used for de-duplication and leakage checks."""
    return " ".join(_WORD.findall(text.casefold()))
