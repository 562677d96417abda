"""Study files: validation, run sharing with claims, the table, plot and answer."""

from __future__ import annotations

import pytest

from claimlab.runs.plan import Planner
from claimlab.services.claims import list_claims
from claimlab.services.jobs import list_jobs
from claimlab.services.reports import ingest_reports
from claimlab.services.reproduce import reproduce
from claimlab.services.specs import set_spec
from claimlab.services.studies import cells, enqueue_study, matching_reports, table, write_outputs
from claimlab.store import queue
from claimlab.studies.answers import answer
from claimlab.studies.files import StudyError, load_study
from conftest import EXAMPLE_REPORTS

STUDY = """
question: Does a higher code-switching probability help cross-lingual re-ranking?
recipe: codeswitch
systems: [bl-cs, ml-cs]
factor: switch_prob
levels: [0.25, 0.5]
task: passage-reranking
setting: clir
metric: mrr@10
pairs: [en-de]
profile: smoke
seeds: 3
profiles:
  mini: {seeds: 2, levels: [0.25, 0.5, 1.0]}
"""
CLAIM_SPEC = {
    "kind": "comparison",
    "recipe": "codeswitch",
    "lhs": "bl-cs",
    "rhs": "zero-shot",
    "op": ">",
    "metric": "mrr@10",
    "task": "passage-reranking",
    "setting": "clir",
}


@pytest.fixture
def study_file(tmp_path):
    path = tmp_path / "cs_prob.yaml"
    path.write_text(STUDY)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("recipe: codeswitch", "recipe: nope"), "recipe 'nope'"),
        (("systems: [bl-cs, ml-cs]", "systems: [bl-cs, gpt]"), "unknown system 'gpt'"),
        (("levels: [0.25, 0.5]", "levels: []"), "levels must be a non-empty list"),
        (("metric: mrr@10", "metric: bleu"), "unknown metric 'bleu'"),
        (("factor: switch_prob", "factor: warp_drive"), "refuses the factor 'warp_drive'"),
        (("seeds: 3", "seeds: 3\ncolour: red"), "unknown field(s): colour"),
        (("question: Does", "quest: Does"), "missing field(s): question"),
    ],
)
def test_bad_study_files_name_the_problem(tmp_path, change, message):
    path = tmp_path / "bad.yaml"
    path.write_text(STUDY.replace(*change))
    with pytest.raises(StudyError) as info:
        load_study(path)
    assert str(info.value).startswith(str(path)) and message in str(info.value)


def test_profile_overrides(study_file):
    mini = load_study(study_file, "mini")
    assert (mini.profile, mini.seeds, mini.levels) == ("mini", 2, [0.25, 0.5, 1.0])


def test_study_runs_are_shared_with_claim_runs(settings, study_file):
    study = load_study(study_file)
    planner = Planner("smoke", 3, settings.mini_data_dir, settings.home / "cache")
    planner.plan([CLAIM_SPEC])
    claim_runs = set(planner.runs)
    default_level = next(
        c for c in cells(settings, study) if c.level == 0.5 and c.system == "bl-cs"
    )
    assert set(default_level.runs.values()) <= claim_runs  # p = 0.5 is the recipe default
    new, known = enqueue_study(settings, study)
    assert (new, known) == (12, 0)
    assert enqueue_study(settings, study) == (0, 12)


def _finish(settings, digest, value):
    job = queue.claim(settings.database_url, "test", 60)
    assert job.config_hash == digest
    queue.finish(
        settings.database_url,
        job.job_id,
        "test",
        ok=True,
        metrics={"clir/en-de/mrr@10": value, "ref/chance/clir/en-de/mrr@10": 0.1},
        provenance={},
    )


def test_table_plot_and_answer(settings, study_file):
    study = load_study(study_file)
    enqueue_study(settings, study)
    scores = {
        (0.25, "bl-cs"): [0.30, 0.31, 0.32],
        (0.5, "bl-cs"): [0.40, 0.42, 0.41],
        (0.25, "ml-cs"): [0.33, 0.35, 0.31],
        (0.5, "ml-cs"): [0.34, 0.36, 0.35],
    }
    for cell in cells(settings, study):
        for seed, digest in cell.runs.items():
            _finish(settings, digest, scores[(cell.level, cell.system)][seed - 1])
    rows = table(settings, study)
    best = next(r for r in rows if r.level == 0.5 and r.system == "bl-cs")
    assert best.n == 3 and best.mean == pytest.approx(0.41)
    assert best.ci_low == pytest.approx(0.41 - 4.303 * 0.01 / 3**0.5, abs=1e-3)
    text = answer(study, rows)
    assert "smoke profile" in text and "from switch_prob=0.25 to switch_prob=0.5" in text
    assert (
        "bl-cs: rises (0.310, n=3 to 0.410, n=3; change +0.100, 90% interval [0.083, 0.117]" in text
    )
    assert "ml-cs: no clear change (0.330, n=3 to 0.350, n=3; change +0.020" in text
    assert "overlap" not in text and "highest" not in text
    paths = write_outputs(settings, study, rows)
    assert paths["png"].read_bytes()[:4] == b"\x89PNG"
    assert "0.41" in paths["csv"].read_text()


def test_study_show_command(settings, study_file, monkeypatch):
    from typer.testing import CliRunner

    from claimlab.cli import app

    study = load_study(study_file)
    enqueue_study(settings, study)
    for cell in cells(settings, study):
        for seed, digest in cell.runs.items():
            level_shift = 0.0004 if cell.level == 0.5 else -0.0004  # invisible at three decimals
            _finish(
                settings, digest, 0.3 + (cell.system == "ml-cs") * 0.1 + seed / 1000 + level_shift
            )
    monkeypatch.setenv("CLAIMLAB_HOME", str(settings.home))
    result = CliRunner().invoke(
        app, ["study", "show", str(study_file), "--db", settings.database_url]
    )
    assert result.exit_code == 0, result.output
    assert "0.402" in result.output and "[0.399, 0.404]" in result.output
    assert "bl-cs: cannot tell (0.302, n=3 to 0.302, n=3;" in result.output  # lockstep seeds
    assert (settings.home / "studies" / "cs_prob-smoke" / "table.png").is_file()


def test_pairs_may_name_their_setting(settings, tmp_path):
    path = tmp_path / "kinds.yaml"
    path.write_text(
        STUDY.replace("setting: clir\n", "").replace(
            "pairs: [en-de]", "pairs: [clir/en-de, mlir/en-xx]"
        )
    )
    study = load_study(path)
    enqueue_study(settings, study)
    for cell in cells(settings, study):
        for seed, digest in cell.runs.items():
            job = queue.claim(settings.database_url, "test", 60)
            assert job.config_hash == digest
            bonus = 0.1 if cell.system == "ml-cs" else 0.0
            metrics = {"clir/en-de/mrr@10": 0.2 + seed / 100, "mlir/en-xx/mrr@10": 0.3 + bonus}
            metrics |= {f"ref/chance/{key}": 0.1 for key in list(metrics)}
            queue.finish(settings.database_url, job.job_id, "test", ok=True, metrics=metrics)
    rows = table(settings, study)
    mlir = {(r.system, r.level): r.mean for r in rows if r.pair == "mlir/en-xx"}
    assert mlir[("ml-cs", 0.5)] == pytest.approx(0.4)
    assert mlir[("bl-cs", 0.25)] == pytest.approx(0.3)
    text = answer(study, rows)
    # clir: every cell is the same three seeds, so both systems are worded once; mlir: no cell
    # varies across seeds
    assert (
        "clir/en-de: bl-cs and ml-cs: cannot tell (0.220, n=3 to 0.220, n=3; the difference" in text
    )
    assert (
        "mlir/en-xx: bl-cs: cannot tell (0.300, n=3 to 0.300, n=3; the seeds did not vary)" in text
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(path.read_text().replace("mlir/en-xx", "xlir/en-xx"))
    with pytest.raises(StudyError, match="pairs entry 'xlir/en-xx': unknown setting 'xlir'"):
        load_study(bad)


def test_answer_follows_a_numeric_factor(settings, study_file):
    study = load_study(study_file, "mini")
    enqueue_study(settings, study)
    for cell in cells(settings, study):
        for seed, digest in cell.runs.items():
            _finish(settings, digest, cell.level / 2 + (seed - 1) * 0.002)
    text = answer(study, table(settings, study))
    assert "en-de: bl-cs and ml-cs: too few seeds to tell (0.126, n=2 to 0.501, n=2; n = 2" in text


def test_pending_runs_give_no_answer(settings, study_file):
    study = load_study(study_file)
    assert enqueue_study(settings, study) == (12, 0)  # 2 levels x 2 systems x 3 seeds
    rows = table(settings, study)
    assert [(r.n, r.pending, r.mean) for r in rows] == [(0, 3, None)] * 4
    assert "not enough finished runs" in answer(study, rows)

    first, second = cells(settings, study)[:2]
    _finish(settings, first.runs[1], 0.3)  # one seed of the first cell has finished
    running = queue.claim(settings.database_url, "test", 60)  # and the next one has started
    assert running.config_hash == first.runs[2]
    rows = table(settings, study)
    assert [(r.level, r.system) for r in rows[:2]] == [
        (first.level, first.system),
        (second.level, second.system),
    ]
    assert [(r.n, r.pending) for r in rows] == [(1, 2), (0, 3), (0, 3), (0, 3)]
    assert rows[0].mean == pytest.approx(0.3) and rows[0].ci_low is None
    assert "not enough finished runs" in answer(study, rows)  # one cell is not a comparison


@pytest.mark.slow
def test_every_shipped_study_runs_at_smoke(shared_stage_cache, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("recipe runs are exercised once, on SQLite")
    settings = shared_stage_cache
    from claimlab.runs.worker import Worker, WorkerOptions
    from conftest import ROOT

    files = sorted((ROOT / "examples" / "studies").glob("*.yaml"))
    studies = [load_study(path, "smoke") for path in files]
    assert {s.name[:2] for s in studies} == {"q1", "q2", "q3", "q4", "q5"}
    new = sum(enqueue_study(settings, s)[0] for s in studies)
    opts = WorkerOptions(slots=2, until_empty=True, lease_s=300, heartbeat_s=1.0, poll_s=0.2)
    report = Worker(settings, opts).run()
    assert report.succeeded == new and report.failed == 0
    for study in studies:
        rows = table(settings, study)
        assert rows and all(r.n == study.seeds and r.pending == 0 for r in rows), study.name
        paths = write_outputs(settings, study, rows)
        assert paths["png"].read_bytes()[:4] == b"\x89PNG", study.name
        text = answer(study, rows)
        assert "smoke profile" in text and "overlap" not in text, (study.name, text)


def _bitext_twins():
    from conftest import ROOT

    twins = sorted((ROOT / "examples" / "studies").glob("*_bitext.yaml"))
    return [(path.with_name(path.name.replace("_bitext", "")), path) for path in twins]


@pytest.mark.parametrize(("study_file", "bitext_file"), _bitext_twins(), ids=lambda p: p.stem)
def test_a_shipped_bitext_study_measures_the_runs_of_its_twin(settings, study_file, bitext_file):
    study, bitext = load_study(study_file, "smoke"), load_study(bitext_file, "smoke")
    assert (study.task, bitext.task) == ("xnli", "bitext")
    new, known = enqueue_study(settings, study)
    assert new > 0 and known == 0
    assert enqueue_study(settings, bitext) == (0, new)  # the same runs, measured twice


def test_studies_link_to_the_reviews_that_ask(settings, shared_reports):
    from conftest import ROOT

    ingest_reports(settings, [shared_reports])
    q3 = load_study(ROOT / "examples" / "studies" / "q3_corpus_size.yaml", "smoke")
    assert matching_reports(settings, q3) == [
        "Cross-lingual Alignment Quality in WEAM with Domain-Specific Bilingual Corpora"
    ]


def test_a_paper_study_job_has_its_gpu_and_timeout_and_keeps_them_for_claims(settings, study_file):
    study = load_study(study_file, "paper")
    assert enqueue_study(settings, study, priority=5) == (12, 0)
    ingest_reports(settings, [EXAMPLE_REPORTS])
    claim = list_claims(settings)[0].id
    set_spec(settings, claim, [CLAIM_SPEC])
    # The claim needs bl-cs (the study's default level, already queued) and zero-shot.
    assert reproduce(settings, [claim], "paper") == (3, 3)
    jobs = list_jobs(settings)
    assert len(jobs) == 15
    assert {(j.gpus, j.timeout_s) for j in jobs} == {(1.0, 72 * 3600.0)}
    priority = {j.run.config.get("system"): set() for j in jobs}
    for j in jobs:
        priority[j.run.config["system"]].add(j.priority)
    assert priority == {"bl-cs": {5}, "ml-cs": {5}, "zero-shot": {0}}


def test_study_run_takes_a_priority(settings, study_file):
    from typer.testing import CliRunner

    from claimlab.cli import app

    args = ["study", "run", str(study_file), "--priority", "3", "--db", settings.database_url]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "12 run(s) queued" in result.output
    jobs = list_jobs(settings)
    assert len(jobs) == 12 and {j.priority for j in jobs} == {3}
    assert {(j.gpus, j.timeout_s) for j in jobs} == {(0.0, 600.0)}
