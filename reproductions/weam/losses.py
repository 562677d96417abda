"""Continued pre-training losses: WEAM (MLM + lambda * cross-lingual), TLM and Cao et al.'s.

WEAM (arXiv 2106.01732): both sentences of a pair are masked and encoded separately. The
multilingual term is MLM on each. For the cross-lingual term, every token whose word is aligned
takes the mean state of the aligned word's subwords in the other sentence (the word exchange);
the masked tokens of the exchanged sentence are then predicted with the same MLM head. The paper
does not say where the exchange happens: by default after the last layer (the exchanged states
go straight to the head); `swap_layer=k` exchanges after layer k and runs the rest on the result.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch
import torch.nn.functional as F
from transformers import BertForMaskedLM, BertModel

from reproductions.common.collate import IGNORE_INDEX
from reproductions.common.mlm import masked_lm_loss
from reproductions.weam.encoder import embed, layer_mask, num_layers, run_layers


def exchange(hidden: torch.Tensor, swap: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Word exchange of a pair batch (English rows first): returns (exchanged states, aligned).

    Row t of sequence r becomes `swap[r, t] @ hidden[partner(r)]` when that row has weights,
    else keeps its own state.
    """
    half = hidden.shape[0] // 2
    partner = torch.cat([hidden[half:], hidden[:half]])
    pooled = torch.bmm(swap.to(hidden.dtype), partner)
    aligned = swap.sum(-1) > 0
    return torch.where(aligned.unsqueeze(-1), pooled, hidden), aligned


def _token_ce(model: BertForMaskedLM, states: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per-token cross-entropy with the MLM head applied to the given states only."""
    return F.cross_entropy(model.cls(states).float(), labels, reduction="none")


class WeamLoss:
    """MLM + lambda * cross-lingual prediction from word-exchanged states."""

    def __init__(
        self, weam_lambda: float = 1.0, swap_layer: int | None = None, xl_positions: str = "all"
    ) -> None:
        if xl_positions not in ("all", "swapped"):
            raise ValueError("xl_positions must be all or swapped")
        self.weam_lambda = weam_lambda
        self.swap_layer = swap_layer
        self.xl_positions = xl_positions

    def __call__(self, model: torch.nn.Module, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """The total loss of a PairMaskingCollator batch."""
        return self.parts(model, batch)["loss"]

    def parts(
        self, model: torch.nn.Module, batch: Mapping[str, torch.Tensor]
    ) -> dict[str, torch.Tensor]:
        """{"loss", "mlm", "xl"} of a batch; xl is 0 when lambda is 0 or nothing is swapped."""
        assert isinstance(model, BertForMaskedLM)
        bert: BertModel = model.bert
        depth = num_layers(bert)
        k = depth if self.swap_layer is None else self.swap_layer
        if not 0 <= k <= depth:
            raise ValueError(f"swap_layer {k} outside 0..{depth}")
        labels = batch["labels"]
        picked = labels != IGNORE_INDEX
        hidden = embed(bert, batch)
        mask = layer_mask(bert, batch["attention_mask"], hidden)
        use_xl = self.weam_lambda != 0 and "swap" in batch
        lower = run_layers(bert, hidden, mask, 0, k if use_xl else depth)
        if not bool(picked.any()):
            zero = lower.sum() * 0.0
            return {"loss": zero, "mlm": zero, "xl": zero}
        if not use_xl:
            mlm = _token_ce(model, lower[picked], labels[picked]).mean()
            return {"loss": mlm, "mlm": mlm, "xl": torch.zeros_like(mlm)}

        swapped, aligned = exchange(lower, batch["swap"])
        if k < depth:
            both_mask = None if mask is None else torch.cat([mask, mask])
            top = run_layers(bert, torch.cat([lower, swapped]), both_mask, k, depth)
            own, exchanged = top.chunk(2)
        else:
            own, exchanged = lower, swapped
        mlm_tok = _token_ce(model, own[picked], labels[picked])
        mlm = mlm_tok.mean()
        if k < depth:
            # Every state changed above the swap, so every chosen position is predicted anew.
            chosen = picked if self.xl_positions == "all" else picked & aligned
            xl_tok = _token_ce(model, exchanged[chosen], labels[chosen])
        else:
            # After the last layer only swapped tokens differ; the rest equal the MLM terms.
            xl_swapped = _token_ce(model, exchanged[picked & aligned], labels[picked & aligned])
            if self.xl_positions == "all":
                xl_tok = torch.cat([mlm_tok[~aligned[picked]], xl_swapped])
            else:
                xl_tok = xl_swapped
        xl = xl_tok.mean() if xl_tok.numel() else mlm.new_zeros(())
        return {"loss": mlm + self.weam_lambda * xl, "mlm": mlm, "xl": xl}


tlm_loss = masked_lm_loss
"""TLM is MLM over the concatenated pair: the same masked-positions-only loss."""


class CaoAlignLoss:
    """Cao, Kitaev & Klein (2020): squared distance of aligned words' contextual vectors, plus
    `lambda_reg` times the squared distance of the English states to a frozen original model."""

    def __init__(self, frozen: BertModel, lambda_reg: float = 1.0) -> None:
        self.frozen = frozen.eval().requires_grad_(False)
        self.lambda_reg = lambda_reg

    def parts(
        self, model: torch.nn.Module, batch: Mapping[str, torch.Tensor]
    ) -> dict[str, torch.Tensor]:
        """{"loss", "align", "reg"} of a LinkPoolingCollator batch."""
        bert = model.bert if isinstance(model, BertForMaskedLM) else model
        hidden = bert(
            input_ids=batch["input_ids"],
            attention_mask=batch["attention_mask"],
            token_type_ids=batch["token_type_ids"],
        ).last_hidden_state
        half = hidden.shape[0] // 2
        en, xx = hidden[:half], hidden[half:]
        vec_en = torch.bmm(batch["pool_en"].to(en.dtype), en)
        vec_xx = torch.bmm(batch["pool_xx"].to(xx.dtype), xx)
        links = batch["link_mask"]
        dist = (vec_en.float() - vec_xx.float()).pow(2).sum(-1)
        align = dist[links].mean() if bool(links.any()) else hidden.sum() * 0.0
        self.frozen.to(hidden.device)
        with torch.no_grad():
            original = self.frozen(
                input_ids=batch["input_ids"][:half],
                attention_mask=batch["attention_mask"][:half],
                token_type_ids=batch["token_type_ids"][:half],
            ).last_hidden_state
        content = batch["en_content"]
        reg = (en.float() - original.float()).pow(2).sum(-1)[content].mean()
        return {"loss": align + self.lambda_reg * reg, "align": align, "reg": reg}

    def __call__(self, model: torch.nn.Module, batch: Mapping[str, torch.Tensor]) -> torch.Tensor:
        """The total loss."""
        return self.parts(model, batch)["loss"]
