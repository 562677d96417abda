"""`claimlab jobs show` labels a run's base-model numbers (held-out MLM per language)."""

import json

from typer.testing import CliRunner

from claimlab.cli import app
from claimlab.present.base_model import BASE_MODEL_LABEL
from conftest import EXAMPLE_REPORTS

runner = CliRunner()

SPEC = [
    {
        "kind": "comparison",
        "recipe": "weam",
        "lhs": "mbert+weam",
        "rhs": "mbert",
        "op": ">",
        "metric": "accuracy",
        "task": "xnli",
        "setting": "zero-shot",
    }
]


def run(*args, code=0):
    result = runner.invoke(app, [str(a) for a in args])
    assert result.exit_code == code, result.output
    return result


def test_jobs_show_labels_the_base_model_numbers(db_url, tmp_path):
    run("db", "upgrade", "--db", db_url)
    run("ingest", "report", EXAMPLE_REPORTS, "--db", db_url)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(SPEC))
    run("claims", "spec", 1, "--set", spec, "--db", db_url)
    run("reproduce", 1, "--profile", "smoke", "--seeds", 1, "--db", db_url)
    job = json.loads(run("jobs", "list", "-f", "json", "--db", db_url).stdout)[0]
    queued = json.loads(run("jobs", "show", job["id"], "--db", db_url).stdout)
    assert "base_model" not in queued  # no metrics yet

    metrics = {"xnli/zero-shot/de/accuracy": 0.4}
    for lang, loss in (("en", 5.2), ("de", 6.1)):
        metrics |= {f"base/{lang}/mlm-loss": loss, f"base/{lang}/mlm-accuracy": 0.2}
        metrics[f"ref/unigram/base/{lang}/mlm-loss"] = 6.5
    provenance = {"config": queued["run"]["config"], "config_hash": queued["run"]["config_hash"]}
    workdir = tmp_path / "finished"
    workdir.mkdir()
    (workdir / "result.json").write_text(json.dumps({"metrics": metrics, "provenance": provenance}))
    run("jobs", "import", workdir, "--db", db_url)
    shown = json.loads(run("jobs", "show", job["id"], "--db", db_url).stdout)
    assert shown["base_model"]["label"] == BASE_MODEL_LABEL
    rows = shown["base_model"]["per_language"]
    assert [(r["language"], r["MLM loss"], r["unigram loss"]) for r in rows] == [
        ("en", 5.2, 6.5),
        ("de", 6.1, 6.5),
    ]
