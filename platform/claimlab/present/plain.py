"""Data shown through a Markdown renderer (Streamlit) as literal text, never as markup."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping all of
# them disarms images, links, HTML, emphasis, tables, Streamlit's :directives: and $math$.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def literal(text: object, keep_lines: bool = False) -> str:
    """`text` escaped so a Markdown renderer shows it character for character: on one line,
    or with `keep_lines` line by line (hard breaks)."""
    lines = str(text).splitlines() if keep_lines else [str(text)]
    escaped = [_PUNCTUATION.sub(r"\\\1", " ".join(line.split())) for line in lines]
    return "  \n".join(line for line in escaped if line)
