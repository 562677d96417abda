"""claimlab reads recipe facts from the capability tables and spells metric keys as before."""

from __future__ import annotations

import pytest

from claimlab.runs import recipes


@pytest.mark.parametrize(
    ("args", "key"),
    [
        (("weam", "xnli", "zero-shot", "de", "accuracy"), "xnli/zero-shot/de/accuracy"),
        (
            ("weam", "xnli", "translate-train", None, "accuracy"),
            "xnli/translate-train/avg/accuracy",
        ),
        (("weam", "mlqa", "zero-shot", "de", "f1"), "mlqa/zero-shot/de/f1"),
        (("weam", "bitext", None, "fr", "p@1"), "bitext/en-fr/p@1"),
        (("weam", "bitext", "zero-shot", None, "p@1"), "bitext/avg/p@1"),
        (("weam", "stats", "xnli", "en", "mean_tokens"), "stats/xnli/en/mean_tokens"),
        (("weam", "stats", "xnli", None, "mean_tokens"), "stats/xnli/avg/mean_tokens"),
        (("codeswitch", "passage-reranking", "clir", "en-de", "mrr@10"), "clir/en-de/mrr@10"),
        (("codeswitch", "passage-reranking", "mlir", None, "mrr@10"), "mlir/avg/mrr@10"),
    ],
)
def test_metric_keys_keep_their_spelling(args, key):
    assert recipes.metric_key(*args) == key


def test_baseline_default_task_and_metric_come_from_the_tables():
    assert [recipes.baseline(r) for r in ("weam", "codeswitch")] == ["mbert", "zero-shot"]
    assert recipes.default_task("weam") == "xnli"
    assert recipes.default_task("codeswitch") == "passage-reranking"
    metrics = {t: recipes.task_metric("weam", t) for t in ("xnli", "mlqa", "bitext", "stats")}
    assert metrics == {"xnli": "accuracy", "mlqa": "f1", "bitext": "p@1", "stats": "mean_tokens"}
    assert recipes.task_metric("codeswitch", "passage-reranking") == "mrr@10"
    assert recipes.deterministic("weam", "mean_tokens") and not recipes.deterministic("weam", "f1")


def test_pairs_are_the_settings_else_the_tasks():
    assert recipes.pairs("weam", "zero-shot", "mini", "xnli") == ["de", "fr"]
    assert recipes.pairs("weam", "zero-shot", "smoke") == ["de", "fr"]  # default task: xnli
    assert "sw" in recipes.pairs("weam", "translate-train", "paper", "xnli")
    assert recipes.pairs("weam", "zero-shot", "mini", "mlqa") == ["de"]
    assert recipes.pairs("codeswitch", "clir", "mini") == ["en-de", "en-fr", "de-fr"]


def test_an_unknown_task_is_named():
    with pytest.raises(ValueError, match="recipe 'codeswitch' has no task 'xnli'"):
        recipes.metric_key("codeswitch", "xnli", "clir", None, "mrr@10")
