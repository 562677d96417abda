"""IBM Model 1 word alignment in numpy (EM over co-occurrences, Viterbi links); deterministic.

The fallback aligner when eflomal is unavailable, and the smoke profile's aligner because eflomal
seeds its sampler from /dev/urandom (its links differ from run to run).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

NULL = 0
"""Vocabulary id of the empty word every target word may align to."""


def _index(sentences: Sequence[Sequence[str]], with_null: bool) -> list[np.ndarray]:
    vocab: dict[str, int] = {"<null>": NULL}
    out = []
    for words in sentences:
        ids = [vocab.setdefault(w.lower(), len(vocab)) for w in words]
        out.append(np.asarray(([NULL] if with_null else []) + ids, dtype=np.int64))
    return out


def ibm1_viterbi(
    source: Sequence[Sequence[str]], target: Sequence[Sequence[str]], iterations: int = 5
) -> list[list[tuple[int, int]]]:
    """Links (source index, target index) choosing for each target word its likeliest source.

    Target words whose best source is NULL stay unaligned. Probabilities t(target | source)
    start uniform and are re-estimated by EM over all co-occurring word pairs at once.
    """
    src = _index(source, with_null=True)
    tgt = _index(target, with_null=False)
    n_src = max((int(s.max()) for s in src if len(s)), default=0) + 1
    # One row per (sentence, source position, target position) co-occurrence.
    sent_ids, s_ids, t_ids, s_pos, t_pos = [], [], [], [], []
    for k, (s, t) in enumerate(zip(src, tgt, strict=True)):
        if len(t) == 0:
            continue
        si, ti = np.meshgrid(np.arange(len(s)), np.arange(len(t)), indexing="ij")
        sent_ids.append(np.full(si.size, k))
        s_ids.append(s[si.ravel()])
        t_ids.append(t[ti.ravel()])
        s_pos.append(si.ravel() - 1)  # -1 is NULL
        t_pos.append(ti.ravel())
    if not sent_ids:
        return [[] for _ in source]
    sent = np.concatenate(sent_ids)
    sw, tw = np.concatenate(s_ids), np.concatenate(t_ids)
    sp, tp = np.concatenate(s_pos), np.concatenate(t_pos)
    n_tgt_vocab = int(tw.max()) + 1
    pair = sw * n_tgt_vocab + tw
    pair_keys, pair_of_row = np.unique(pair, return_inverse=True)
    pair_src = pair_keys // n_tgt_vocab
    # Each target token occurrence (sentence, target position) is one normalisation group.
    group = np.unique(sent * (tp.max() + 1) + tp, return_inverse=True)[1]

    prob = np.ones(len(pair_keys))
    for _ in range(iterations):
        p_row = prob[pair_of_row]
        norm = np.bincount(group, weights=p_row)
        posterior = p_row / norm[group]
        counts = np.bincount(pair_of_row, weights=posterior, minlength=len(pair_keys))
        totals = np.bincount(pair_src, weights=counts, minlength=n_src)
        prob = counts / totals[pair_src]

    score = prob[pair_of_row]
    # Viterbi: per group, the row with the highest score (ties: the first source position).
    order = np.lexsort((sp, -score, group))
    first = np.ones(len(order), dtype=bool)
    first[1:] = group[order][1:] != group[order][:-1]
    best = order[first]
    links: list[list[tuple[int, int]]] = [[] for _ in source]
    for row in best[sp[best] >= 0]:
        links[int(sent[row])].append((int(sp[row]), int(tp[row])))
    return [sorted(x) for x in links]


def ibm1_both_directions(
    source: Sequence[Sequence[str]], target: Sequence[Sequence[str]], iterations: int = 5
) -> tuple[list[list[tuple[int, int]]], list[list[tuple[int, int]]]]:
    """Forward and reverse Viterbi links, both as (source index, target index) pairs."""
    forward = ibm1_viterbi(source, target, iterations)
    backward = ibm1_viterbi(target, source, iterations)
    reverse = [sorted((i, j) for j, i in links) for links in backward]
    return forward, reverse
