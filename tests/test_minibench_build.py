"""End-to-end minibench builds from synthetic packages: layout, leakage, determinism, errors."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reproductions.minibench.builder as build_module
from reproductions.minibench import MinibenchError, MissingPackagesError, build, verify
from reproductions.minibench.__main__ import main
from reproductions.minibench.leakage import audit
from reproductions.minibench.synthetic import (
    COMMON_PARAGRAPH,
    fake_apt,
    gettext_package_files,
    synthetic_config,
    synthetic_sources,
    write_deb,
)
from reproductions.minibench.textclean import norm_key

CONFIG = synthetic_config()


@pytest.fixture(scope="module")
def debs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    return synthetic_sources(tmp_path_factory.mktemp("archive"))


@pytest.fixture
def apt(tmp_path: Path, debs, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH with only a fake apt serving the synthetic packages (so no dpkg-deb either)."""
    bin_dir = fake_apt(tmp_path / "bin", debs)
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_layout_formats_and_manifest(tmp_path: Path, apt: Path) -> None:
    out = tmp_path / "out"
    manifest = build(out, tmp_path / "cache", CONFIG, log=lambda _m: None)
    data_files = {
        rel for rel in _tree(out) if not rel.startswith(".build/") and rel != "manifest.json"
    }
    assert data_files == set(manifest["files"])
    expected = (
        {f"parallel/{x}.{s}.jsonl" for x in ("de", "fr") for s in ("train", "dev", "test")}
        | {"lexicon/en-de.txt", "lexicon/en-fr.txt"}
        | {f"cls/{x}.{s}.jsonl" for x in ("en", "de", "fr") for s in ("train", "dev", "test")}
        | {f"ir/qrels.{s}.txt" for s in ("train", "dev", "test")}
        | {f"ir/mlir.{s}.tsv" for s in ("train", "dev", "test")}
        | {f"ir/bm25.mlir.{s}.run" for s in ("train", "dev", "test")}
        | {
            f"ir/{kind}.{x}.{s}.{ext}"
            for kind, ext in (("queries", "jsonl"), ("docs", "jsonl"), ("bm25", "run"))
            for x in ("en", "de", "fr")
            for s in ("train", "dev", "test")
        }
    )
    assert data_files == expected
    for rel, info in manifest["files"].items():
        data = (out / rel).read_bytes()
        assert info["sha256"] == hashlib.sha256(data).hexdigest()
        assert info["count"] == data.count(b"\n") > 0, rel

    assert manifest["parameters"]["parallel_test"] == 3
    assert manifest["parameters"]["pair_filter"]["min_words"] == 4
    pkg = manifest["packages"]["synthetic-help-de"]
    assert pkg["version"] == "1.0-1" and pkg["licence"] == "MPL-2.0" and len(pkg["sha256"]) == 64
    # The lexicon part ranks translations by co-occurrence in the parallel pairs it reads.
    assert pkg["used_for"] == ["help", "parallel", "lexicon"]
    assert manifest["leakage"]["page_overlaps"] == manifest["leakage"]["text_overlaps"] == 0

    assert list(_jsonl(out / "parallel/de.dev.jsonl")[0]) == ["en", "de", "domain"]
    assert len(_jsonl(out / "parallel/fr.test.jsonl")) == 3
    for lang in ("de", "fr"):
        held = [r for s in ("dev", "test") for r in _jsonl(out / f"parallel/{lang}.{s}.jsonl")]
        assert {r["domain"] for r in held} == {"messages"}  # held-out pairs are gettext only
        train = _jsonl(out / f"parallel/{lang}.train.jsonl")
        counts = manifest["stats"]["parallel"][lang]
        assert sum(r["domain"] == "messages" for r in train) == counts["train_gettext"] > 0
        assert sum(r["domain"] == "help" for r in train) == counts["train_help"] > 0
        catalog = ("for reading", "new copy", "all of its parts", "from the disk")
        for r in train:
            assert (r["domain"] == "messages") == any(m in r["en"] for m in catalog), r
    for split in ("train", "dev", "test"):
        by_lang = {x: _jsonl(out / f"cls/{x}.{split}.jsonl") for x in ("en", "de", "fr")}
        ids = [r["id"] for r in by_lang["en"]]
        assert ids == [r["id"] for r in by_lang["de"]] == [r["id"] for r in by_lang["fr"]]
        assert {r["label"] for r in by_lang["en"]} <= set(CONFIG.cls_modules)
        assert all(
            r["text"] != d["text"] for r, d in zip(by_lang["en"], by_lang["de"], strict=True)
        )
        docs = {r["id"] for r in _jsonl(out / f"ir/docs.de.{split}.jsonl")}
        queries = [r["id"] for r in _jsonl(out / f"ir/queries.fr.{split}.jsonl")]
        qrels = (out / f"ir/qrels.{split}.txt").read_text().splitlines()
        assert qrels == [f"{q} 0 {q} 1" for q in queries]
        assert set(queries) <= docs
        for line in (out / f"ir/bm25.de.{split}.run").read_text().splitlines():
            qid, q0, docid, rank, score, tag = line.split()
            assert (q0, tag) == ("Q0", "bm25-de") and qid in queries and docid in docs
            assert int(rank) >= 1 and float(score) > 0
        mixed = dict(
            line.split("\t") for line in (out / f"ir/mlir.{split}.tsv").read_text().splitlines()
        )
        assert set(mixed) == docs and set(mixed.values()) <= {"en", "de", "fr"}
    lexicon = (out / "lexicon/en-de.txt").read_text().splitlines()
    assert lexicon == ["cat Kater", "cat Katze", "house Gebäude", "house Haus", "run laufen"]


def test_gettext_filters_applied(tmp_path: Path, apt: Path) -> None:
    out = tmp_path / "out"
    build(out, tmp_path / "cache", CONFIG, log=lambda _m: None)
    pairs = [r for s in ("train", "dev", "test") for r in _jsonl(out / f"parallel/de.{s}.jsonl")]
    english = {r["en"] for r in pairs}
    assert "Save the current file as a new copy" in english  # accelerator removed
    assert "Delete the selected image and all of its parts" in english  # markup removed
    assert "file was deleted from the disk" in english  # first plural form, %d removed
    assert "Cannot open the layer for reading" in english  # %s removed
    assert not any(ch in text for text in english for ch in "%<>_")
    assert "Open" not in english  # fewer than 4 words
    gettext = [r for r in pairs if "for reading" in r["en"] or "copy" in r["en"]]
    assert all(r["de"].split()[0].endswith("en") for r in gettext)


def test_no_leakage_from_held_out_pages(tmp_path: Path, apt: Path) -> None:
    out = tmp_path / "out"
    build(out, tmp_path / "cache", CONFIG, log=lambda _m: None)
    held = {
        r["id"].split("#")[0] for s in ("dev", "test") for r in _jsonl(out / f"cls/en.{s}.jsonl")
    }
    held |= {r["id"] for s in ("dev", "test") for r in _jsonl(out / f"ir/docs.en.{s}.jsonl")}
    train_files = [p for p in (out / "cls").glob("*.train.jsonl")] + list(
        (out / "ir").glob("*.train.*")
    )
    assert held
    for path in train_files:
        text = path.read_text(encoding="utf-8")
        assert not any(page in text for page in held), path
    # the paragraph every page shares sits on held-out pages, so it reaches no training file
    for path in [*train_files, *(out / "parallel").glob("*.jsonl")]:
        assert norm_key(COMMON_PARAGRAPH) not in {
            norm_key(chunk) for line in path.read_text().splitlines() for chunk in line.split("\\n")
        }
        assert "Choose Tools - Options" not in path.read_text(), path
    assert audit(out)["text_overlaps"] == 0

    # a held-out paragraph that reads like a parallel row's domain label is no leak
    with open(out / "ir/docs.en.test.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "shared/x/help.html", "text": "Help"}) + "\n")
    assert audit(out)["text_overlaps"] == 0

    # the audit notices text of a test page smuggled into a training file
    leaked = _jsonl(out / "cls/en.test.jsonl")[0]["text"].split("\n")[0]
    with open(out / "parallel/de.train.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps({"en": leaked, "de": "x"}) + "\n")
    assert audit(out)["text_overlaps"] == 1
    with pytest.raises(MinibenchError, match="leakage|sha256"):
        verify(out)


def test_same_packages_give_byte_identical_output(tmp_path: Path, apt: Path) -> None:
    build(tmp_path / "a", tmp_path / "cache-a", CONFIG, log=lambda _m: None)
    build(tmp_path / "b", tmp_path / "cache-b", CONFIG, log=lambda _m: None)
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert first == second
    assert "manifest.json" in first


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path, apt: Path) -> None:
    build(tmp_path / "a", tmp_path / "cache", CONFIG, log=lambda _m: None)
    script = (
        "import sys; from pathlib import Path;"
        "from reproductions.minibench import build;"
        "from reproductions.minibench.synthetic import synthetic_config;"
        "build(Path(sys.argv[1]), Path(sys.argv[2]), synthetic_config(), log=lambda m: None)"
    )
    # this process has a random hash seed (unless PYTHONHASHSEED is set); the child another
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = tmp_path / "b"
    subprocess.run(
        [sys.executable, "-c", script, str(out), str(tmp_path / "cache")], env=env, check=True
    )
    assert _tree(out) == _tree(tmp_path / "a")


@pytest.mark.skipif(
    not (shutil.which("dpkg-deb") and shutil.which("tar")), reason="dpkg-deb or tar missing"
)
def test_dpkg_and_python_unpacking_agree(tmp_path: Path, apt: Path, monkeypatch) -> None:
    build(tmp_path / "py", tmp_path / "cache-py", CONFIG, log=lambda _m: None)
    for tool in ("dpkg-deb", "tar"):
        (apt / tool).symlink_to(shutil.which(tool, path=os.defpath) or tool)
    build(tmp_path / "dpkg", tmp_path / "cache-dpkg", CONFIG, log=lambda _m: None)
    assert _tree(tmp_path / "py") == _tree(tmp_path / "dpkg")
    # dpkg-deb keeps the archive's mtimes (0 in the synthetic packages); Python does not
    unpacked = next((tmp_path / "cache-dpkg/root").glob("synthetic-l10n*/usr/share/locale"))
    assert unpacked.stat().st_mtime == 0
    unpacked = next((tmp_path / "cache-py/root").glob("synthetic-l10n*/usr/share/locale"))
    assert unpacked.stat().st_mtime > 0


def test_rerun_is_a_noop_and_a_broken_build_resumes(tmp_path: Path, apt: Path, monkeypatch) -> None:
    out, cache = tmp_path / "out", tmp_path / "cache"
    first = build(out, cache, CONFIG, log=lambda _m: None)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    logs: list[str] = []
    assert build(out, cache, CONFIG, log=logs.append) == first
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps
    assert [m for m in logs if m.startswith("part")] == [
        "part help: up to date",
        "part parallel: up to date",
        "part lexicon: up to date",
    ]
    assert not any("unpacking" in m or "download" in m for m in logs)

    # a lost file rebuilds its part only, with the same bytes
    before = (out / "ir/qrels.test.txt").read_bytes()
    (out / "ir/qrels.test.txt").unlink()
    logs.clear()
    build(out, cache, CONFIG, log=logs.append)
    assert "part help: building" in logs and "part parallel: up to date" in logs
    assert (out / "ir/qrels.test.txt").read_bytes() == before

    # a crash in one part keeps the finished parts; the next run only does what is left
    fresh = tmp_path / "fresh"

    def crash(*_args, **_kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(build_module, "build_parallel", crash)
    with pytest.raises(RuntimeError, match="killed"):
        build(fresh, cache, CONFIG, log=lambda _m: None)
    assert (fresh / ".build/help.json").exists() and not (fresh / "manifest.json").exists()
    monkeypatch.undo()
    monkeypatch.setenv("PATH", str(apt))
    logs.clear()
    build(fresh, cache, CONFIG, log=logs.append)
    assert "part help: up to date" in logs and "part parallel: building" in logs
    assert _tree(fresh) == _tree(out)


def test_a_new_package_version_replaces_the_old_and_rebuilds_its_parts(
    tmp_path: Path, debs, monkeypatch
) -> None:
    monkeypatch.setenv("PATH", str(fake_apt(tmp_path / "bin", debs)))
    out, cache = tmp_path / "out", tmp_path / "cache"
    build(out, cache, CONFIG, log=lambda _m: None)
    new = "Print the whole document on both sides of the paper"
    files = gettext_package_files(
        "synthetic-l10n", {"de": [(new, "Das ganze Dokument beidseitig drucken")]}
    )
    deb = write_deb(tmp_path / "synthetic-l10n_1.0-2_all.deb", "synthetic-l10n", "1.0-2", files)
    monkeypatch.setenv(
        "PATH", str(fake_apt(tmp_path / "bin", {**debs, "synthetic-l10n": ("1.0-2", deb)}))
    )
    logs: list[str] = []
    manifest = build(out, cache, CONFIG, log=logs.append)
    assert "apt-get download synthetic-l10n=1.0-2" in logs
    assert "part help: up to date" in logs and "part parallel: building" in logs
    assert sorted(p.name for p in (cache / "debs").glob("synthetic-l10n_*")) == [deb.name]
    assert not (cache / "root/synthetic-l10n_1.0-1_all").exists()
    assert manifest["packages"]["synthetic-l10n"]["version"] == "1.0-2"
    pairs = "".join((out / f"parallel/de.{s}.jsonl").read_text() for s in ("train", "dev", "test"))
    assert "Das ganze Dokument beidseitig drucken" in pairs
    assert "Cannot open the file for reading" not in pairs  # only in the old version


def test_missing_package_names_it_and_keeps_built_parts(tmp_path: Path, debs, monkeypatch) -> None:
    partial = {n: d for n, d in debs.items() if n != "synthetic-dict-eng-fra"}
    monkeypatch.setenv("PATH", str(fake_apt(tmp_path / "bin", partial)))
    out, cache = tmp_path / "out", tmp_path / "cache"
    with pytest.raises(MissingPackagesError) as caught:
        build(out, cache, CONFIG, log=lambda _m: None)
    err = caught.value
    assert set(err.missing) == {"synthetic-dict-eng-fra"}
    assert err.built == ["help", "parallel"] and err.skipped == ["lexicon"]
    message = str(err)
    assert "synthetic-dict-eng-fra" in message and "apt-get update" in message
    assert str(cache / "debs") in message
    assert (out / "cls/en.train.jsonl").exists() and (out / "parallel/de.train.jsonl").exists()
    assert not (out / "lexicon").exists() and not (out / "manifest.json").exists()

    monkeypatch.setenv("PATH", str(fake_apt(tmp_path / "bin", debs)))
    logs: list[str] = []
    manifest = build(out, cache, CONFIG, log=logs.append)
    assert "part help: up to date" in logs and "part lexicon: building" in logs
    assert "lexicon/en-fr.txt" in manifest["files"]


def test_without_apt_the_error_says_how_to_proceed(tmp_path: Path, debs, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    cache = tmp_path / "cache"
    with pytest.raises(MissingPackagesError) as caught:
        build(tmp_path / "out", cache, CONFIG, log=lambda _m: None)
    message = str(caught.value)
    assert "apt-get/apt-cache not found" in message
    assert all(name in message for name in debs)
    assert "packages.debian.org" in message and str(cache / "debs") in message
    assert caught.value.built == []

    # .deb files put into the cache by hand are enough
    for _version, deb in debs.values():
        shutil.copy(deb, cache / "debs")
    manifest = build(tmp_path / "out", cache, CONFIG, log=lambda _m: None)
    assert manifest["packages"]["synthetic-l10n"]["version"] == "1.0-1"


def test_refuses_a_foreign_non_empty_directory(tmp_path: Path, apt: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine")
    with pytest.raises(MinibenchError, match="not empty"):
        build(tmp_path / "out", tmp_path / "cache", CONFIG, log=lambda _m: None)
    assert (tmp_path / "out" / "notes.txt").read_text() == "mine"


def test_cli_build_verify_and_error_exit(tmp_path: Path, apt: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(build_module, "BuildConfig", lambda: CONFIG)
    out = tmp_path / "out"
    assert main(["build", "--out", str(out), "--cache", str(tmp_path / "cache")]) == 0
    assert "53 files" in capsys.readouterr().out
    assert main(["verify", "--out", str(out)]) == 0
    assert "match the manifest" in capsys.readouterr().out
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    code = main(["build", "--out", str(tmp_path / "other"), "--cache", str(tmp_path / "c2")])
    assert code == 1
    assert "error: Cannot get" in capsys.readouterr().err
    assert os.environ["PATH"].endswith("empty")
