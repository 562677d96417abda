"""Parse LibreOffice help pages into titled, module-labelled paragraphs keyed by id."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import html

_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
_SKIP_CLASSES = ("code", "related", "image")


@dataclass(frozen=True)
class Unit:
    """One paragraph or heading of a help page."""

    id: str
    """The element id, shared by the translations of the same paragraph."""
    tag: str
    """`p` or `h1`..`h6`."""
    text: str
    """Visible text, whitespace collapsed."""


@dataclass(frozen=True)
class HelpPage:
    """A help page in one language."""

    path: str
    """Path under `text/` without `.html`, e.g. `scalc/01/04060106`; same in every language."""
    module: str
    """First path component: scalc, swriter, simpress, sbasic, shared, ..."""
    title: str
    """The page `<title>`."""
    units: tuple[Unit, ...]
    """The page's own paragraphs in document order (content embedded from other pages omitted)."""


def _inline_text(element: html.HtmlElement) -> str:
    """Text of an element, keeping only the default branch of inline system/module switches."""
    for switch in element.xpath(".//span[@class='switchinline']"):
        for branch in list(switch):
            if branch.get("class"):
                branch.drop_tree()
    return " ".join(element.text_content().split())


def parse_help_page(data: bytes, path: str) -> HelpPage:
    """Parse one UTF-8 help page; `path` is its location relative to the language's `text/`."""
    doc = html.fromstring(data.decode("utf-8", errors="replace"))
    title = " ".join((doc.findtext(".//title") or "").split())
    area = doc.find(".//div[@id='DisplayArea']")
    units: list[Unit] = []
    if area is not None:
        for element in area.iter(*_BLOCKS):
            uid = element.get("id")
            if not uid:
                continue
            css = element.get("class") or ""
            if any(skip in css for skip in _SKIP_CLASSES):
                continue
            if any(div.get("class") == "embedded" for div in element.iterancestors("div")):
                continue
            text = _inline_text(element)
            if text:
                units.append(Unit(uid, element.tag, text))
    rel = path.removesuffix(".html")
    return HelpPage(rel, rel.split("/", 1)[0], title, tuple(units))


def find_help_root(tree: Path, lang: str) -> Path | None:
    """The `.../help/<code>/text` directory of an extracted help package for `lang`."""
    base = tree / "usr" / "share" / "libreoffice" / "help"
    if not base.is_dir():
        return None
    for entry in sorted(base.iterdir()):
        if entry.name.lower().split("-")[0] == lang and (entry / "text").is_dir():
            return entry / "text"
    return None


def iter_help_pages(text_root: Path) -> Iterator[HelpPage]:
    """All pages under a language's `text/` directory, in sorted path order."""
    for file in sorted(text_root.rglob("*.html")):
        rel = file.relative_to(text_root).as_posix()
        yield parse_help_page(file.read_bytes(), rel)
