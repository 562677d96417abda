"""Review files written by the tests: a title, a claims table, references."""

from __future__ import annotations

from pathlib import Path

TEMPLATE = """{title}

Abstract

A review written for a claimlab test.

1 Introduction

This paper examines: {title}. Research question: {question}?

3 Results

2 papers retrieved. {count} claims extracted; 1 independently verified.

5 Extracted Claims

Claim\tVerified\tConfidence
{rows}

References

- <http://arxiv.org/abs/2106.01732v2>
"""


def review_text(title: str, claims: list[str], question: str = "Does it transfer") -> str:
    """A review file's text with `claims` as its table (alternating ✓ / ×)."""
    rows = "\n".join(
        f"{claim}\t{'✓' if i % 2 == 0 else '×'}\t{0.5 + i / 100:.2f}"
        for i, claim in enumerate(claims)
    )
    return TEMPLATE.format(title=title, question=question, count=len(claims), rows=rows)


def write_review(folder: Path, name: str, title: str, claims: list[str], **kw: str) -> Path:
    """Write a review file into `folder`; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(review_text(title, claims, **kw), encoding="utf-8")
    return path
