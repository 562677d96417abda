"""Extractors of the minibench help pages, dictionaries and .deb archives, and its BM25."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

from reproductions.minibench import debfile
from reproductions.minibench.bm25 import BM25, tokenize
from reproductions.minibench.helpcorpus import align, held_out_keys
from reproductions.minibench.helpdocs import find_help_root, iter_help_pages, parse_help_page
from reproductions.minibench.lexicon import (
    b64_number,
    entry_pairs,
    find_dictd,
    rank_by_cooccurrence,
    read_dictd,
    single_word_pairs,
)
from reproductions.minibench.synthetic import dictd_package_files, help_page, write_deb
from reproductions.minibench.textclean import norm_key

PAGE = """<!DOCTYPE html><html lang="en-US"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>SUM Function</title></head><body>
<aside><p id="par_nav">Navigation outside the display area</p></aside>
<div id="DisplayArea">
<h1 id="hd_id1">SUM</h1>
<p id="par_id2" class="paragraph">Adds a set of <span class="emph">numbers</span>.</p>
<p id="par_id3" class="paragraph">Press <span class="switchinline"><span class="MAC">Command
</span><span id="defaulttext">Ctrl</span></span>+F2 to edit the cell.</p>
<p id="par_id4" class="code">=SUM(A1:A5)</p>
<p class="paragraph">A paragraph without an id is not translatable by id.</p>
<div class="embedded"><p id="par_other">Embedded from another page.</p></div>
<h2 id="hd_id5">Example</h2>
</div></body></html>"""


def test_help_page_units_titles_and_switches() -> None:
    page = parse_help_page(PAGE.encode(), "scalc/01/func_sum.html")
    assert page.path == "scalc/01/func_sum"
    assert page.module == "scalc"
    assert page.title == "SUM Function"
    assert [(u.id, u.tag) for u in page.units] == [
        ("hd_id1", "h1"),
        ("par_id2", "p"),
        ("par_id3", "p"),
        ("hd_id5", "h2"),
    ]
    assert page.units[1].text == "Adds a set of numbers."
    assert page.units[2].text == "Press Ctrl+F2 to edit the cell."


def test_help_page_is_read_as_utf8_without_meta() -> None:
    page = parse_help_page(help_page("fr", "Résumé", [("p", "p1", "Élément à côté")]), "x/y.html")
    assert page.title == "Résumé"
    assert page.units[-1].text == "Élément à côté"


def test_align_pages_and_held_out_keys(tmp_path: Path) -> None:
    units = [("p", "p1", "First sentence here. Second sentence here."), ("p", "p2", "Same")]
    for code, texts in (("en-US", units), ("de", [("p", "p1", "Erster Satz. Zweiter Satz.")])):
        root = tmp_path / code / "usr/share/libreoffice/help" / code / "text/swriter"
        root.mkdir(parents=True)
        (root / "a.html").write_bytes(help_page(code, f"Title {code}", texts))
        (root / "b.html").write_bytes(help_page(code, "x", texts))
        if code == "en-US":
            (root / "only_en.html").write_bytes(help_page(code, "x", texts))
    roots = {
        lang: find_help_root(tmp_path / code, lang)
        for lang, code in (("en", "en-US"), ("de", "de"))
    }
    assert roots["en"] is not None and roots["en"].name == "text"
    pages = align({lang: list(iter_help_pages(root)) for lang, root in roots.items()})  # type: ignore[arg-type]
    assert [p.path for p in pages] == ["swriter/a", "swriter/b"]  # only_en has no German
    # p2 is missing in German, so only p1 (and the h1 title) are aligned
    assert [uid for uid, _tag, _texts in pages[0].units] == ["hd_title", "p1"]
    keys = held_out_keys(pages[:1])
    assert norm_key("Second sentence here.") in keys  # sentences count, not only paragraphs
    assert norm_key("Zweiter Satz.") in keys
    assert norm_key("Same") in keys  # untranslated and unaligned text is held out too


def test_dictd_entries_and_single_word_pairs(tmp_path: Path) -> None:
    assert b64_number("B") == 1 and b64_number("BA") == 64
    assert entry_pairs("cat /kæt/\n1. Katze <f>\n2. Kater <m>, Mieze [coll.]\n   Note: x\n") == (
        "cat",
        ["Katze", "Kater", "Mieze"],
    )
    files = dictd_package_files(
        "dict-freedict-eng-deu",
        [
            ("cat", "cat /kæt/\n1. Katze <f>\n2. Kater <m>\n"),
            ("give up", "give up\naufgeben\n"),
            ("run", "run /rʌn/\nlaufen, davon laufen\n see: {runner}\n"),
            ("2nd", "2nd /sˈɛkənd/\nzweite\n"),
            ("cat", "cat /kæt/\n1. Katze <f>\n2. Kater <m>\n"),
        ],
    )
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    found = find_dictd(tmp_path)
    assert found is not None
    entries = read_dictd(*found)
    assert not any("metadata" in e for e in entries)
    stats: Counter[str] = Counter()
    assert single_word_pairs(entries, stats) == [
        ("cat", "Kater"),
        ("cat", "Katze"),
        ("run", "laufen"),
    ]
    assert stats["multiword_headword"] == 2  # "give up" and "2nd"
    assert stats["multiword_translation"] == 1


def test_translations_ranked_by_cooccurrence_then_frequency() -> None:
    pairs = [("table", "Tabelle"), ("table", "Tafelberg"), ("table", "Tisch"), ("Cell", "Zelle")]
    parallel = [
        ("Insert a table.", "Eine Tabelle einfügen."),
        ("The table has a cell.", "Die Tabelle hat eine Zelle."),
        ("Sit at the table.", "Am Tisch sitzen."),
        ("No match here.", "Tisch und Tisch."),
    ]
    stats: Counter[str] = Counter()
    ranked = rank_by_cooccurrence(pairs, parallel, stats)
    # "Tabelle" co-occurs twice, "Tisch" once; "Tafelberg" never, so it comes last.
    assert ranked == [
        ("Cell", "Zelle"),
        ("table", "Tabelle"),
        ("table", "Tisch"),
        ("table", "Tafelberg"),
    ]
    assert stats["sources_with_seen_translation"] == 2
    # With no co-occurrence, target-side frequency decides, then the alphabet.
    seen_once = [("x", "Tisch Tafelberg"), ("y", "Tisch")]
    assert rank_by_cooccurrence(pairs[:3], seen_once, Counter()) == [
        ("table", "Tisch"),
        ("table", "Tafelberg"),
        ("table", "Tabelle"),
    ]


def test_deb_control_python_extraction_and_licences(tmp_path: Path, monkeypatch) -> None:
    deb = write_deb(
        tmp_path / "pkg_1.0_all.deb",
        "pkg",
        "1:1.0-2",
        {"usr/share/doc/pkg/copyright": b"Files: *\nLicense: GPL-2+\n", "usr/share/x/a.txt": b"hi"},
    )
    fields = debfile.control_fields(deb)
    assert (fields["Package"], fields["Version"]) == ("pkg", "1:1.0-2")
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))  # no dpkg-deb: pure Python path
    debfile.extract(deb, tmp_path / "tree")
    assert (tmp_path / "tree/usr/share/x/a.txt").read_bytes() == b"hi"
    assert debfile.licences(tmp_path / "tree", "pkg")["licence"] == "GPL-2+"


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed")
def test_deb_extraction_with_dpkg(tmp_path: Path) -> None:
    deb = write_deb(tmp_path / "p_1_all.deb", "p", "1", {"usr/share/p/b.txt": b"yes"})
    debfile.extract(deb, tmp_path / "tree")
    assert (tmp_path / "tree/usr/share/p/b.txt").read_bytes() == b"yes"


def test_licence_from_shared_and_free_form_copyright_files() -> None:
    shared = (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
        "Files: eng-deu/*\nCopyright: x\nLicense: GPL-3+\n\n"
        "Files: eng-fra/*\nCopyright: y\nLicense: GPL-2+\n"
    )
    assert debfile.main_licence(shared, "dict-freedict-eng-fra") == "GPL-2+"
    assert debfile.main_licence(shared, "dict-freedict-eng-deu") == "GPL-3+"
    free = (
        "GCC is free software; you can redistribute it under the terms of the GNU General\n"
        "Public License as published by the Free Software Foundation; either version 3, or\n"
        "(at your option) any later version."
    )
    assert debfile.main_licence(free, "gcc-12-base") == "GPL-3+ (free-form copyright file)"


def test_bm25_ranks_by_term_weight_and_breaks_ties_by_index() -> None:
    docs = [
        "insert a chart into the sheet",
        "the sum function adds numbers; sum of a range",
        "the sum of two cells",
        "unrelated text about slides",
        "unrelated text about slides",
    ]
    index = BM25(docs)
    top = index.top("SUM function", k=10)
    assert [i for i, _ in top] == [1, 2]
    assert top[0][1] > top[1][1] > 0
    assert [i for i, _ in index.top("slides", k=10)] == [3, 4]
    assert index.top("nothing matches", k=5) == []
    assert tokenize("Größe, ÉTÉ!") == ["grösse", "été"]  # casefold: ß -> ss
