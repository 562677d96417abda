"""Extractors and filters of the minibench parallel data: .mo catalogs and string cleaning."""

from __future__ import annotations

import struct
from collections import Counter
from pathlib import Path

import pytest

from reproductions.minibench.catalogs import catalog_pairs, find_catalogs
from reproductions.minibench.filters import PairFilter
from reproductions.minibench.mo import MoFormatError, parse_mo, read_mo, write_mo
from reproductions.minibench.textclean import (
    align_sentences,
    clean_pair,
    norm_key,
    split_lines,
    strip_accelerators,
    strip_format_specifiers,
    strip_markup,
    tidy,
)


def test_mo_round_trip_with_plural_context_and_header() -> None:
    data = write_mo(
        [
            ("Open file", "Datei öffnen"),
            ("menu\x04Open", "Öffnen"),
            ("%d file\x00%d files", "%d Datei\x00%d Dateien"),
            ("Untranslated", ""),
        ]
    )
    messages = {m.msgid: m for m in parse_mo(data)}
    assert set(messages) == {"Open file", "Open", "%d file"}
    assert messages["Open"].context == "menu"
    assert messages["%d file"].msgstr == "%d Datei"  # first plural form
    assert messages["%d file"].plural


def test_mo_decodes_declared_latin1_charset(tmp_path: Path) -> None:
    path = tmp_path / "vim.mo"
    path.write_bytes(write_mo([("Cannot write file", "Écriture impossible")], "ISO-8859-1"))
    assert read_mo(path)[0].msgstr == "Écriture impossible"


def test_mo_big_endian_and_bad_magic() -> None:
    little = write_mo([("Save the file now", "Datei jetzt speichern")])
    n = struct.unpack_from("<I", little, 8)[0]
    words = list(struct.unpack_from(f"<{7 + 4 * n}I", little))
    big = struct.pack(f">{len(words)}I", *words) + little[4 * len(words) :]
    assert [m.msgstr for m in parse_mo(big)] == ["Datei jetzt speichern"]
    with pytest.raises(MoFormatError):
        parse_mo(b"\x00" * 40)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cannot open %s: %m", "cannot open : "),
        ("%1$s of %2$s done", " of  done"),
        ("%q+D declared here as %<static%>", " declared here as static"),
        ("expected %qs before %<%s%> token", "expected  before  token"),
        ("100%% complete, %lu bytes", "100% complete,  bytes"),
        ("%.*s and %-10.3lf", " and "),
        ("Open {0} in {name}", "Open  in "),
        ("%(count)d items in %1", " items in "),
    ],
)
def test_format_specifiers_removed(text: str, expected: str) -> None:
    assert strip_format_specifiers(text) == expected


def test_percent_sign_in_prose_is_kept() -> None:
    assert strip_format_specifiers("100% done") == "100% done"


def test_accelerators_removed_but_identifiers_kept() -> None:
    assert strip_accelerators("_Open the file", "Datei ö_ffnen") == "Open the file"
    assert strip_accelerators("O_pen", "Ö_ffnen") == "Open"
    assert strip_accelerators("&File and &Edit", "&Datei") == "File and Edit"
    assert strip_accelerators("~Save", "~Speichern") == "Save"
    kept = "max_connections must be positive"
    assert strip_accelerators(kept, "max_connections muss positiv sein") == kept
    assert strip_accelerators("use &amp; here", "x") == "use &amp; here"


def test_markup_removed_and_entities_decoded() -> None:
    text = '<b>Bold</b> and <span foreground="red">red</span> &amp; &lt;tag&gt;'
    assert tidy(strip_markup(text)) == "Bold and red & <tag>"
    # placeholders that are not markup tags stay
    assert strip_markup("git add <pathspec>") == "git add <pathspec>"


def test_tidy_drops_empty_quotes_left_by_placeholders() -> None:
    assert tidy("option `' expects a value") == "option expects a value"
    assert tidy("Datei »« nicht gefunden") == "Datei nicht gefunden"
    assert tidy("fichier « » introuvable , vraiment") == "fichier introuvable, vraiment"
    assert tidy(": leading colon") == "leading colon"


def test_clean_pair_end_to_end() -> None:
    src, tgt = clean_pair("Cannot _open <b>'%s'</b>: %s", "Kann »%s« nicht ö_ffnen: <i>%s</i>")
    assert (src, tgt) == ("Cannot open:", "Kann nicht öffnen:")


def test_line_and_sentence_alignment() -> None:
    assert split_lines("a\nb\n", "x\ny") == [("a", "x"), ("b", "y")]
    assert split_lines("a\nb", "x y") == [("a\nb", "x y")]
    pairs = align_sentences("First one. Second one!", "Erster Satz. Zweiter Satz!")
    assert pairs == [("First one.", "Erster Satz."), ("Second one!", "Zweiter Satz!")]
    assert align_sentences("One. Two.", "Eins, zwei.") == [("One. Two.", "Eins, zwei.")]


@pytest.mark.parametrize(
    ("src", "tgt", "reason"),
    [
        ("Open the file", "Datei öffnen", "too_short"),
        ("Open the file now please", "Öffnen", "length_ratio"),
        ("Open the file now", "Open the file now", "untranslated"),
        ("a b c d 1234567890123", "a b c d 1234567890123x", "few_letters"),
        (" ".join(["word"] * 65), " ".join(["Wort"] * 65), "too_long"),
        ("", "x", "empty"),
        ("Open the selected file now", "Die ausgewählte Datei jetzt öffnen", None),
    ],
)
def test_pair_filter(src: str, tgt: str, reason: str | None) -> None:
    assert PairFilter().reject(src, tgt) == reason


def test_norm_key_ignores_case_and_punctuation() -> None:
    assert norm_key("Open  the FILE!") == norm_key("open the file")


def test_catalog_pairs_from_package_tree(tmp_path: Path) -> None:
    entries = [
        ("_Save the current image as a copy", "Das aktuelle Bild als Kopie _speichern"),
        ("Open", "Öffnen"),
        (
            "%d layer was removed from the image\x00%d layers were removed from the image",
            "%d Ebene wurde aus dem Bild entfernt\x00%d Ebenen wurden aus dem Bild entfernt",
        ),
        ("Delete the <b>selected</b> layer now", "Die <b>ausgewählte</b> Ebene jetzt löschen"),
    ]
    for locale in ("de", "de_AT", "de.UTF-8"):
        target = tmp_path / "usr/share/locale" / locale / "LC_MESSAGES" / "app.mo"
        target.parent.mkdir(parents=True)
        target.write_bytes(write_mo(entries))
    vim = tmp_path / "usr/share/vim/vim90/lang/de/LC_MESSAGES/vim.mo"
    vim.parent.mkdir(parents=True)
    vim.write_bytes(
        write_mo(
            [("Cannot write the swap file now", "Kann Auslagerungsdatei nicht schreiben")],
            "latin-1",
        )
    )
    catalogs = find_catalogs(tmp_path, "de")
    assert [c.relative_to(tmp_path).as_posix() for c in catalogs] == [
        "usr/share/locale/de/LC_MESSAGES/app.mo",
        "usr/share/vim/vim90/lang/de/LC_MESSAGES/vim.mo",
    ]
    stats: Counter[str] = Counter()
    pairs = list(catalog_pairs(catalogs[0], PairFilter(), stats))
    assert pairs == [
        ("layer was removed from the image", "Ebene wurde aus dem Bild entfernt"),
        ("Delete the selected layer now", "Die ausgewählte Ebene jetzt löschen"),
        ("Save the current image as a copy", "Das aktuelle Bild als Kopie speichern"),
    ]
    assert stats["drop_too_short"] == 1
