"""The codeswitch paper data path on local stand-ins laid out like the hub and MS MARCO's files:
file names, first stages, the authors' 1:4 training pairs, offset-indexed texts, resumable builds
and chunked re-ranking. Sockets are blocked: nothing is downloaded."""

from __future__ import annotations

import gzip
import io
import json
import shutil
import socket
import tarfile
from pathlib import Path

import numpy as np
import pytest

from reproductions.codeswitch import downloads, mmarco
from reproductions.codeswitch.data import load_ir_dir
from reproductions.codeswitch.streaming import LazyPairs, rerank_chunked
from reproductions.codeswitch.tsvstore import TsvFormatError, TsvStore, index_path
from reproductions.common.tokenizer import TokenizerConfig, train_wordpiece

HUB = "hf://datasets/unicamp-dl/mmarco@main/"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _stand_ins(root: Path) -> Path:
    """Tiny files with the hub's paths and MS MARCO's formats."""
    hub = root / "hub"
    order = [5, 0, 1, 2, 3, 4, 6, 7, 8, 9]  # ids need not be sorted in the file
    for lang, word in (("english", "passage"), ("german", "abschnitt")):
        _write(
            hub / f"data/google/collections/{lang}_collection.tsv",
            [f"{i}\t{word} {i}" for i in order],
        )
        _write(
            hub / f"data/google/queries/train/{lang}_queries.train.tsv",
            [f"{q}\t{lang} train query {q}" for q in range(100, 105)],
        )
        _write(
            hub / f"data/google/queries/dev/{lang}_queries.dev.small.tsv",
            [f"{q}\t{lang} dev query {q}" for q in (200, 201, 202)],
        )
    _write(hub / "data/qrels.dev.small.tsv", ["200\t0\t3\t1", "201\t0\t7\t1", "202\t0\t1\t1"])
    _write(
        hub / "data/google/runs/run.bm25_english-msmarco.txt",
        ["200\t9\t1", "200\t3\t2", "200\t5\t3", "201\t2\t1", "201\t7\t2", "202\t1\t1"],
    )
    _write(
        hub / "data/triples.train.ids.small.tsv",
        ["100\t1\t2", "100\t1\t4", "100\t1\t5", "101\t3\t6"],
    )
    top = "".join(
        f"{q}\t{p}\tquery {q}\tpassage {p}\n"
        for q, p in [(200, 5), (203, 4), (200, 3), (201, 7), (200, 9), (201, 2), (202, 1)]
    ).encode()
    web = root / "web"
    web.mkdir()
    with tarfile.open(web / "top1000.dev.tar.gz", "w:gz") as tar:
        info = tarfile.TarInfo("top1000.dev")
        info.size = len(top)
        tar.addfile(info, io.BytesIO(top))
    triples = [
        "100\t1\t2",
        "100\t1\t4",
        "101\t3\t5",
        "101\t3\t6",
        "102\t7\t8",
        "103\t0\t9",
        "104\t2\t1",
    ]
    with gzip.open(web / "msmarco-qidpidtriples.rnd-shuf.train.tsv.gz", "wt") as handle:
        handle.write("".join(t + "\n" for t in triples))
    return root


def _fake_fetch(root: Path, calls: list[str]):
    def fetch(source: str, dest: Path) -> Path:
        calls.append(source)
        if source.startswith(HUB):
            src = root / "hub" / source.removeprefix(HUB)
        else:
            src = root / "web" / source.rsplit("/", 1)[-1]
        target = dest / downloads.local_name(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        return target

    return fetch


def test_file_names_follow_the_hub_and_the_authors() -> None:
    urls = mmarco.file_urls(["en", "de"], "main")
    assert urls["collection:de"] == HUB + "data/google/collections/german_collection.tsv"
    assert urls["queries_dev:de"] == HUB + "data/google/queries/dev/german_queries.dev.small.tsv"
    assert urls["first_stage"].endswith("/msmarcoranking/top1000.dev.tar.gz")
    assert urls["training"] == (
        "https://sbert.net/datasets/msmarco-qidpidtriples.rnd-shuf.train.tsv.gz"
    )
    old = mmarco.file_urls(["en"], "v2", first_stage="mmarco-bm25", training="triples-small")
    assert old["first_stage"] == (
        "hf://datasets/unicamp-dl/mmarco@v2/data/google/runs/run.bm25_english-msmarco.txt"
    )
    assert old["training"] == "hf://datasets/unicamp-dl/mmarco@v2/data/triples.train.ids.small.tsv"


def test_shuffled_triples_give_one_positive_then_four_negatives() -> None:
    rows = [("1", f"p{i}", f"n{i}") for i in range(11)]
    rows = [(q, str(10 + i), str(20 + i)) for i, (q, _, _) in enumerate(rows)]
    pairs = list(mmarco.shuffled_pairs(rows, ratio=4, max_pairs=7))
    assert pairs == [
        (1, 10, 1),
        (1, 21, 0),
        (1, 22, 0),
        (1, 23, 0),
        (1, 24, 0),
        (1, 15, 1),
        (1, 26, 0),
    ]


def test_build_from_top1000_and_shuffled_triples(tmp_path: Path, monkeypatch) -> None:
    root, calls = _stand_ins(tmp_path / "src"), []
    out = mmarco.build_mmarco_dir(
        tmp_path / "data", ["en", "de"], "main", 4, 2, None, None,
        max_train_pairs=6, fetch=_fake_fetch(root, calls),
    )  # fmt: skip
    ir = out / "ir"
    assert (ir / "qrels.test.txt").read_text() == "200 0 3 1\n201 0 7 1\n202 0 1 1\n"
    assert (ir / "bm25.en.test.run").read_text().splitlines() == [
        "200 Q0 5 1 -1 first", "200 Q0 3 2 -2 first",
        "201 Q0 7 1 -1 first", "201 Q0 2 2 -2 first", "202 Q0 1 1 -1 first",
    ]  # fmt: skip
    assert np.load(ir / "pairs.train.npy").tolist() == [
        [100, 1, 1], [100, 4, 0], [101, 5, 0], [101, 6, 0], [102, 8, 0], [103, 0, 1],
    ]  # fmt: skip
    assert index_path(out / "raw/data/google/collections/german_collection.tsv").is_file()

    data = load_ir_dir(out, negatives=4)
    assert data.test_docs["de"]["3"] == "abschnitt 3"
    assert data.train_docs["en"]["5"] == "passage 5"
    assert data.test_queries["de"]["201"] == "german dev query 201"
    assert data.train_queries["en"]["103"] == "english train query 103"
    assert data.candidates == {"en": {"200": ["5", "3"], "201": ["7", "2"], "202": ["1"]}}
    assert data.qrels == {"200": {"3": 1}, "201": {"7": 1}, "202": {"1": 1}}
    assert list(data.iter_training_pairs(4))[:2] == [("100", "1", 1), ("100", "4", 0)]
    assert isinstance(data.train_docs["de"], TsvStore) and "10" not in data.train_docs["de"]

    # A second build finds every output and reads no raw file again.
    def refuse(*args, **kwargs):
        raise AssertionError("raw file re-read")

    before = (ir / "pairs.train.npy").stat().st_mtime_ns
    monkeypatch.setattr(downloads, "open_lines", refuse)
    mmarco.build_mmarco_dir(
        tmp_path / "data", ["en", "de"], "main", 4, 2, None, None,
        max_train_pairs=6, fetch=_fake_fetch(root, []),
    )  # fmt: skip
    assert (ir / "pairs.train.npy").stat().st_mtime_ns == before


def test_build_from_mmarco_bm25_run_and_small_triples(tmp_path: Path) -> None:
    root = _stand_ins(tmp_path / "src")
    out = mmarco.build_mmarco_dir(
        tmp_path / "data", ["en"], "main", 2, 2, None, 2,
        first_stage="mmarco-bm25", training="triples-small", fetch=_fake_fetch(root, []),
    )  # fmt: skip
    data = load_ir_dir(out, negatives=2)
    assert data.candidates == {"en": {"200": ["9", "3"], "201": ["2", "7"]}}
    assert list(data.qrels) == ["200", "201"]  # max_eval_queries=2, numeric order
    assert data.training_pairs(2) == [
        ("100", "1", 1), ("100", "2", 0), ("100", "4", 0), ("101", "3", 1), ("101", "6", 0),
    ]  # fmt: skip


def test_tsv_store_reads_by_offset_and_names_bad_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "c.tsv", ["7\tseven", "2\ttwo\twith tab", "5\t"])
    store = TsvStore(path)
    assert (store["2"], store[7], store["5"], len(store)) == ("two\twith tab", "seven", "", 3)
    assert list(store) == ["2", "5", "7"] and "3" not in store and "x" not in store
    assert list(store.texts()) == ["seven", "two\twith tab", ""]  # file order
    with pytest.raises(KeyError):
        store["3"]
    _write(path, ["7\tseven", "2\ttwo", "9\tnine"])  # changed file: the index is rebuilt
    assert TsvStore(path)["9"] == "nine"
    bad = _write(tmp_path / "bad.tsv", ["1\tone", "no tab here"])
    with pytest.raises(TsvFormatError, match=r"bad\.tsv:2"):
        TsvStore(bad)


def test_http_download_resumes_with_a_range_request(tmp_path: Path, monkeypatch) -> None:
    import requests

    seen = {}

    class Response:
        status_code = 206

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def raise_for_status(self):
            pass

        def iter_content(self, size):
            yield b"world"

    def get(url, headers, stream, timeout):
        seen.update(url=url, headers=headers)
        return Response()

    monkeypatch.setattr(requests, "get", get)
    (tmp_path / "top1000.dev.tar.gz.part").write_bytes(b"hello ")
    url = "https://example.org/msmarcoranking/top1000.dev.tar.gz"
    path = downloads.fetch(url, tmp_path)
    assert path.read_bytes() == b"hello world"
    assert seen["headers"] == {"Range": "bytes=6-"}
    assert downloads.parse_hf(HUB + "data/x.tsv") == ("unicamp-dl/mmarco", "main", "data/x.tsv")
    with pytest.raises(ValueError, match="hub dataset file"):
        downloads.parse_hf("hf://datasets/unicamp-dl/mmarco/data/x.tsv")


def test_lazy_pairs_tokenise_on_access() -> None:
    tok = train_wordpiece(["red cat", "blue dog", "red dog"] * 5, TokenizerConfig(vocab_size=60))
    calls = []

    def text_of(i: int) -> tuple[str, str, int]:
        calls.append(i)
        return ("red cat", "blue dog", i % 2)

    pairs = LazyPairs(3, text_of, tok, max_length=16)
    assert len(pairs) == 3 and calls == []
    item = pairs[1]
    assert calls == [1] and item["labels"] == 1.0
    assert item["input_ids"] == tok("red cat", "blue dog")["input_ids"]
    with pytest.raises(IndexError):
        pairs[3]


def test_rerank_chunked_saves_chunks_and_resumes(tmp_path: Path) -> None:
    qrels = {"a": {"d2": 1}, "b": {"d9": 1}, "c": {"d1": 1}}
    docs = {"a": ["d1", "d2"], "b": ["d8", "d9"], "c": ["d1", "d3"]}
    scored = []

    def score(queries: list[str], passages: list[str]) -> list[float]:
        scored.append(len(queries))
        return [float(p[-1]) for p in passages]  # higher id ranks first

    def candidates(qid: str):
        return qid, [(d, d) for d in docs[qid]]

    rr = rerank_chunked(["a", "b", "c"], candidates, score, qrels, 10, tmp_path, 2)
    assert rr == {"a": 1.0, "b": 1.0, "c": 0.5} and scored == [4, 2]
    assert sorted(p.name for p in (tmp_path / "chunks").iterdir()) == ["00000.json", "00001.json"]
    again = rerank_chunked(["a", "b", "c"], candidates, score, qrels, 10, tmp_path, 2)
    assert again == rr and scored == [4, 2]  # nothing scored twice


def test_ranker_tokenizer_downloads_unless_offline(monkeypatch) -> None:
    from transformers import AutoTokenizer

    from reproductions.common import tokenizer

    seen = []
    monkeypatch.setattr(
        AutoTokenizer, "from_pretrained", lambda path, **kw: seen.append(kw["local_files_only"])
    )
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        monkeypatch.delenv(name, raising=False)
    tokenizer.load_tokenizer("nreimers/mMiniLMv2-L6-H384-distilled-from-XLMR-Large")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    tokenizer.load_tokenizer("nreimers/mMiniLMv2-L6-H384-distilled-from-XLMR-Large")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")
    monkeypatch.setenv("HF_HUB_OFFLINE", "true")
    tokenizer.load_tokenizer("x")
    assert seen == [False, True, True]


def test_one_permutation_per_epoch_at_paper_scale() -> None:
    from reproductions.common import train

    train._epoch_order.cache_clear()
    first = [train.batch_indices(20_000_000, 64, 3, step) for step in range(50)]
    info = train._epoch_order.cache_info()
    assert (info.misses, info.hits) == (1, 49)  # 20M-pair permutation drawn once, not per step
    assert len({i for batch in first for i in batch}) == 50 * 64  # no repeats within an epoch
    assert train.batch_indices(10, 5, 1, 2) == train.batch_indices(10, 5, 1, 2)


def test_translate_test_lexicon_covers_words_inversion_misses(tmp_path: Path) -> None:
    from reproductions.codeswitch.induce import induce_lexicon
    from reproductions.codeswitch.translate_test import build_x_en_lexicon, vocabulary_of
    from reproductions.common.lexicon import load_lexicon

    def vec(path: Path, rows: dict[str, list[float]]) -> None:
        lines = [f"{len(rows)} 2"] + [f"{w} {a} {b}" for w, (a, b) in rows.items()]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    vec(tmp_path / "wiki.multi.en.vec", {"house": [1, 0], "home": [0.9, 0.3], "tree": [0, 1]})
    vec(tmp_path / "wiki.multi.de.vec", {"haus": [1, 0.05], "heim": [0.85, 0.35], "baum": [0, 1]})
    assert vocabulary_of(["Das Haus", "ein Heim-Haus, Baum!"]) == {
        "das",
        "haus",
        "ein",
        "heim-haus",
        "baum",
    }
    # EN->DE for the training vocabulary {house, tree}: heim is nobody's neighbour.
    induce_lexicon(tmp_path / "wiki.multi.en.vec", tmp_path / "wiki.multi.de.vec",
                   ["house", "tree"], tmp_path / "en-de.txt")  # fmt: skip
    inverted = load_lexicon(tmp_path / "en-de.txt", "en", "de").inverted()
    assert "heim" not in inverted.entries
    n = build_x_en_lexicon(tmp_path, "de", ["Haus und Heim", "Baum"], tmp_path / "de-en.txt")
    lex = load_lexicon(tmp_path / "de-en.txt", "de", "en")
    assert n == 3 and lex.entries == {"baum": ["tree"], "haus": ["house"], "heim": ["home"]}


def test_paper_run_on_stand_in_mmarco_trains_lazily(tmp_path: Path, monkeypatch) -> None:
    from transformers import BertForSequenceClassification

    from reproductions import contract
    from reproductions.common.models import tiny_bert_config
    from reproductions.common.tokenizer import save_tokenizer

    root = _stand_ins(tmp_path / "src")
    calls: list[str] = []
    monkeypatch.setattr(downloads, "fetch", _fake_fetch(root, calls))
    words = ["passage", "abschnitt", "english", "german", "train", "dev", "query"]
    tok = train_wordpiece([" ".join(words + [str(i)]) for i in range(300)], TokenizerConfig(200))
    model_dir = tmp_path / "model"
    BertForSequenceClassification(
        tiny_bert_config("smoke", len(tok), 64, num_labels=1)
    ).save_pretrained(model_dir)
    save_tokenizer(tok, model_dir)
    lex = _write(tmp_path / "lex" / "en-de.txt", ["passage abschnitt", "english german"])
    config = {
        "recipe": "codeswitch", "profile": "paper", "seed": 1, "system": "bl-cs",
        "languages": ["en", "de"], "settings": ["clir/en-de"], "lexicon_dir": str(lex.parent),
        "model_name_or_path": str(model_dir), "max_length": 64, "train_max_length": 48,
        "train_steps": 3, "batch_size": 2, "warmup_steps": 1, "decay_steps": 6,
        "max_train_pairs": 6, "eval_depth": 2, "eval_batch_size": 8, "checkpoint_every": 2,
        "num_threads": 1, "cache_dir": str(tmp_path / "cache"),
    }  # fmt: skip
    assert contract.run(config, tmp_path / "run") == 0, (tmp_path / "run" / "error.txt").read_text()
    assert any(c.endswith("top1000.dev.tar.gz") for c in calls)
    assert any("qidpidtriples.rnd-shuf" in c for c in calls)
    result = json.loads((tmp_path / "run" / "result.json").read_text())
    assert 0.0 <= result["metrics"]["clir/en-de/mrr@10"] <= 1.0
    pairs_meta = [
        json.loads(p.read_text())["meta"]
        for p in (tmp_path / "cache").rglob("COMPLETE.json")
        if json.loads(p.read_text())["spec"]["name"] == "pairs"
    ]
    assert pairs_meta and all(m == {"pairs": 6, "lazy": True} for m in pairs_meta)
    assert not list((tmp_path / "cache").rglob("pairs.jsonl"))  # no text copy of 20M pairs


@pytest.mark.parametrize(("decay_steps", "lr_after_2"), [(None, 1 / 3), (4, 0.5)])
def test_decay_horizon_and_adam_eps_reach_the_optimizer(tmp_path, decay_steps, lr_after_2) -> None:
    import torch

    from reproductions.common.collate import pad_batch
    from reproductions.common.train import TrainConfig, train

    model = torch.nn.Linear(2, 1)
    cfg = TrainConfig(
        max_steps=3, batch_size=2, learning_rate=1.0, warmup_steps=0, decay_steps=decay_steps,
        adam_eps=1e-6, checkpoint_every=2, precision="fp32",
    )  # fmt: skip
    examples = [{"x": [1.0, 2.0]}, {"x": [0.5, -1.0]}]
    train(
        model, examples, pad_batch, lambda m, b: m(b["x"]).sum(), cfg,
        seed=1, device=torch.device("cpu"), checkpoint_dir=tmp_path,
    )  # fmt: skip
    state = torch.load(next(tmp_path.rglob("state.pt")), weights_only=False)
    assert state["scheduler"]["_last_lr"] == [pytest.approx(lr_after_2)] * 2
    assert {g["eps"] for g in state["optimizer"]["param_groups"]} == {1e-6}


def test_paper_translate_test_induces_x_en_lexicons_over_test_texts(tmp_path, monkeypatch) -> None:
    from transformers import BertForSequenceClassification

    from reproductions import contract
    from reproductions.common.models import tiny_bert_config
    from reproductions.common.tokenizer import save_tokenizer

    base = {"recipe": "codeswitch", "profile": "paper", "system": "translate-test",
            "settings": ["clir/en-de", "moir/it"]}  # fmt: skip
    plan = contract.plan(base)
    labels = {s["label"]: s for s in plan["stages"]}
    assert {"lexicon/de-en", "lexicon/it-en"} <= set(labels)
    assert not any(label.startswith("lexicon/en-") for label in labels)
    assert "lexicon/it-en" in labels["rerank/translate-test/moir/it"]["depends_on"]

    root = _stand_ins(tmp_path / "src")
    monkeypatch.setattr(downloads, "fetch", _fake_fetch(root, []))
    muse = tmp_path / "muse"
    muse.mkdir()
    en = {"passage": [1.0, 0.0], "query": [0.0, 1.0]}
    de = {"abschnitt": [0.9, 0.1], "german": [0.1, 0.9]}
    for lang, rows in (("en", en), ("de", de)):
        text = f"{len(rows)} 2\n" + "".join(f"{w} {a} {b}\n" for w, (a, b) in rows.items())
        (muse / f"wiki.multi.{lang}.vec").write_text(text, encoding="utf-8")
    tok = train_wordpiece(["passage query abschnitt german dev 1 2 3"] * 50, TokenizerConfig(120))
    model_dir = tmp_path / "model"
    config = tiny_bert_config("smoke", len(tok), 64, num_labels=1)
    BertForSequenceClassification(config).save_pretrained(model_dir)
    save_tokenizer(tok, model_dir)
    run = {
        **base, "settings": ["clir/en-de"], "languages": ["en", "de"],
        "muse_embeddings_dir": str(muse), "model_name_or_path": str(model_dir),
        "max_length": 64, "train_max_length": 48, "train_steps": 2, "batch_size": 2,
        "warmup_steps": 1, "max_train_pairs": 6, "eval_depth": 2, "checkpoint_every": 2,
        "num_threads": 1, "cache_dir": str(tmp_path / "cache"),
    }  # fmt: skip
    assert contract.run(run, tmp_path / "run") == 0, (tmp_path / "run" / "error.txt").read_text()
    (lexicon,) = (tmp_path / "cache").rglob("de-en.txt")
    # The German collection's words map to their English neighbours; EN->X would need both.
    assert lexicon.read_text().splitlines() == ["abschnitt passage", "german query"]


ALL_SYSTEMS = ("zero-shot", "fine-tuning", "translate-test", "bl-cs", "ml-cs", "wiki-cs")


def test_paper_plans_every_setting_seen_and_unseen_for_every_system() -> None:
    from reproductions import contract
    from reproductions.codeswitch.capabilities import CAPABILITIES
    from reproductions.codeswitch.config import PAPER_SETTINGS, UNSEEN_SETTINGS

    every = PAPER_SETTINGS + UNSEEN_SETTINGS
    listed = {f"{kind}/{pair}" for kind, entry in CAPABILITIES["settings"].items()
              for pair in entry["details"]["pairs"]["paper"]}  # fmt: skip
    assert listed == set(every) and len(every) == 34
    unseen = set(UNSEEN_SETTINGS)
    no_muse = {s for s in unseen if "zh" in s or "xall" in s}  # MUSE has no zh vectors
    expected_not_run = {"fine-tuning": unseen, "bl-cs": unseen, "translate-test": no_muse}
    for system in ALL_SYSTEMS:
        plan = contract.plan({"recipe": "codeswitch", "profile": "paper", "system": system,
                              "settings": every})  # fmt: skip
        evaluated = {s["params"]["setting"] for s in plan["stages"]
                     if s["label"].startswith(f"rerank/{system}/")}  # fmt: skip
        assert set(plan["not_run"]) == expected_not_run.get(system, set()), system
        assert evaluated == set(every) - set(plan["not_run"]), system
        files = next(s for s in plan["stages"] if s["label"] == "data/mmarco")["params"]["files"]
        assert {"collection:zh", "collection:ja", "queries_dev:vi"} <= set(files)
    seen_only = contract.plan({"recipe": "codeswitch", "profile": "paper", "system": "ml-cs"})
    files = next(s for s in seen_only["stages"] if s["label"] == "data/mmarco")["params"]["files"]
    assert "collection:zh" not in files  # unseen languages are fetched only when a setting asks


def test_wiki_cs_is_a_system_of_its_own_and_plans_from_the_command_line(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from reproductions import contract
    from reproductions.common.recipe import ConfigError

    path = tmp_path / "run.json"
    path.write_text(json.dumps({"recipe": "codeswitch", "profile": "paper", "system": "Wiki-CS",
                                "settings": ["clir/en-de", "mlir/xall-xall"]}))  # fmt: skip
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "reproductions", "plan", "--config", str(path)],
        cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    plan = json.loads(proc.stdout)
    cfg = plan["config"]
    assert (cfg["system"], cfg["switch_prob"], cfg["multiword"]) == ("wiki-cs", 1.0, True)
    labels = {s["label"] for s in plan["stages"]}
    assert "ranker/wiki-cs/xx-xx" in labels and "rerank/wiki-cs/mlir/xall-xall" in labels
    assert not any(label.startswith("lexicon/") for label in labels)  # titles, not MUSE
    assert "lexicon_dir" in plan["warnings"][0]
    with pytest.raises(ConfigError, match="not available at profile smoke"):
        contract.resolve({"recipe": "codeswitch", "profile": "smoke", "system": "wiki-cs"})
    with pytest.raises(ConfigError, match="xall needs unseen_languages"):
        contract.resolve({"recipe": "codeswitch", "profile": "smoke", "settings": ["mlir/en-xall"]})
    with pytest.raises(ConfigError, match="language 'sw' not in languages"):
        contract.resolve({"recipe": "codeswitch", "profile": "paper", "settings": ["clir/fr-sw"]})


def test_wiki_cs_run_switches_title_phrases_into_a_drawn_language(tmp_path, monkeypatch) -> None:
    from transformers import BertForSequenceClassification

    from reproductions import contract
    from reproductions.codeswitch.variants import pick
    from reproductions.common.models import tiny_bert_config
    from reproductions.common.tokenizer import save_tokenizer

    root = _stand_ins(tmp_path / "src")
    monkeypatch.setattr(downloads, "fetch", _fake_fetch(root, []))
    _write(
        tmp_path / "titles" / "en-de.txt",
        ["english train query\tenglische frage", "passage\tabschnitt"],
    )
    tok = train_wordpiece(["english train query passage abschnitt englische frage"] * 40,
                          TokenizerConfig(120))  # fmt: skip
    model_dir = tmp_path / "model"
    BertForSequenceClassification(
        tiny_bert_config("smoke", len(tok), 64, num_labels=1)
    ).save_pretrained(model_dir)
    save_tokenizer(tok, model_dir)
    run = {
        "recipe": "codeswitch", "profile": "paper", "seed": 1, "system": "wiki-cs",
        "languages": ["en", "de"], "unseen_languages": [], "settings": ["clir/en-de"],
        "lexicon_dir": str(tmp_path / "titles"), "model_name_or_path": str(model_dir),
        "max_length": 64, "train_max_length": 48, "train_steps": 2, "batch_size": 2,
        "warmup_steps": 1, "max_train_pairs": 6, "eval_depth": 2, "checkpoint_every": 2,
        "compare_to_zero_shot": False, "num_threads": 1, "cache_dir": str(tmp_path / "cache"),
    }  # fmt: skip
    assert contract.run(run, tmp_path / "run") == 0, (tmp_path / "run" / "error.txt").read_text()

    from reproductions.codeswitch.config import resolve
    from reproductions.codeswitch.data import load_ir_dir
    from reproductions.codeswitch.streaming import variant_text_of
    from reproductions.codeswitch.variants import Variant
    from reproductions.common.lexicon import load_lexicon

    cfg = resolve({k: v for k, v in run.items() if k != "recipe"})
    (data_dir,) = {p.parent for p in (tmp_path / "cache").rglob("manifest.json")}
    data = load_ir_dir(data_dir, 4)
    lex = {"de": load_lexicon(tmp_path / "titles/en-de.txt", "en", "de", multiword=True)}
    text_of = variant_text_of(cfg, Variant("wiki-cs", "xx", "xx"), data, lex)
    for i in range(6):
        qid, did, _ = (str(int(x)) for x in data.pairs[i])
        query, _, _ = text_of(i)
        ql = pick(f"{cfg.data_seed}:xx:{qid}/{did}", ["en", "de"])
        expected = f"englische frage {qid}" if ql == "de" else f"english train query {qid}"
        assert query == expected


def test_seen_languages_leave_the_default_unseen_list() -> None:
    from reproductions import contract
    from reproductions.common.recipe import ConfigError

    raw = {"recipe": "codeswitch", "profile": "paper", "languages": ["en", "de", "fr"],
           "settings": ["clir/en-fr", "moir/es"]}  # fmt: skip
    _, cfg = contract.resolve(raw)
    assert cfg["unseen_languages"] == ["zh", "hi", "id", "ja", "pt", "es", "vi"]
    with pytest.raises(ConfigError, match=r"\['fr'\] are both seen and unseen"):
        contract.resolve({**raw, "unseen_languages": ["fr", "es"]})
