"""Results bundles: export finished runs, import them elsewhere once, refuse bad files by field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.bundles import CHANCE, WEAM_CLAIM, WEAM_VALUES, demo_claim, write_bundle
from typer.testing import CliRunner

from claimlab.cli import app
from claimlab.config import Settings
from claimlab.services import jobs
from claimlab.services.bundle import BundleError, import_bundle, read_bundle
from claimlab.services.claims import get_claim
from claimlab.services.verdicts import compute_verdicts
from claimlab.store import migrate

KEY = "xnli/zero-shot/avg/accuracy"


def fresh(tmp_path: Path, name: str) -> Settings:
    """Another claimlab home with its own migrated SQLite database."""
    url = f"sqlite:///{tmp_path / f'{name}.db'}"
    migrate.upgrade(url)
    return Settings(home=tmp_path / name, database_url=url)


@pytest.fixture
def bundle_file(tmp_path: Path) -> tuple[Path, dict[str, dict[str, float]]]:
    path = tmp_path / "smoke.json"
    return path, write_bundle(fresh(tmp_path, "source"), WEAM_CLAIM, path)


def test_export_keeps_runs_metrics_and_a_provenance_summary(bundle_file):
    path, metrics = bundle_file
    data = json.loads(path.read_text())
    assert (data["claimlab_results"], data["profile"]) == (1, "smoke")
    runs = {r["config_hash"]: r for r in data["runs"]}
    assert set(runs) == set(metrics) and len(runs) == 4
    for digest, run in runs.items():
        assert run["metrics"] == metrics[digest]
        assert run["metrics"][f"ref/chance/{KEY}"] == CHANCE
        assert run["provenance"] == {"seed": run["seed"]}, "no machine paths or commands"
        assert run["config"]["seed"] == run["seed"] and run["profile"] == "smoke"
    systems = sorted((r["config"]["system"], r["seed"]) for r in data["runs"])
    assert systems == [("mbert+tlm", 1), ("mbert+tlm", 2), ("mbert+weam", 1), ("mbert+weam", 2)]


def test_import_records_finished_runs_once_and_they_judge_the_claim(bundle_file, tmp_path):
    path, metrics = bundle_file
    target = fresh(tmp_path, "target")
    claim_id = demo_claim(target, WEAM_CLAIM)
    assert import_bundle(target, path) == ("smoke", {"imported": 4})
    assert import_bundle(target, path) == ("smoke", {"unchanged": 4})
    known = jobs.existing_runs(target, list(metrics))
    assert {d: (r.status, r.metrics) for d, r in known.items()} == {
        d: ("succeeded", m) for d, m in metrics.items()
    }
    assert all(r.provenance["imported_from"] == "smoke.json" for r in known.values())
    assert jobs.list_jobs(target) == [], "imported runs are not queued"
    compute_verdicts(target, "smoke")
    (verdict,) = get_claim(target, claim_id).verdicts
    measured = verdict["predicates"][0]["measured"]["avg"]
    assert measured["lhs"]["values"] == WEAM_VALUES["mbert+weam"]
    assert measured["rhs"]["values"] == WEAM_VALUES["mbert+tlm"]
    assert verdict["state"] == "inconclusive", "two smoke seeds never decide"


def _broken(path: Path, change) -> Path:
    data = json.loads(path.read_text())
    change(data)
    out = path.with_name("broken.json")
    out.write_text(json.dumps(data))
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["runs"][1]["metrics"].update({KEY: "high"}),
            f"runs[1].metrics['{KEY}']: expected a number, got 'high'",
        ),
        (lambda d: d["runs"][0].pop("seed"), "runs[0].seed: expected int, got nothing"),
        (
            lambda d: d["runs"][2]["config"].update({"learning_rate": 0.1}),
            "runs[2].config_hash: ",
        ),
        (
            lambda d: d["runs"][3].update({"profile": "mini"}),
            "runs[3].profile: 'mini', the bundle is 'smoke'",
        ),
        (lambda d: d["runs"].append(d["runs"][0]), "runs[4].config_hash: same run as runs[0]"),
        (lambda d: d.update({"claimlab_results": 2}), "claimlab_results: expected format 1"),
        (lambda d: d["runs"][0].update({"metrics": {}}), "runs[0].metrics: empty"),
    ],
)
def test_a_bad_bundle_names_its_field_and_imports_nothing(bundle_file, tmp_path, change, message):
    path, metrics = bundle_file
    broken = _broken(path, change)
    target = fresh(tmp_path, "target")
    with pytest.raises(BundleError) as exc:
        import_bundle(target, broken)
    assert str(exc.value).startswith(f"{broken}: ")
    assert message in str(exc.value)
    assert jobs.existing_runs(target, list(metrics)) == {}


def test_a_tampered_config_does_not_match_its_hash(bundle_file):
    path, _ = bundle_file
    broken = _broken(path, lambda d: d["runs"][2]["config"].update({"learning_rate": 0.1}))
    with pytest.raises(BundleError, match=r"does not match its config under the current recipes"):
        read_bundle(broken)


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{\n "claimlab_results": 1,\n "runs": [,]\n}')
    with pytest.raises(BundleError, match=r"bad.json: not valid JSON: .* \(line 3, column 11\)"):
        read_bundle(path)


def test_cli_export_and_import(tmp_path):
    source = fresh(tmp_path, "source")
    write_bundle(source, WEAM_CLAIM, tmp_path / "unused.json")
    runner = CliRunner()
    out = tmp_path / "out" / "smoke.json"
    done = runner.invoke(
        app,
        ["results", "export", "--profile", "smoke", "--out", str(out), "--db", source.database_url],
    )
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"4 run(s) at smoke written to {out}"
    assert len(json.loads(out.read_text())["runs"]) == 4
    target = fresh(tmp_path, "target")
    args = ["results", "import", str(out), "--db", target.database_url]
    first, second = runner.invoke(app, args), runner.invoke(app, args)
    assert first.output.startswith("4 imported run(s) at smoke; judge them with")
    assert second.output.startswith("4 unchanged run(s) at smoke")
    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    failed = runner.invoke(app, ["results", "import", str(bad), "--db", target.database_url])
    assert failed.exit_code == 1
    assert "expected a JSON object with 'runs', got list" in failed.output
