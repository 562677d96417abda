"""Text of a PDF block: normalised characters, joined lines, fonts, headings."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["text", "table", "caption", "heading", "header", "footer"]
BBox = tuple[float, float, float, float]

_BREAK = "\ue000"  # marks a removed line-break hyphen until the document is read
_CHAR_MAP = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "ft",
        "\ufb06": "st",
        "\u00ad": "",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2010": "-",
        "\u2011": "-",
        **{chr(c): " " for c in range(32)},
    }
)
_NUMBERED = re.compile(r"(?:\d+(?:\.\d+)*\.?|[IVX]+\.|[A-Z]\.)\s+\S")
_WORD = re.compile(r"[^\W\d_]{3,}")
BOLD_FONT = re.compile(r"bold|black|heavy|demi|medi|cmbx|cmbsy|[-.,]b$", re.IGNORECASE)
_ITALIC_FONT = re.compile(r"italic|oblique|cmti|[-.,]i$", re.IGNORECASE)
_HTML_TOKEN = re.compile(
    r'<(/?)([bi])>|<span style="font-family:([^,;"]*)[^"]*?font-size:([\d.]+)pt[^"]*">([^<]*)'
)
_BROKEN_WORD = re.compile(rf"([^\W\d_]+){_BREAK}([^\W\d_]+)")


@dataclass(slots=True)
class Block:
    """A text block (or table) on one page while passages are assembled."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    lines: int = 1
    html: list[str] = field(default_factory=list)
    """MuPDF HTML of its lines, parsed for font statistics only when needed."""
    kind: Kind = "text"
    cells: list[list[str]] | None = None


def normalize_text(text: str) -> str:
    """Split ligatures, drop soft hyphens and control characters, collapse whitespace."""
    return " ".join(text.translate(_CHAR_MAP).split())


def text_block(
    x0: float, y0: float, x1: float, y1: float, raw: str, markup: list[str]
) -> Block | None:
    """Build a block from MuPDF block text: join lines, mark hyphen breaks, normalise."""
    text = ""
    rows = 0
    for part in raw.split("\n"):
        part = part.strip()
        if not part:
            continue
        if text:
            text, rows = _join_lines(text, part), rows + 1
        else:
            text, rows = part, 1
    text = " ".join(text.translate(_CHAR_MAP).split())
    if not text:
        return None
    return Block(x0, y0, x1, y1, text, rows, markup)


def _style(b: Block) -> tuple[float, float, float]:
    """(dominant font size, bold share, italic share) of a block, by characters."""
    sizes: dict[float, int] = {}
    chars = bold = italic = in_bold = in_italic = 0
    for line in b.html:
        for close, tag, font, size, text in _HTML_TOKEN.findall(line):
            if tag:
                step = -1 if close else 1
                if tag == "b":
                    in_bold += step
                else:
                    in_italic += step
                continue
            n = len((html.unescape(text) if "&" in text else text).strip())
            sizes[float(size)] = sizes.get(float(size), 0) + n
            chars += n
            bold += n * (in_bold > 0 or bool(BOLD_FONT.search(font)))
            italic += n * (in_italic > 0 or bool(_ITALIC_FONT.search(font)))
    if not chars:
        return 0.0, 0.0, 0.0
    return max(sizes, key=sizes.__getitem__), bold / chars, italic / chars


def _join_lines(text: str, nxt: str) -> str:
    """Append the next line; a hyphen between letters at the break becomes a marker."""
    if text[-1] == "\u00ad":
        return text[:-1] + nxt
    if len(text) > 1 and text[-1] in "-\u2010" and text[-2].isalpha() and nxt[:1].islower():
        word = text[text.rfind(" ") + 1 : -1]
        # A compound already hyphenated ("state-of-") keeps its hyphen.
        return text + nxt if "-" in word else text[:-1] + _BREAK + nxt
    return f"{text} {nxt}"


def resolve_breaks(pages: list[list[Block]]) -> None:
    """Join words split at line ends, keeping the hyphen where the document spells it so."""
    marked = [b for blocks in pages for b in blocks if _BREAK in b.text]
    if not marked:
        return
    full = "\n".join(b.text for blocks in pages for b in blocks).lower()

    def join(m: re.Match[str]) -> str:
        head, tail = m.group(1), m.group(2)
        hyphenated = f"{head}-{tail}".lower()
        if hyphenated in full and f"{head}{tail}".lower() not in full:
            return f"{head}-{tail}"
        return head + tail

    for b in marked:
        b.text = _BROKEN_WORD.sub(join, b.text).replace(_BREAK, "")


def is_heading(b: Block, body: float) -> bool:
    """Short block set larger than body text, in bold, or numbered and italic."""
    text = b.text
    if len(text) > 120 or b.lines > 3 or text[-1] == ";" or not _WORD.search(text):
        return False
    if not (text[0].isalnum() or text[0] in "§("):
        return False
    if text[-1] in ".!?" and len(text.split()) > 8:
        return False  # a sentence set in bold, not a heading
    size, bold, italic = _style(b)
    if size >= 1.15 * body or bold >= 0.9:
        return True
    return italic >= 0.9 and bool(_NUMBERED.match(text))
