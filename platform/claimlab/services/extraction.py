"""Claims straight from papers: claim sentences and results-table values become claim
mentions whose source is the paper, linked to the review claims that say the same.

Linking is merging: a paper's claim that says what a review claim says (claims.canon:
the text ratio with its guards, or the same content words, or the same predicates; never
opposite predicates, other numbers or a negation against its positive) becomes a mention
of that same Claim, so the claim has mentions from both sources, its paper passage as
evidence (method paper-claim) and one verdict. The paper's own numbers for the systems a
review claim compares are its value claims (results-table cells, value sentences); the
passages holding them become evidence too (method paper-number), `paper_numbers` lists them.
"""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pymupdf

from claimlab.claims import extraction as X
from claimlab.claims.canon import canonical_text
from claimlab.claims.parser import ParsedSpec, SpecParser
from claimlab.claims.predicates import SpecError, kind_of, validate
from claimlab.claims.table_values import read_table
from claimlab.config import Settings
from claimlab.errors import NotReadyError, ReadOnlyError
from claimlab.runs import recipes
from claimlab.services.access import guard, session
from claimlab.services.reports import claim_matcher
from claimlab.store import extraction as store
from claimlab.store.tables import nearest_caption

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExtractResult:
    """What extracting one paper did."""

    paper_id: int
    arxiv_id: str
    """The paper's key (arXiv id with version)."""
    sentences: int
    """Claim sentences stored as mentions (readable by the parser or needs-spec)."""
    values: int
    """Results-table values stored as value claims."""
    claim_ids: tuple[int, ...]
    """Every claim the paper's mentions belong to."""
    linked: int
    """Of those, claims a review mentions too."""
    error: str | None = None


@dataclass(frozen=True)
class PaperNumber:
    """A number a paper claims for one side of a claim's predicate."""

    paper: str
    system: str
    metric: str
    task: str
    setting: str | None
    pair: str | None
    value: float
    """In the metric's own units (0.712 for 71.2 accuracy)."""
    text: str
    page: int | None
    claim_id: int


@lru_cache(maxsize=1)
def _parser() -> SpecParser:
    return SpecParser(recipes.capabilities())


@lru_cache(maxsize=65_536)
def _parse(text: str, truncated: bool) -> ParsedSpec:
    return _parser().parse(text, truncated)


def table_reader() -> Callable[[list[list[str]] | None, str | None], list[Any]]:
    """How results tables are read (tests swap in their own reader)."""
    return read_table


def extract(settings: Settings, paper_ids: list[int] | None = None) -> list[ExtractResult]:
    """Extract the claims of these papers (every paper with a PDF when None), each paper
    in its own transaction; a paper that fails gets its error and the others go on.
    Extracting again creates nothing new."""
    guard(settings, write=True)
    with session(settings) as s:
        refs = store.papers(s, paper_ids)
    out = []
    if paper_ids is not None:
        known = {r.id for r in refs}
        out += [
            ExtractResult(pid, str(pid), 0, 0, (), 0, f"no paper with id {pid}")
            for pid in paper_ids
            if pid not in known
        ]
    reader = table_reader()
    for ref in refs:
        try:
            out.append(_extract_paper(settings, ref, reader))
        except (NotReadyError, ReadOnlyError):
            raise
        except Exception as exc:  # one paper's failure never stops the others
            log.warning("extraction of %s failed: %s", ref.key, exc)
            out.append(
                ExtractResult(
                    ref.id, ref.key, 0, 0, (), 0, f"{ref.key}: {type(exc).__name__}: {exc}"
                )
            )
    return out


def extract_keys(settings: Settings, keys: Sequence[str]) -> list[ExtractResult]:
    """`extract` for papers named by arXiv id (newest version) or id with version."""
    guard(settings, write=True)
    with session(settings) as s:
        ids, missing = store.paper_ids_for(s, keys)
    return [ExtractResult(0, key, 0, 0, (), 0, f"no paper {key}") for key in missing] + (
        extract(settings, ids) if ids else []
    )


def pending(settings: Settings, paper_ids: Sequence[int] | None = None) -> list[int]:
    """Papers with a PDF whose claims were not extracted from that PDF yet."""
    with session(settings) as s:
        refs = store.papers(s, list(paper_ids) if paper_ids is not None else None)
    return [r.id for r in refs if r.pdf_status == "ok" and r.extracted_sha256 != r.sha256]


def claims_of(settings: Settings, paper_ids: Sequence[int]) -> list[int]:
    """Claims these papers state (sentences and table values), ascending."""
    with session(settings) as s:
        return store.claims_stated_by(s, paper_ids)


def _extract_paper(settings: Settings, ref: store.PaperRef, reader) -> ExtractResult:
    if ref.pdf_status != "ok":
        why = f" ({ref.pdf_error})" if ref.pdf_error else ""
        raise ValueError(f"no PDF to read: pdf {ref.pdf_status}{why}")
    with session(settings) as s:
        rows = store.passages(s, ref.id)
    caps = recipes.capabilities()
    items: dict[str, store.PaperMentionData] = {}
    sentences = values = 0
    wanted: list[tuple[str, store.PassageRow, X.Sentence]] = []
    for passage in rows:
        try:
            if passage.kind == "table":
                for item in _table_items(passage, nearest_caption(passage, rows), reader, caps):
                    if items.setdefault(item.anchor, item) is item:
                        values += 1
                continue
            found = X.read_passage(passage.kind, passage.section, passage.text, _parse)
        except Exception as exc:
            raise ValueError(
                f"passage {passage.seq} (page {passage.page}, {passage.kind}): "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        for claim in found.claims:
            if claim.anchor in items:
                continue
            items[claim.anchor] = _sentence_item(claim, passage)
            wanted.append((claim.anchor, passage, claim.sentence))
            sentences += 1
    for (anchor, _, _), box in zip(wanted, _sentence_boxes(ref.pdf_path, wanted), strict=True):
        if box is not None:
            item = items[anchor]
            items[anchor] = store.PaperMentionData(**{**vars(item), "bbox": box})
    with session(settings, write=True) as s:
        saved = store.save_paper_mentions(
            s, ref.id, list(items.values()), claim_matcher, canonical_text, ref.sha256
        )
        for claim_id in store.reviewed_claims_citing(s, ref.id):
            _link_numbers(s, claim_id)
    return ExtractResult(
        ref.id, ref.key, sentences, values, saved.claim_ids, len(saved.linked), None
    )


def _sentence_item(claim: X.ClaimSentence, passage: store.PassageRow) -> store.PaperMentionData:
    reading = claim.reading
    return store.PaperMentionData(
        anchor=claim.anchor,
        text=claim.sentence.text,
        passage_id=passage.id,
        page=passage.page,
        bbox=passage.bbox,
        kind=reading.kind,
        spec=reading.predicates,
        status=reading.status,
        reason=reading.reason or None,
    )


def _table_items(passage: store.PassageRow, caption: str | None, reader, caps):
    """Value claims of a table passage's numbers (none without cells)."""
    if not passage.cells:
        return []
    key = hashlib.sha1(passage.text.encode()).hexdigest()[:12]
    out = []
    for cell in reader(passage.cells, caption):
        found = X.table_claim(cell, caps, key)
        if isinstance(found, str):
            continue  # a number that names no recipe's system: nothing to claim about
        try:
            predicate = validate([found.predicate], caps)[0]
        except SpecError:
            continue
        out.append(
            store.PaperMentionData(
                anchor=found.anchor,
                text=found.text,
                passage_id=passage.id,
                page=passage.page,
                bbox=passage.bbox,
                kind="value",
                spec=[predicate],
                status="parsed",
                reason=None,
            )
        )
    return out


def _sentence_boxes(
    pdf_path: str | None, wanted: list[tuple[str, store.PassageRow, X.Sentence]]
) -> list[tuple[float, float, float, float] | None]:
    """Each sentence's box on its page (words of its passage's box, in order), or None."""
    if not wanted or not pdf_path or not Path(pdf_path).exists():
        return [None] * len(wanted)
    out: list[tuple[float, float, float, float] | None] = []
    with pymupdf.open(pdf_path) as doc:
        words_of: dict[int, list[tuple]] = {}
        for _, passage, sentence in wanted:
            if passage.id not in words_of:
                page = doc[passage.page - 1]
                clip = pymupdf.Rect(passage.bbox) + (-1, -1, 1, 1)
                words_of[passage.id] = page.get_text("words", clip=clip, sort=False)
            out.append(_box(words_of[passage.id], sentence))
    return out


def _box(words: list[tuple], sentence: X.Sentence):
    """Union of the boxes of the words that spell the sentence, matched on their letters
    (NFKC, case, spaces and hyphens ignored, so line-break hyphens and ligatures do not
    matter); None when the passage's words do not spell it once (the passage box is used)."""
    letters, owner = [], []
    for i, w in enumerate(words):
        for ch in _compact(w[4]):
            letters.append(ch)
            owner.append(i)
    spelled, wanted = "".join(letters), _compact(sentence.text)
    at = spelled.find(wanted) if wanted else -1
    if at < 0 or spelled.find(wanted, at + 1) >= 0:
        return None
    chosen = words[owner[at] : owner[at + len(wanted) - 1] + 1]
    return (
        round(min(w[0] for w in chosen), 2),
        round(min(w[1] for w in chosen), 2),
        round(max(w[2] for w in chosen), 2),
        round(max(w[3] for w in chosen), 2),
    )


def _compact(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _link_numbers(s, claim_id: int) -> None:
    """Make the results tables holding the claim's systems' numbers evidence of it."""
    numbers = _numbers(s, claim_id)
    tables = sorted({n.passage_id for n, _ in numbers if n.passage_id is not None})
    store.drop_stale_table_evidence(s, claim_id, tables)
    store.add_table_evidence(s, claim_id, tables)


def _numbers(s, claim_id: int) -> list[tuple[store.ValueRow, dict[str, Any]]]:
    """Value claims of the claim's papers that give one side of its predicates a number."""
    text, truncated, spec, status = store.claim_reading(s, claim_id)
    if status == "unparsed":  # read as `claims parse` will, storing nothing
        spec = _parse(text, truncated).predicates
    spec = [p for p in spec if kind_of(p) in ("comparison", "value")]
    if not spec:
        return []
    rows = store.paper_values(s, store.claim_papers(s, claim_id))
    return [
        (row, p)
        for row in rows
        if row.claim_id != claim_id
        for p in spec
        if _side_of(p, row.predicate)
    ]


def _side_of(p: dict[str, Any], value: dict[str, Any]) -> bool:
    """True when `value` is the number of one side of predicate p (same recipe, system,
    metric, task and setting; a language pair only where p asks for pairs)."""
    if value.get("recipe") != p.get("recipe") or value.get("metric") != p.get("metric"):
        return False
    sides = [("lhs", p.get("lhs"))] + ([("rhs", p.get("rhs"))] if kind_of(p) != "value" else [])
    for side, system in sides:
        task = p.get(f"{side}_task") or p.get("task")
        setting = p.get(f"{side}_setting") or p.get("setting")
        pair = value.get("pair")
        pair_ok = pair is None or p.get("pairs") == "each" or p.get("pair") == pair
        if (
            value.get("lhs") == system
            and value.get("task") == task
            and value.get("setting") == setting
            and pair_ok
        ):
            return True
    return False


def paper_numbers(settings: Settings, claim_id: int) -> list[PaperNumber]:
    """The numbers the papers behind a claim (stating it, or cited by its reviews) claim
    for the systems its predicates compare."""
    with session(settings) as s:
        found = _numbers(s, claim_id)
    out, seen = [], set()
    for row, _ in found:
        v = row.predicate
        key = (row.paper, v["lhs"], v["metric"], v["task"], v.get("setting"), v.get("pair"))
        if key in seen:
            continue
        seen.add(key)
        out.append(
            PaperNumber(
                row.paper,
                v["lhs"],
                v["metric"],
                v["task"],
                v.get("setting"),
                v.get("pair"),
                v["value"],
                row.text,
                row.page,
                row.claim_id,
            )
        )
    return out
