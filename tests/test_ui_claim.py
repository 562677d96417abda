"""The Claim and Paper pages through AppTest, on a claim with evidence, runs and verdicts."""

import json

from support.app import open_page, rerun, use_app
from support.rendered import text_of
from support.scenario import MEASURED, PASSAGE, SPEC, build

from claimlab.present.plain import literal
from claimlab.present.words import predicate_text
from claimlab.services import jobs
from claimlab.services.claims import get_claim


def press(at, label: str) -> None:
    """Click the spec form's button with this label."""
    next(b for b in at.form_submit_button if b.label == label).click()


def test_claim_page_shows_mentions_evidence_runs_and_verdicts(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/claim.py", id=str(scenario.claim_id))
    assert at.title[0].value == f"Claim {scenario.claim_id}"
    mentions = at.dataframe[0].value
    assert list(mentions["mark"]) == ["✓"] and mentions["confidence"].iloc[0] == 0.49

    (image,) = at.image
    assert image.proto.imgs[0].caption == "2305.05295v2 p.2, passage highlighted"
    assert any(literal(PASSAGE) in m.value for m in at.markdown), "the passage next to the page"

    assert json.loads(at.text_area(key=f"spec_text_{scenario.claim_id}").value) == SPEC
    reading = at.dataframe[1].value
    assert list(reading["predicate"]) == [predicate_text(p) for p in SPEC]
    assert at.radio[0].value == "mini", "runs default to the largest profile with a verdict"
    runs = at.dataframe[2].value
    assert len(runs) == 6 and set(runs["status"]) == {"succeeded"}
    assert sorted(runs[runs["system"] == "zero-shot"]["value"]) == sorted(
        MEASURED["mini"]["zero-shot"]
    )
    assert len(at.get("vega_lite_chart")) == 1

    texts = [m.value for m in at.markdown]
    assert "**✅ supported** at profile **mini**" in texts
    assert "**❔ inconclusive** at profile **smoke**" in texts
    assert texts.index("**✅ supported** at profile **mini**") < texts.index(
        "**❔ inconclusive** at profile **smoke**"
    )
    notes = [c.value for c in at.caption]
    assert any(
        "never “reproduced as published”" in n and "Stand-in task: minibench ir" in n for n in notes
    )
    assert any(t.startswith("**Rule:** all predicates supported") for t in texts)
    assert any(
        "paired t-test over 3 seeds" in t and "interval of lhs − rhs lies above 0" in t
        for t in texts
    )

    at.radio[0].set_value("smoke")
    runs = rerun(at).dataframe[2].value
    assert len(runs) == 4 and sorted(runs["seed"]) == [1, 1, 2, 2]


def test_claim_without_evidence_or_runs_says_what_to_run(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/claim.py", id=str(scenario.other_id))
    infos = [i.value for i in at.info]
    assert any(f"claimlab ground --claim {scenario.other_id}" in i for i in infos)
    assert any(f"claimlab reproduce {scenario.other_id} --profile mini" in i for i in infos)
    assert not at.image
    assert "No claim with id 999" in open_page("app_pages/claim.py", id="999").error[0].value
    picker = open_page("app_pages/claim.py")
    picker.selectbox[0].select(scenario.other_id)
    assert rerun(picker).title[0].value == f"Claim {scenario.other_id}"


def test_spec_is_validated_before_saving(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/claim.py", id=str(scenario.other_id))
    before = get_claim(settings, scenario.other_id).spec

    at.text_area(key=f"spec_text_{scenario.other_id}").input('[{"recipe": "codeswitch",')
    press(at, "Save")
    assert rerun(at).error[0].value.startswith("Not saved: not valid JSON: ")
    bad = [{**SPEC[0], "lhs": "gpt-9"}]
    at.text_area(key=f"spec_text_{scenario.other_id}").input(json.dumps(bad))
    press(at, "Validate")
    assert "unknown system 'gpt-9' in lhs" in rerun(at).error[0].value
    press(at, "Save")
    assert "Not saved: predicate 0: unknown system 'gpt-9' in lhs" in rerun(at).error[0].value
    assert get_claim(settings, scenario.other_id).spec == before

    good = [{**SPEC[0], "lhs": "bl-cs", "setting": "moir", "op": "≥"}]
    at.text_area(key=f"spec_text_{scenario.other_id}").input(json.dumps(good))
    press(at, "Validate")
    assert rerun(at).success[0].value == "Valid: 1 predicate(s)."
    assert get_claim(settings, scenario.other_id).spec == before, "validate saves nothing"
    press(at, "Save")
    at = rerun(at)
    assert at.success[0].value == "Saved as a hand-set spec (1 predicate(s))."
    stored = get_claim(settings, scenario.other_id)
    # Stored as validated: the legacy "≥" in today's spelling.
    assert stored.spec == [{**good[0], "op": ">="}] and stored.spec_status == "manual"
    assert at.metric[4].value == "set by hand", "the page shows what was saved"
    runs = at.dataframe[2].value
    assert set(runs["system"]) == {"bl-cs", "zero-shot"}, "runs follow the new spec"

    at.text_area(key=f"spec_text_{scenario.other_id}").input("[]")  # edited, not saved
    at.query_params["id"] = str(scenario.claim_id)
    at.switch_page("app_pages/claim.py")
    at = rerun(at)
    assert json.loads(at.text_area(key=f"spec_text_{scenario.claim_id}").value) == SPEC


def test_reproduce_button_queues_runs_at_the_chosen_profile(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/claim.py", id=str(scenario.claim_id))
    at.selectbox(key="repro_profile").select("smoke")
    at.button(key="reproduce").click()
    assert rerun(at).success[0].value.startswith("0 run(s) queued, 4 already known;")

    queued = len(jobs.list_jobs(settings, ("queued",)))
    at.selectbox(key="repro_profile").select("paper")
    at.number_input[0].set_value(2)
    at.button(key="reproduce").click()
    assert rerun(at).success[0].value.startswith("4 run(s) queued, 0 already known;")
    paper_jobs = [j for j in jobs.list_jobs(settings, ("queued",)) if j.run.profile == "paper"]
    assert len(paper_jobs) == 4 and len(jobs.list_jobs(settings, ("queued",))) == queued + 4


def test_papers_list_and_paper_page(settings, monkeypatch):
    scenario = build(settings)
    use_app(monkeypatch, settings)
    at = open_page("app_pages/papers.py")
    papers = at.dataframe[0].value.set_index("paper")
    assert papers.loc["2305.05295v2", "PDF"] == "ok" and papers.loc["2305.05295v2", "passages"] > 0
    assert papers.loc["2108.13897v4", "PDF"] == "failed"
    assert papers.loc["2108.13897v4", "PDF error"].startswith("image_only")

    position = list(papers.index).index("2305.05295v2")
    at.session_state["papers_table"] = {"selection": {"rows": [position], "columns": []}}
    at = rerun(at)
    assert text_of(at.title[0].value) == "Boosting Zero-shot Cross-lingual Retrieval"
    assert at.query_params["key"] == "2305.05295v2"
    claims = at.dataframe[0].value.set_index("id")
    assert "mini ✅ supported (stand-in: minibench ir" in claims.loc[scenario.claim_id, "verdicts"]
    passages = at.dataframe[1].value
    assert PASSAGE in passages["text"].tolist()

    at.session_state["paper_claims"] = {
        "selection": {"rows": [list(claims.index).index(scenario.claim_id)], "columns": []}
    }
    at.switch_page("app_pages/paper.py")  # AppTest would rerun the page it was last sent to
    assert rerun(at).title[0].value == f"Claim {scenario.claim_id}"

    failed = open_page("app_pages/paper.py", key="2108.13897v4")
    assert text_of(failed.error[0].value).startswith("PDF: image_only")
