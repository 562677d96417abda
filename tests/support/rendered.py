"""What a viewer's browser gets from the app's Markdown: rendered with a CommonMark parser."""

from __future__ import annotations

import html
import re

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])
_TAG = re.compile(r"<[^>]+>")


def html_of(markdown: str) -> str:
    """The HTML a CommonMark renderer makes of `markdown`."""
    return _MD.render(markdown)


def text_of(markdown: str) -> str:
    """The text a reader sees: the rendered HTML without tags, entities decoded."""
    return html.unescape(_TAG.sub("", html_of(markdown))).strip()


def loads_or_links(markdown: str) -> list[str]:
    """Tags in the rendered HTML that fetch or point at another resource (img, a, iframe...)."""
    return re.findall(
        r"<(?:img|a|iframe|script|link|source|video|audio)\b[^>]*>", html_of(markdown)
    )
