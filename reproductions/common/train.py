"""One training loop for every recipe: AdamW, linear warm-up/decay, autocast, checkpoints, resume.

Batches are a pure function of (seed, step): each epoch is a fixed permutation of the examples, so
a resumed run sees exactly the batches an uninterrupted run would, and with the RNG states
restored from the checkpoint it reaches the same weights.
"""

from __future__ import annotations

import functools
import math
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import get_linear_schedule_with_warmup

from reproductions.common.checkpoint import latest_checkpoint, load_checkpoint, save_checkpoint
from reproductions.common.device import autocast, resolve_precision
from reproductions.common.events import EventWriter

LossFn = Callable[[torch.nn.Module, Mapping[str, torch.Tensor]], torch.Tensor]
FAULT_ENV = "REPRO_KILL_AFTER_CHECKPOINT"
"""Test hook: when set to a step, the process SIGKILLs itself right after saving that checkpoint."""


@dataclass
class TrainConfig:
    """Optimisation settings shared by every recipe."""

    max_steps: int = 100
    """Optimizer steps to run (a resumed run still stops here)."""
    batch_size: int = 16
    """Examples per step."""
    learning_rate: float = 5e-5
    """Peak AdamW learning rate."""
    warmup_steps: int = 0
    """Linear warm-up steps, then linear decay to 0 at max_steps (or at decay_steps)."""
    decay_steps: int | None = None
    """Step at which the linear decay reaches 0 (None: max_steps). A run may stop before it, as
    the codeswitch authors' does (decay over len(train)/batch steps, stopped at 200k)."""
    adam_eps: float = 1e-8
    """AdamW epsilon (torch's default; transformers' old AdamW used 1e-6)."""
    weight_decay: float = 0.01
    """AdamW weight decay, not applied to biases and LayerNorm weights."""
    max_grad_norm: float = 1.0
    """Gradient clipping norm (0 disables)."""
    checkpoint_every: int = 0
    """Save a resumable checkpoint every N steps (0: never)."""
    log_every: int = 10
    """Emit a progress event and a train/loss metric every N steps."""
    precision: str = "auto"
    """auto | fp32 | bf16 | fp16 (see common.device.resolve_precision)."""
    group_by_length: bool = False
    """Batches of examples of similar length (less padding); each epoch still sees every
    example once. Needs examples with `input_ids`."""

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for stage keys and provenance (group_by_length only when on)."""
        out = asdict(self)
        if not self.group_by_length:
            del out["group_by_length"]  # keys of stages made before the option are kept
        return out


@dataclass
class TrainResult:
    """What a finished training loop reports."""

    steps: int
    resumed_from: int
    final_loss: float
    seconds: float
    tokens_per_s: float
    precision: str


def param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """Two AdamW groups: decayed weights, and biases/LayerNorm weights without decay."""
    decay, no_decay = [], []
    for name, param in model.named_parameters():
        if not param.requires_grad:
            continue
        skip = param.ndim < 2 or name.endswith(".bias") or "LayerNorm" in name
        (no_decay if skip else decay).append(param)
    return [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]


@functools.lru_cache(maxsize=2)
def _epoch_order(n_examples: int, seed: int, epoch: int) -> np.ndarray:
    # Drawn once per epoch, not per step: a permutation of 20M pairs takes seconds.
    order = np.random.default_rng([seed, epoch]).permutation(n_examples)
    order.flags.writeable = False
    return order


GROUP_BATCHES = 50
"""Length grouping sorts the epoch's permutation within chunks of this many batches."""


@functools.lru_cache(maxsize=2)
def _grouped_batches(
    lengths: tuple[int, ...], batch_size: int, seed: int, epoch: int
) -> tuple[tuple[int, ...], ...]:
    order = _epoch_order(len(lengths), seed, epoch).tolist()
    order = order[: max(1, len(order) // batch_size) * batch_size]
    batches: list[tuple[int, ...]] = []
    for c in range(0, len(order), batch_size * GROUP_BATCHES):
        chunk = sorted(order[c : c + batch_size * GROUP_BATCHES], key=lambda i: lengths[i])
        batches += [tuple(chunk[i : i + batch_size]) for i in range(0, len(chunk), batch_size)]
    shuffled = np.random.default_rng([seed, epoch, 1]).permutation(len(batches))
    return tuple(batches[i] for i in shuffled)


def batch_indices(
    n_examples: int,
    batch_size: int,
    seed: int,
    step: int,
    lengths: tuple[int, ...] | None = None,
) -> list[int]:
    """Example indices of batch `step`: epoch-wise permutations seeded by (seed, epoch); with
    `lengths`, each chunk of the permutation is sorted by length, cut into batches and those
    batches shuffled (still a function of seed and step)."""
    per_epoch = max(1, n_examples // batch_size)
    epoch, offset = divmod(step, per_epoch)
    if lengths is not None:
        return list(_grouped_batches(lengths, batch_size, seed, epoch)[offset])
    order = _epoch_order(n_examples, seed, epoch)
    start = offset * batch_size
    return order[start : start + batch_size].tolist()


def _to_device(batch: Mapping[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


def train(
    model: torch.nn.Module,
    examples: Sequence[Any],
    collate: Callable[[list[Any]], Mapping[str, torch.Tensor]],
    loss_fn: LossFn,
    config: TrainConfig,
    *,
    seed: int,
    device: torch.device,
    checkpoint_dir: str | Path | None = None,
    events: EventWriter | None = None,
    stage: str = "train",
) -> TrainResult:
    """Train `model` for `config.max_steps` steps, resuming from `checkpoint_dir` if it has one."""
    if not examples:
        raise ValueError(f"{stage}: no training examples")
    precision = resolve_precision(config.precision, device)
    model.to(device)
    model.train()
    optimizer = torch.optim.AdamW(
        param_groups(model, config.weight_decay), lr=config.learning_rate, eps=config.adam_eps
    )
    horizon = config.decay_steps or config.max_steps
    scheduler = get_linear_schedule_with_warmup(
        optimizer, min(config.warmup_steps, config.max_steps), horizon
    )
    scaler = torch.amp.GradScaler(device.type) if precision == "fp16" else None

    step = 0
    if checkpoint_dir is not None and (last := latest_checkpoint(checkpoint_dir)) is not None:
        step = load_checkpoint(last, model, optimizer, scheduler, scaler).step
        if events:
            events.log(f"{stage}: resumed from step {step}", stage=stage, resumed_from=step)
    resumed_from = step
    fault_step = int(os.environ.get(FAULT_ENV, "0") or 0)

    lengths = tuple(len(e["input_ids"]) for e in examples) if config.group_by_length else None
    loss_value, tokens, started = math.nan, 0, time.perf_counter()
    while step < config.max_steps:
        idx = batch_indices(len(examples), config.batch_size, seed, step, lengths)
        batch = _to_device(collate([examples[i] for i in idx]), device)
        if "attention_mask" in batch:
            tokens += int(batch["attention_mask"].sum())
        with autocast(device, precision):
            loss = loss_fn(model, batch)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
        else:
            loss.backward()
        if config.max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.max_grad_norm)
        if scaler is not None:
            scaler.step(optimizer)
            scaler.update()
        else:
            optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        step += 1
        loss_value = float(loss.detach())
        if not math.isfinite(loss_value):
            raise FloatingPointError(f"{stage}: loss is {loss_value} at step {step}")

        if events and (step % max(1, config.log_every) == 0 or step == config.max_steps):
            events.progress(step, config.max_steps, stage=stage)
            events.metric(f"{stage}/loss", round(loss_value, 6), step=step, stage=stage)
        every = config.checkpoint_every
        if (
            checkpoint_dir is not None
            and every > 0
            and step % every == 0
            and step < config.max_steps
        ):
            path = save_checkpoint(checkpoint_dir, step, model, optimizer, scheduler, scaler)
            if events:
                events.emit("checkpoint", step=step, stage=stage, path=str(path))
            if fault_step and step == fault_step and resumed_from < step:
                os.kill(os.getpid(), signal.SIGKILL)

    seconds = time.perf_counter() - started
    model.eval()
    return TrainResult(
        steps=step,
        resumed_from=resumed_from,
        final_loss=loss_value,
        seconds=round(seconds, 3),
        tokens_per_s=round(tokens / seconds, 1) if seconds > 0 else 0.0,
        precision=precision,
    )
