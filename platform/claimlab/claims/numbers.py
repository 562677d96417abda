"""Numbers as papers and reviews write them: 5e-5, 5e−5, 5 × 10^-5, 5·10⁻⁵, 30%, 1,000."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_MINUS = "[-−–]"
_MANTISSA = r"\d{1,3}(?:,\d{3})+(?![\d,]*\.\d)|\d+(?:\.\d+)?|\.\d+"
_EXP = rf"(?:\^\s*\(?\s*(?:{_MINUS}|\+)?\s*\d+\s*\)?|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+|{_MINUS}\d+(?!\d))"
NUMBER = re.compile(
    rf"(?<![\w.,@])(?P<sign>{_MINUS}|\+)?"
    rf"(?:10\s*(?P<p0>\^\s*\(?\s*(?:{_MINUS}|\+)?\s*\d+\s*\)?|[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)"
    rf"|(?P<m>{_MANTISSA})(?:\s*[eE](?P<e>(?:{_MINUS}|\+)?\d+)"
    rf"|\s*[×x*·⋅]\s*10\s*(?P<p>{_EXP}))?)"
    r"(?P<pct>\s*(?:%|percent\b))?(?![\w.]\d)"
)
"""One number, with its exponent or percent sign when it has one."""


@dataclass(frozen=True)
class Number:
    """A number found in text, with where it was."""

    value: float
    start: int
    end: int
    percent: bool
    """Written with %: `value` is already divided by 100."""
    stated: float
    """The number as written, before the percent is applied (30 for "30%")."""


def _power(text: str) -> int:
    """The exponent of a `10^-5`, `10⁻⁵` or `10−5` tail."""
    text = text.translate(_SUPERSCRIPT)
    text = re.sub(r"[\s^()]", "", text).replace("−", "-").replace("–", "-")
    return int(text)


def find_numbers(text: str) -> list[Number]:
    """Every number in `text`, in order; a percent is divided by 100."""
    out = []
    for m in NUMBER.finditer(text):
        if m.group("p0") is not None:
            value = 10.0 ** _power(m.group("p0"))
        else:
            value = float(m.group("m").replace(",", ""))
            if m.group("e") is not None:
                value *= 10.0 ** _power(m.group("e"))
            elif m.group("p") is not None:
                value *= 10.0 ** _power(m.group("p"))
        if m.group("sign") and m.group("sign") != "+":
            value = -value
        percent = bool(m.group("pct"))
        out.append(Number(value / 100 if percent else value, m.start(), m.end(), percent, value))
    return out


def parse_number(text: str) -> float | None:
    """The single number `text` spells (surrounding spaces allowed), else None."""
    found = find_numbers(text.strip())
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text.strip()):
        return found[0].value
    return None


def tidy(value: float) -> float | int:
    """An integral value as int (32.0 -> 32), others rounded to 12 significant digits."""
    if float(value).is_integer() and abs(value) < 1e15:
        return int(value)
    return float(f"{value:.12g}")
