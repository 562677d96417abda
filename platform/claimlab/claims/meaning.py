"""What two claim mentions mean: content words after folding, and the parser's predicates.

Two rules merge mentions whose wording differs more than the text ratio allows:

- content: after LaTeX / Unicode folding, stop-word removal and light stemming, the two
  texts hold the same content words in the same order, or (when neither compares
  anything) one's words are all in the other, in order, with a few more (a passive
  rewording that drops its agent, a trailing "as prior knowledge");
- predicates: both parse, to the same predicates (sides, operator, metric, task, setting,
  qualifier, margin; or the same hyperparameter and value).

Either way numbers (as values: 5e-5 is 5 × 10^-5) and negations must agree.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from claimlab.claims.cues import NEGATION
from claimlab.claims.numbers import find_numbers, tidy

TOKEN = re.compile(r"[\w+@]+(?:[.\-][\w+@]+)*")
_MACRO = re.compile(r"\\([A-Za-z]+)")
_SYMBOLS = {
    "times": "×",
    "cdot": "·",
    "approx": "≈",
    "leq": "≤",
    "le": "≤",
    "geq": "≥",
    "ge": "≥",
    "pm": "±",
    "infty": "∞",
}
_FORMATTING = frozenset(
    "mathrm mathbf mathit mathsf mathtt text textrm textbf textit texttt emph operatorname "
    "left right".split()
)
"""Commands dropped, keeping their argument: `\\mathrm{lr}` is "lr"."""
_GREEK = (
    "alpha beta gamma delta epsilon zeta eta theta kappa lambda mu nu xi pi rho sigma tau phi "
    "chi psi omega Gamma Delta Theta Lambda Pi Sigma Phi Psi Omega varepsilon varphi"
).split()
_LETTERS = dict(zip(_GREEK, "αβγδεζηθκλμνξπρστφχψωΓΔΘΛΠΣΦΨΩεφ", strict=True))

STOPWORDS = frozenset(
    "a an and are as at be been being both but by can could do does for from had has have "
    "here in into is it its itself of on or our so such that the their them then there these "
    "they this those to very was we were which while who whose will with would also all any "
    "each value values set sets setting's model models method methods approach paper authors "
    "proposed respectively".split()
)
"""Words that do not change what a claim says (on top of the usual ones: "the value of λ
is set to 1" says what "λ = 1" does)."""
COMPARING = re.compile(
    r"^(?:outperform\w*|underperform\w*|better|worse|best|worst|higher|highest|lower|lowest|"
    r"than|beat\w*|exceed\w*|surpass\w*|improv\w*|gain\w*|drop\w*|increas\w*|decreas\w*|"
    r"more|less|fewer|greater|smaller|larger|superior|inferior|similar|comparabl\w*|close|"
    r"par|match\w*|lag\w*|behind|over|above|below|versus|vs|compar\w*|advantag\w*|benefit\w*|"
    r"hurt\w*|help\w*|significant\w*|slight\w*|margin\w*|consistent\w*)$"
)
"""Words of a comparison: a claim holding one merges by content only word for word."""
_PERFORMING = frozenset("perform performanc achiev result scor reach obtain show".split())
"""Stems of the verbs a comparison is phrased with ("performs better", "achieves higher")."""
_NEGATING = frozenset(
    "not no never cannot without neither nor fail fails failed unable worse lower less "
    "behind underperform underperforms underperformed lags falls".split()
)
LANGUAGES = frozenset(
    "english german french spanish italian portuguese dutch russian polish czech greek "
    "bulgarian turkish arabic hebrew persian hindi urdu bengali tamil telugu swahili "
    "chinese japanese korean thai vietnamese indonesian malay finnish swedish".split()
)
"""Language names: two claims about different languages are different claims."""
EXTRA_SHARE = 0.4
"""At most this share of the longer text's content words may be missing from the shorter."""


def fold_latex(text: str) -> str:
    """Inline LaTeX such as `$\\lambda$` or `$5 \\times 10^{-5}$` as the Unicode it stands for."""

    def macro(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in _FORMATTING:
            return ""
        return _LETTERS.get(name) or _SYMBOLS.get(name) or m.group()

    text = _MACRO.sub(macro, text)
    return text.replace("$", "").replace("{", "").replace("}", "")


def normalise(text: str) -> str:
    """Lower-case, LaTeX and Unicode folded, punctuation dropped, single-spaced."""
    text = fold_latex(unicodedata.normalize("NFKC", text))
    return " ".join(TOKEN.findall(text.lower()))


def languages(words: list[str]) -> list[str]:
    """The language names among lower-case words."""
    return [w for w in words if w in LANGUAGES]


def entities(text: str) -> list[str]:
    """Names such as mBERT+TLM, XNLI or FastAlign: tokens with '+' or inner capitals."""
    return _names(TOKEN.findall(fold_latex(unicodedata.normalize("NFKC", text))))


def _names(tokens: list[str]) -> list[str]:
    # two capitals always put one after the first letter
    return [t.lower() for t in tokens if "+" in t or t[1:] != t[1:].lower()]


_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A crude stem: uses / used / using -> us, pairs -> pair, identifies -> identify."""
    if not word.isalpha():
        return word
    for suffix, repl in _SUFFIXES:
        if len(word) >= 4 and word.endswith(suffix):
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            word = word[: -len(suffix)] + repl
            break
    return word.removesuffix("e") if len(word) >= 3 else word


@dataclass(frozen=True)
class Content:
    """A mention's content words and the guards its merges must respect."""

    words: tuple[str, ...]
    """Stemmed content words in order (numbers excluded)."""
    numbers: tuple[float, ...]
    """Every number as a value, sorted (5e-5 and 5 × 10^-5 alike)."""
    negations: tuple[str, ...]
    """Negating and downward words, sorted."""
    languages: tuple[str, ...]
    """Language names, sorted."""
    names: tuple[str, ...]
    """Named systems, tasks and tools in order."""
    comparing: bool
    """Holds a word of comparison."""
    negators: int
    """Negating words the parser reads ("not", "fails to"), which the predicates must
    have absorbed when two parses agree."""
    vocab: frozenset[str]
    """The distinct content words."""
    topic: frozenset[str]
    """The distinct content words that are not words of comparison: what is compared."""

    @property
    def signature(self) -> tuple[Any, ...]:
        """What two mentions must share to merge by content: numbers, negations, languages."""
        return self.numbers, self.negations, self.languages


def content(text: str) -> Content:
    """The Content of a mention's text."""
    folded = fold_latex(unicodedata.normalize("NFKC", text))
    numbers = tuple(sorted(tidy(n.value) for n in find_numbers(folded)))
    cased = TOKEN.findall(folded)
    tokens = [t.lower() for t in cased]
    words = tuple(w for t in tokens for w in _words(t))
    distinct = set(tokens)
    return Content(
        words=words,
        numbers=numbers,
        negations=tuple(sorted(t for t in tokens if t in _NEGATING)),
        languages=tuple(sorted(languages(tokens))),
        names=tuple(stem(n) for n in _names(cased)),
        comparing=any(_comparing(t) for t in distinct),
        negators=len(NEGATION.findall(folded)),
        vocab=frozenset(words),
        topic=frozenset(w for w in words if w not in _PERFORMING and not _comparing(w)),
    )


@functools.lru_cache(maxsize=65_536)
def _words(token: str) -> tuple[str, ...]:
    """The stemmed content words of a lower-case token ("zero-shot": zero, shot)."""
    if token in STOPWORDS or token[0].isdigit():
        return ()
    parts = token.split("-") if "+" not in token else [token]
    return tuple(stem(p) for p in parts if p and p not in STOPWORDS)


@functools.lru_cache(maxsize=65_536)
def _comparing(word: str) -> bool:
    return COMPARING.match(word) is not None


def _in_order(small: tuple[str, ...], large: tuple[str, ...]) -> int:
    """Length of the longest common subsequence of two word sequences."""
    prev = [0] * (len(large) + 1)
    for x in small:
        cur = [0]
        for j, y in enumerate(large):
            cur.append(prev[j] + 1 if x == y else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def same_content(a: Content, b: Content) -> bool:
    """True when a and b say the same by the content rule (see the module docstring)."""
    if a.signature != b.signature:
        return False
    if not (a.vocab <= b.vocab or b.vocab <= a.vocab):
        return False
    small, large = sorted((a, b), key=lambda c: (len(c.words), c.words))
    if not small.words or len(small.words) + len(small.numbers) < 2:
        return False  # too little said to tell two claims apart
    if a.comparing or b.comparing:
        return a.words == b.words
    missing = Counter(small.words) - Counter(large.words)
    extra = Counter(large.words) - Counter(small.words)
    if missing or sum(extra.values()) > EXTRA_SHARE * len(large.words):
        return False
    if _in_order(small.words, large.words) < len(small.words) - 1:
        return False  # a passive moves the verb; more than that is a different statement
    shared = [n for n in large.names if n in small.names]
    if [n for n in small.names if n in shared] != shared:
        return False
    # a name only the longer text holds must come before every word the two share: the
    # agent a passive rewording drops ("WEAM uses FastAlign" / "FastAlign is used")
    first = next(i for i, w in enumerate(large.words) if w in small.vocab)
    head = large.words[:first]
    return all(
        all(stem(part) in head for part in n.split("-"))
        for n in large.names
        if n not in small.names
    )


class Reading(Protocol):
    """What the claim parser made of a mention (claims.parser.ParsedSpec)."""

    status: str
    """parsed, needs-spec or description."""
    predicates: list[dict[str, Any]]


Parse = Callable[[str, bool], Reading]
"""Reads a mention (text, truncated); the service passes SpecParser(capabilities).parse."""

_IGNORED = frozenset({"source", "hedge"})
_SWAP = {"<": ">", "<=": ">="}


def predicate_key(p: dict[str, Any]) -> tuple[Any, ...]:
    """A predicate as a hashable value; "Y < X" is written "X > Y", "≈" sides sorted."""
    p = {k: v for k, v in p.items() if k not in _IGNORED and v is not None}
    p.setdefault("kind", "comparison")
    op = p.get("op")
    sides = "lhs" in p and "rhs" in p
    if sides and (op in _SWAP or (op == "≈" and str(p["lhs"]) > str(p["rhs"]))):
        p = {_swapped(k): v for k, v in p.items()}
        p["op"] = _SWAP.get(op, op)
    return tuple(sorted((k, _frozen(v)) for k, v in p.items()))


def _swapped(key: str) -> str:
    if key.startswith("lhs"):
        return "rhs" + key[3:]
    if key.startswith("rhs"):
        return "lhs" + key[3:]
    return key


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    return value


def spec_key(reading: Reading) -> frozenset[tuple[Any, ...]] | None:
    """The predicates of a parsed reading as a set; None unless parsed with predicates."""
    if reading.status != "parsed" or not reading.predicates:
        return None
    return frozenset(predicate_key(p) for p in reading.predicates)


SAME, DIFFERENT, ONE_PARSED, UNPARSED = "same", "different", "one parsed", "unparsed"


def agreement(a: Reading, b: Reading) -> str:
    """SAME or DIFFERENT predicates when both parsed; ONE_PARSED; UNPARSED when neither has
    predicates (descriptions and needs-spec alike: the text decides)."""
    ka, kb = spec_key(a), spec_key(b)
    if ka is not None and kb is not None:
        return SAME if ka == kb else DIFFERENT
    if ka is not None or kb is not None:
        return ONE_PARSED
    return UNPARSED
