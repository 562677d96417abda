"""The Research questions page and the study services, on a smoke study with recorded runs."""

from __future__ import annotations

import json

import pytest
from support.app import open_page, rerun, use_app
from support.rendered import text_of

from claimlab.records import RunRequest
from claimlab.services.jobs import existing_runs
from claimlab.services.reports import ingest_reports, list_reports
from claimlab.services.studies import cells, research_questions, table
from claimlab.store import queue
from claimlab.store.engine import session_scope
from claimlab.studies.answers import answer
from claimlab.studies.files import BrokenStudy, Study, list_studies, load_study

PAGE = "app_pages/questions.py"
QUESTION = "Does a higher code-switching probability help cross-lingual re-ranking?"
STUDY = f"""
question: {QUESTION}
recipe: codeswitch
systems: [bl-cs, ml-cs]
factor: switch_prob
label: switching probability
levels: [0.25, 0.5]
task: passage-reranking
setting: clir
metric: mrr@10
pairs: [en-de]
profile: smoke
seeds: 3
"""
REVIEW = """

{title}

claimlab test review

March 3, 2026

1 Introduction

This paper examines: Boosting Zero-shot Cross-lingual Retrieval. Research question: {question}.

2 Extracted Claims

Claim\tVerified\tConfidence
{claim}\t✓\t0.50

References

- <http://arxiv.org/abs/2305.05295v2>
"""
ASKING = "Switching Probability and Re-Ranking: A Tiny Review"
OTHER = "Lexicon Size and Transfer: A Tiny Review"
OTHER_QUESTION = "Does a larger bilingual lexicon improve zero-shot transfer to German?"
# MRR@10 per seed; ml-cs at 0.25 never ran, ml-cs at 0.5 has two of its three seeds.
MEASURED = {
    (0.25, "bl-cs"): [0.30, 0.32, 0.31],
    (0.5, "bl-cs"): [0.40, 0.41, 0.42],
    (0.5, "ml-cs"): [0.33, 0.35],
}
STAND_IN = "smoke profile · stand-in: synthetic en/de/fr set generated in code"
# What the answer to these numbers says: the first level against the last, by the judge's tests.
ANSWER_FACTS = (
    "At the smoke profile (stand-in: synthetic en/de/fr set generated in code), mrr@10",
    "from switching probability=0.25 to switching probability=0.5",
    "bl-cs: rises (0.310, n=3 to 0.410, n=3; change +0.100, 90% interval [0.083, 0.117]",
)


def shown_answer(settings, study: Study) -> str:
    """The backend's answer to the study's current numbers, checked against ANSWER_FACTS."""
    text = answer(study, table(settings, study))
    assert all(fact in text for fact in ANSWER_FACTS), text
    return text


@pytest.fixture
def studies_dir(tmp_path, monkeypatch):
    """A study folder with the codeswitch smoke study, used by the app through CLAIMLAB_STUDIES."""
    folder = tmp_path / "studies"
    folder.mkdir()
    (folder / "cs_prob.yaml").write_text(STUDY)
    monkeypatch.setenv("CLAIMLAB_STUDIES", str(folder))
    return folder


def add_review(settings, tmp_path, title: str, question: str) -> None:
    """Ingest a one-claim review asking `question`."""
    path = tmp_path / f"{len(list_reports(settings))}.txt"
    claim = f"Claim of the review {title}."
    path.write_text(REVIEW.format(title=title, question=question, claim=claim))
    (result,) = ingest_reports(settings, [path])
    assert result.status == "added", result.error


def record_runs(settings, study: Study) -> None:
    """Record MEASURED as finished runs of the study, as a worker on another machine would."""
    for cell in cells(settings, study):
        values = MEASURED.get((cell.level, cell.system), [])
        for seed, value in zip(cell.runs, values, strict=False):
            config, digest = cell.configs[seed], cell.runs[seed]
            request = RunRequest(study.recipe, study.profile, seed, config, digest)
            metrics = {"clir/en-de/mrr@10": value, "ref/chance/clir/en-de/mrr@10": 0.1}
            with session_scope(settings.database_url) as session:
                queue.import_run(session, request, metrics, {}, "elsewhere")


@pytest.fixture
def studied(settings, studies_dir, tmp_path) -> Study:
    """The study with recorded runs, a review asking its question and one asking another."""
    study = load_study(studies_dir / "cs_prob.yaml")
    record_runs(settings, study)
    add_review(settings, tmp_path, ASKING, QUESTION)
    add_review(settings, tmp_path, OTHER, OTHER_QUESTION)
    return study


def test_broken_files_are_listed_and_unstudied_questions_too(settings, studied, studies_dir):
    (studies_dir / "broken.yaml").write_text("question: [unclosed\n")
    (studies_dir / "bitext.yaml").write_text(STUDY.replace("profile: smoke", "profile: nope"))
    (studies_dir / "notes.txt").write_text("not a study")
    found = list_studies(studies_dir)
    assert [type(s).__name__ for s in found] == ["BrokenStudy", "BrokenStudy", "Study"]
    bitext, broken, _ = found
    assert isinstance(broken, BrokenStudy) and broken.name == "broken"
    assert broken.error.startswith(f"{studies_dir / 'broken.yaml'}: cannot read study")
    assert "profile must be smoke, mini or paper" in bitext.error

    asked, errors = research_questions(settings, studies_dir)
    assert [b.name for b in errors] == ["bitext", "broken"]
    assert [(q.text, q.reports, len(q.studies)) for q in asked] == [
        (QUESTION, [ASKING], 1),
        (OTHER_QUESTION, [OTHER], 0),
    ]
    result = asked[0].studies[0]
    assert result.label == STAND_IN and result.answer == shown_answer(settings, studied)
    assert result.status == {"succeeded": 8, "missing": 4}
    assert (result.finished, result.total) == (8, 12)
    pending = next(r for r in result.rows if (r.level, r.system) == (0.25, "ml-cs"))
    assert (pending.n, pending.pending, pending.mean) == (0, 3, None)


def test_studies_sharing_a_question_are_grouped(settings, studies_dir):
    (studies_dir / "cs_prob_mini.yaml").write_text(STUDY.replace("profile: smoke", "profile: mini"))
    asked, errors = research_questions(settings, studies_dir)
    assert errors == [] and len(asked) == 1
    assert [(r.study.name, r.study.profile) for r in asked[0].studies] == [
        ("cs_prob", "smoke"),
        ("cs_prob_mini", "mini"),
    ]
    assert asked[0].reports == [] and all(r.finished == 0 for r in asked[0].studies)
    mini = research_questions(settings, studies_dir, "smoke")[0][0].studies[1]
    assert mini.study.profile == "smoke", "an explicit profile applies to every study"


def test_page_shows_question_reviews_table_answer_and_label(settings, studied, monkeypatch):
    use_app(monkeypatch, settings)
    at = open_page(PAGE)
    assert at.title[0].value == "Research questions"
    assert [text_of(h.value) for h in at.subheader] == [QUESTION, OTHER_QUESTION]
    links = [text_of(link.proto.label) for link in at.get("page_link")]
    assert links == [ASKING, OTHER]
    assert all(link.proto.page.endswith("reports") for link in at.get("page_link"))
    texts = [m.value for m in at.markdown]
    assert "##### Study `cs_prob.yaml`" in texts
    assert any(t.startswith("**Recipe** codeswitch · **systems** bl-cs, ml-cs") for t in texts)
    assert any("**metric** mrr@10" in t and "**seeds** 3" in t for t in texts)
    assert at.radio(key="profile_cs_prob").value == "smoke", "the study's own profile"
    captions = [c.value for c in at.caption]
    assert "8 of 12 run(s) finished · 4 not queued" in captions
    assert any(
        c.startswith("4 run(s) not finished")
        and c.endswith("--profile smoke && claimlab worker --until-empty`.")
        for c in captions
    )
    assert any(c.startswith(f"**{STAND_IN}**") for c in captions)
    assert f"mrr@10, mean ± 95% CI over seeds · {STAND_IN}" in captions

    table = at.dataframe[0].value.set_index(["switching probability", "system"])
    best = table.loc[("0.5", "bl-cs")]
    assert (best["n"], best["pending"], best["95% CI"]) == (3, 0, "[0.385, 0.435]")
    assert (best["mean"], best["± 95% CI"]) == ("0.410", "0.025")
    assert best["values"] == "0.400, 0.410, 0.420"
    partial = table.loc[("0.5", "ml-cs")]
    assert (partial["n"], partial["pending"], partial["95% CI"]) == (2, 1, "[0.213, 0.467]")
    missing = table.loc[("0.25", "ml-cs")]
    assert (missing["n"], missing["pending"], missing["mean"], missing["± 95% CI"]) == (
        0,
        3,
        "–",
        "–",
    ), "no 'None' or 'nan' where nothing was measured"
    (chart,) = at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["title"] == f"cs_prob · {STAND_IN}"
    assert spec["spec"]["layer"][0]["encoding"]["y2"]["field"] == "high", "the CI is drawn"
    text = shown_answer(settings, studied)
    assert f"**Answer** ({STAND_IN}, not the paper's result): {text}" in texts
    assert "No study yet" in at.info[0].value, "the other review's question"


def test_run_button_queues_the_missing_runs(settings, studied, monkeypatch):
    use_app(monkeypatch, settings)
    at = open_page(PAGE)
    at.button(key="run_cs_prob").click()
    at = rerun(at)
    assert at.success[0].value.startswith("4 run(s) queued, 8 already known at the smoke profile;")
    assert "8 of 12 run(s) finished · 4 queued" in [c.value for c in at.caption]
    digests = [d for c in cells(settings, studied) for d in c.runs.values()]
    statuses = [r.status for r in existing_runs(settings, digests).values()]
    assert sorted(statuses) == ["queued"] * 4 + ["succeeded"] * 8


def test_nothing_run_yet_says_so_with_the_commands(settings, studies_dir, monkeypatch):
    use_app(monkeypatch, settings)
    at = open_page(PAGE)
    assert text_of(at.subheader[0].value) == QUESTION
    assert "Nothing has run yet for this study at the smoke profile" in at.info[0].value
    assert at.code[0].value.endswith("cs_prob.yaml --profile smoke\nclaimlab worker --until-empty")
    assert at.code[0].value.startswith("claimlab study run ")
    assert not at.dataframe and "No ingested review asks this question." in [
        c.value for c in at.caption
    ]
    at.radio(key="profile_cs_prob").set_value("mini")
    at = rerun(at)
    assert "at the mini profile" in at.info[0].value
    assert "--profile mini\n" in at.code[0].value
    assert any(c.value.startswith("**mini profile · stand-in: minibench ir") for c in at.caption)


def test_read_only_hides_the_run_button(settings, studied, monkeypatch):
    use_app(monkeypatch, settings, readonly=True)
    at = open_page(PAGE)
    assert not [b for b in at.button if b.label == "Run study"]
    assert "🔒 Read-only instance: running studies is turned off." in [c.value for c in at.caption]
    assert at.dataframe, "the numbers are still shown"


def test_broken_study_file_and_empty_folder(settings, studies_dir, monkeypatch):
    (studies_dir / "broken.yaml").write_text("levels: [1, 2\n")
    use_app(monkeypatch, settings)
    at = open_page(PAGE)
    assert text_of(at.error[0].value).startswith("Study file broken.yaml not used: ")
    assert text_of(at.subheader[0].value) == QUESTION, "the good study is still shown"
    for path in studies_dir.iterdir():
        path.unlink()
    use_app(monkeypatch, settings)  # forget the cached study list
    at = open_page(PAGE)
    assert at.info[0].value.startswith("No research questions yet.")
