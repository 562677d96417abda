"""Stage builders up to the encoder: lexicon, tokenizer, base pre-training, alignment, continue."""

from __future__ import annotations

import copy
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reproductions.common.batching import GroupCollator, length_grouped
from reproductions.common.cache import StageSpec
from reproductions.common.checkpoint import clear_checkpoints
from reproductions.common.pretrain import pretrain_mlm
from reproductions.common.seed import set_seed
from reproductions.common.tokenizer import TokenizerConfig, load_tokenizer, train_wordpiece
from reproductions.weam.aligner import align_corpus, load_alignment_file
from reproductions.weam.collators import LinkPoolingCollator, PairMaskingCollator, TLMCollator
from reproductions.weam.config import OBJECTIVE
from reproductions.weam.losses import CaoAlignLoss, WeamLoss, tlm_loss
from reproductions.weam.models import load_masked_lm
from reproductions.weam.models import load_tokenizer as load_model_tokenizer
from reproductions.weam.pairs import pair_features
from reproductions.weam.pharaoh import read_pharaoh, write_pharaoh
from reproductions.weam.switching import download_lexicon, lexicon_file
from reproductions.weam.units import split_units

if TYPE_CHECKING:
    from reproductions.weam.pipeline import Pipeline


def build_lexicon(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """One MUSE dictionary downloaded into the cache (paper, mbert+cs)."""
    lang = spec.label.rsplit("/", 1)[1]
    return download_lexicon(spec.params["url"], lexicon_file(out, lang))


def build_tokenizer(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """WordPiece of the tiny BERT, learnt from the base corpus."""
    texts, counts = p.monolingual_texts()
    tok = train_wordpiece(
        texts,
        TokenizerConfig(
            vocab_size=p.cfg.vocab_size,
            min_frequency=p.cfg.tokenizer_min_frequency,
            max_length=512,
        ),
    )
    tok.save_pretrained(out)
    return {"texts": len(texts), "corpus": counts, "vocab_size": len(tok)}


def build_pretrain(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """The tiny BERT (the mBERT stand-in): MLM on length-grouped batches of the base corpus."""
    c = p.cfg
    texts, counts = p.monolingual_texts()
    checkpoints = p.checkpoints(spec)
    done = pretrain_mlm(
        texts,
        load_tokenizer(p.ensure("tokenizer")),
        c.model_size,
        p.train_config("base"),
        out_dir=out,
        seed=spec.params["seed"],
        device=p.ctx.device,
        max_length=c.base_max_length,
        mask_prob=c.base_mask_prob,
        group_batch_size=c.base_batch_size,
        checkpoint_dir=checkpoints,
        events=p.ctx.events,
        stage=spec.label,
    )
    clear_checkpoints(checkpoints)
    return {
        "train": asdict(done.train),
        "corpus": counts,
        "sentences": done.sentences,
        "batches": done.batches,
    }


def build_align(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """Word (or subword) alignments of one language's training pairs."""
    lang = spec.params["lang"]
    tok = p.tokenizer()
    pairs = p.train_pairs(lang)
    level = p.cfg.align_level
    en_units = split_units(tok, [x[0] for x in pairs], level)
    xx_units = split_units(tok, [x[1] for x in pairs], level)
    # The exact units aligned, so an external aligner (fast_align) can be run on them too.
    (out / "en.txt").write_text("".join(" ".join(u) + "\n" for u in en_units), "utf-8")
    (out / f"{lang}.txt").write_text("".join(" ".join(u) + "\n" for u in xx_units), "utf-8")
    if p.cfg.aligner == "files":
        links = load_alignment_file(p.cfg.alignment_files[lang], en_units, xx_units)
        used = "files"
    else:
        links, used = align_corpus(
            en_units, xx_units, p.cfg.aligner, p.cfg.symmetrization, p.cfg.ibm1_iterations
        )
    write_pharaoh(out / "links.pharaoh", links)
    n_units = sum(len(u) for u in en_units)
    aligned = sum(len({i for i, _ in ls}) for ls in links)
    return {
        "aligner_used": used,
        "pairs": len(pairs),
        "links": sum(len(ls) for ls in links),
        "en_units_aligned": round(aligned / max(1, n_units), 4),
    }


def build_continue(p: Pipeline, spec: StageSpec, out: Path) -> dict[str, Any]:
    """Continued pre-training of the base with the system's objective."""
    c = p.cfg
    objective = OBJECTIVE[c.system]
    base = p.base_path()
    tok = p.load_model(load_model_tokenizer, base)
    features = []
    for lang in c.languages:
        alignments = None
        if objective in ("weam", "cao"):
            alignments = read_pharaoh(p.ensure(f"align/{lang}") / "links.pharaoh")
        features += pair_features(tok, p.train_pairs(lang), c.max_length, c.align_level, alignments)
    batches = length_grouped(
        features, c.batch_size, c.seed, lambda f: len(f["en_ids"]) + len(f["xx_ids"])
    )
    set_seed(c.seed)
    model = p.load_model(load_masked_lm, base)
    if objective == "tlm":
        collate, loss = TLMCollator(tok, c.mask_prob), tlm_loss
    elif objective == "cao":
        collate = LinkPoolingCollator(tok)
        loss = CaoAlignLoss(copy.deepcopy(model.bert), c.cao_lambda_reg)
    else:
        collate = PairMaskingCollator(tok, c.mask_prob, with_swap=objective == "weam")
        lam = c.weam_lambda if objective == "weam" else 0.0
        loss = WeamLoss(lam, c.swap_layer, c.xl_positions)
    result = p.train(spec, model, batches, GroupCollator(collate), loss, "")
    model.save_pretrained(out)
    tok.save_pretrained(out)
    return {"train": asdict(result), "pairs": len(features), "batches": len(batches)}


BUILDERS = {
    "lexicon": build_lexicon,
    "tokenizer": build_tokenizer,
    "pretrain": build_pretrain,
    "align": build_align,
    "continue": build_continue,
}
"""Stage name -> builder."""
