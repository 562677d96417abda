"""Word alignment (IBM 1, eflomal, symmetrisation, Pharaoh files) and MLQA answer scoring."""

from __future__ import annotations

import json
import random

import pytest
from support.processes import in_fresh_processes

from reproductions.weam.aligner import align_corpus, eflomal_available, load_alignment_file
from reproductions.weam.collators import token_links
from reproductions.weam.mlqa_eval import exact_match, f1, score, tokens
from reproductions.weam.pharaoh import format_line, parse_line, read_pharaoh, write_pharaoh
from reproductions.weam.symmetrize import grow_diag_final_and, symmetrize


def _permuted_corpus(n: int = 400, seed: int = 0):
    """Target = source words renamed and locally shuffled, plus a spurious word now and then."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(150)]
    src, tgt = [], []
    for _ in range(n):
        words = rng.sample(vocab, rng.randint(4, 9))
        trans = [w.upper() + "x" for w in words]
        for i in range(len(trans) - 1):
            if rng.random() < 0.3:
                trans[i], trans[i + 1] = trans[i + 1], trans[i]
        if rng.random() < 0.3:
            trans.insert(rng.randrange(len(trans) + 1), "noise")
        src.append(words)
        tgt.append(trans)
    return src, tgt


def _precision(src, tgt, links) -> float:
    good = total = 0
    for s, t, pair in zip(src, tgt, links, strict=True):
        for i, j in pair:
            total += 1
            good += s[i].upper() + "x" == t[j]
    return good / total


def test_grow_diag_final_and_on_a_hand_example():
    forward = {(0, 0), (1, 1), (2, 1), (4, 4)}
    reverse = {(0, 0), (1, 1), (4, 3)}
    # Intersection (0,0),(1,1); grow adds (2,1), next to (1,1) and covering source word 2;
    # final-and adds (4,4) (both words unaligned), then not (4,3) since source word 4 is taken.
    assert grow_diag_final_and(forward, reverse) == {(0, 0), (1, 1), (2, 1), (4, 4)}
    # Diagonal growth: (2,2) touches (1,1) and covers target word 2.
    assert (2, 2) in grow_diag_final_and({(0, 0), (1, 1)}, {(0, 0), (1, 1), (2, 2)})
    assert symmetrize("intersect", forward, reverse) == {(0, 0), (1, 1)}
    assert symmetrize("union", forward, reverse) == forward | reverse


def test_ibm1_recovers_a_translation_permutation():
    src, tgt = _permuted_corpus()
    links, used = align_corpus(src, tgt, "ibm1")
    assert used == "ibm1"
    assert _precision(src, tgt, links) > 0.95
    assert sum(map(len, links)) > 0.9 * sum(map(len, src))


def test_ibm1_links_are_the_same_in_every_process():
    """A resumed or re-planned run re-aligns in a new process: links must not follow str hashes."""
    src, tgt = _permuted_corpus()
    code = (
        "import json, sys; from reproductions.weam.aligner import align_corpus; "
        "src, tgt = json.load(sys.stdin); print(json.dumps(align_corpus(src, tgt, 'ibm1')[0]))"
    )
    outs = in_fresh_processes(code, stdin=json.dumps([src, tgt]))
    here = align_corpus(src, tgt, "ibm1")[0]
    assert [json.loads(o) for o in outs] == [[list(map(list, p)) for p in here]] * 2


@pytest.mark.skipif(not eflomal_available(), reason="eflomal is not installed")
def test_eflomal_recovers_a_translation_permutation():
    src, tgt = _permuted_corpus()
    src[3], tgt[3] = [], ["lonely"]  # an empty side is tolerated and gets no links
    links, used = align_corpus(src, tgt, "eflomal")
    assert used == "eflomal"
    assert links[3] == []
    assert _precision(src, tgt, links) > 0.95


def test_pharaoh_round_trip_and_bounds(tmp_path):
    assert parse_line("0-0 2-1 1-2") == [(0, 0), (2, 1), (1, 2)]
    assert format_line([(2, 1), (0, 0)]) == "0-0 2-1"
    path = tmp_path / "a.pharaoh"
    write_pharaoh(path, [[(0, 0), (1, 1)], [], [(0, 5)]])
    assert read_pharaoh(path) == [[(0, 0), (1, 1)], [], [(0, 5)]]
    src, tgt = [["a", "b"], ["c"], ["d"]], [["x", "y"], ["z"], ["w"]]
    assert load_alignment_file(path, src, tgt) == [[(0, 0), (1, 1)], [], []]
    with pytest.raises(ValueError):
        load_alignment_file(path, src * 2, tgt * 2)


def test_word_links_cover_every_subword():
    feature = {
        "en_units": [-1, 0, 0, 1, -1],
        "xx_units": [-1, 0, 1, 1, -1],
        "links": [(0, 1), (1, 0)],
    }
    rows, cols = token_links(feature).nonzero()
    # en word 0 (tokens 1, 2) -> xx word 1 (tokens 2, 3); en word 1 (token 3) -> xx token 1.
    assert list(zip(rows.tolist(), cols.tolist(), strict=True)) == [
        (1, 2),
        (1, 3),
        (2, 2),
        (2, 3),
        (3, 1),
    ]


def test_mlqa_normalisation_per_language():
    assert tokens("The Eiffel-Tower!", "en") == ["eiffeltower"]
    assert tokens("Der große Turm", "de") == ["große", "turm"]
    assert tokens("北京 is 大", "zh") == ["北", "京", "is", "大"]
    assert exact_match("the answer.", "Answer", "en") == 1.0
    assert f1("das rote Haus", "ein rotes Haus", "de") == pytest.approx(0.5)
    result = score(
        {"q1": "Paris", "q2": "x"}, {"q1": ["paris", "Paris, France"], "q2": ["y"]}, "en"
    )
    assert result == {"em": 0.5, "f1": 0.5}
