"""The claim-spec parser on review wordings, the demo and shared reviews, and spec validation."""

import pytest

from claimlab.claims.parser import SpecError, SpecParser, validate
from claimlab.claims.predicates import kind_of
from claimlab.ingest.reports import read_report
from conftest import EXAMPLE_REPORTS
from reproductions import contract

CAPS = contract.capabilities()
PARSER = SpecParser(CAPS)
DROP = ("recipe", "kind", "task", "source")


def preds(text, truncated=False, drop=DROP):
    spec = PARSER.parse(text, truncated)
    assert spec.status == "parsed", (text, spec)
    out = []
    for p in validate(spec.predicates, CAPS):
        assert p["source"] in text, p
        out.append({k: v for k, v in p.items() if v is not None and k not in drop})
    return out


def test_comparison_with_qualifier_and_setting():
    got = preds(
        "Adding TLM to mBERT (mBERT+TLM) beats plain mBERT by a large margin in zero-shot transfer."
    )
    assert got == [
        {
            "lhs": "mbert+tlm",
            "op": ">",
            "rhs": "mbert",
            "metric": "accuracy",
            "setting": "zero-shot",
            "qualifier": "large margin",
        }
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Fine-tuning on code-switched data beats TLM in zero-shot transfer.",
        "Code-switched fine-tuning outperforms mBERT+TLM on zero-shot XNLI.",
    ],
)
def test_a_longer_name_wins_over_another_recipes_name_inside_it(text):
    (got,) = preds(text)
    assert (got["lhs"], got["op"], got["rhs"], got["setting"]) == (
        "mbert+cs",
        ">",
        "mbert+tlm",
        "zero-shot",
    )


def test_not_as_good_as_reads_as_less_than():
    (got,) = preds(
        "In the translate-train setting, mBERT+TLM is not as good as vanilla mBERT.", drop=()
    )
    assert (got["lhs"], got["op"], got["rhs"], got["setting"]) == (
        "mbert+tlm",
        "<",
        "mbert",
        "translate-train",
    )
    assert got["source"] == got["source"].strip() and "not as good as" in got["source"]


def test_both_objects_become_two_predicates():
    got = preds(
        "On XNLI, mBERT+WEAM significantly outperformed both word-aligned mBERT and mBERT+TLM."
    )
    assert {(p["lhs"], p["rhs"], p["qualifier"]) for p in got} == {
        ("mbert+weam", "word-aligned-mbert", "significantly"),
        ("mbert+weam", "mbert+tlm", "significantly"),
    }


def test_conjunction_carries_the_subject():
    got = preds(
        "mBERT+WEAM raises zero-shot accuracy over mBERT and also outperforms mBERT in the "
        "translate-train setting."
    )
    assert [(p["lhs"], p["rhs"], p["setting"]) for p in got] == [
        ("mbert+weam", "mbert", "zero-shot"),
        ("mbert+weam", "mbert", "translate-train"),
    ]


def test_translate_train_as_the_object():
    (got,) = preds(
        "The zero-shot mBERT+WEAM score is slightly lower but close to the translate-train score."
    )
    assert got == {
        "lhs": "mbert+weam",
        "op": "<",
        "rhs": "mbert",
        "metric": "accuracy",
        "setting": "zero-shot",
        "rhs_setting": "translate-train",
        "qualifier": "slightly",
    }


def test_consistently_over_language_pairs_and_two_settings():
    got = preds(
        "Bilingual code-switching consistently beats the zero-shot re-ranker in MLIR and CLIR."
    )
    assert {p["setting"] for p in got} == {"clir", "mlir"}
    assert all(p["pairs"] == "each" and p["lhs"] == "bl-cs" for p in got)


def test_not_worse_clause():
    got = preds(
        "ML-CS helps cross-lingual retrieval without hurting monolingual retrieval.",
        drop=("recipe", "kind", "task", "metric"),
    )
    assert got == [
        {
            "lhs": "ml-cs",
            "op": ">",
            "rhs": "zero-shot",
            "setting": "clir",
            "source": "ML-CS helps cross-lingual retrieval",
        },
        {
            "lhs": "ml-cs",
            "op": ">=",
            "rhs": "zero-shot",
            "setting": "moir",
            "source": "without hurting monolingual retrieval",
        },
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The WEAM learning rate is 5e-5.", 5e-5),
        ("The WEAM learning rate is 5e−5.", 5e-5),
        ("The WEAM learning rate is 5 × 10^-5.", 5e-5),
        ("The WEAM learning rate is 5·10⁻⁵.", 5e-5),
        ("The WEAM learning rate is 0.00005.", 5e-5),
    ],
)
def test_hyperparameter_number_formats(text, value):
    assert preds(text) == [{"parameter": "learning_rate", "op": "=", "value": pytest.approx(value)}]


def test_hyperparameters_and_values():
    got = preds("Pre-training uses a masking probability of 30% and a learning rate of 3e-5.")
    assert got == [
        {"parameter": "mask_prob", "op": "=", "value": 0.3},
        {"parameter": "learning_rate", "op": "=", "value": 3e-5},
    ]
    assert preds("The re-ranker is trained with 1,000 negatives per positive.") == [
        {"parameter": "negatives", "op": "=", "value": 1000}
    ]
    (value,) = preds("Zero-shot re-ranking reaches 21.4 MRR@10 in MoIR.")
    assert (value["lhs"], value["setting"]) == ("zero-shot", "moir")
    assert value["value"] == pytest.approx(0.214)


def test_what_is_not_measurable():
    assert PARSER.parse("The WEAM model uses FastAlign to align words.").status == "description"
    assert PARSER.parse("The sky is blue.").status == "description"
    cut = PARSER.parse(
        "Specializing one model for several CLIR pairs (ML-CS) performs almost on par with "
        "specializ",
        truncated=True,
    )
    assert (cut.status, cut.predicates) == ("needs-spec", [])
    assert cut.reason == "could not tell what is compared"
    gaps = PARSER.parse("The gap to fine-tuning is +4 MRR@10 in MoIR.")
    assert (gaps.status, gaps.reason) == ("needs-spec", "claims a change in scores; set by hand")


DEMO = {
    "The mBERT+WEAM model outperforms the mBERT+TLM model in the zero-shot setting on XNLI.": [
        ("mbert+weam", ">", "mbert+tlm", "zero-shot", None)
    ],
    "Bilingual code-switching (BL-CS) does not hurt the zero-shot re-ranker in MoIR.": [
        ("bl-cs", ">=", "zero-shot", "moir", None)
    ],
    "The mBERT+TLM model is not as good as mBERT in the translate-train setting.": [
        ("mbert+tlm", "<", "mbert", "translate-train", None)
    ],
    "Multilingual code-switching (ML-CS) outperforms the zero-shot re-ranker in MLIR.": [
        ("ml-cs", ">", "zero-shot", "mlir", None)
    ],
}
SHARED = {
    "The mBERT+TLM model outperforms mBERT by a large margin in the zero-shot setting.": [
        ("mbert+tlm", ">", "mbert", "zero-shot", "large margin")
    ],
    "Code-switching improves cross-lingual and multilingual re-ranking without impeding "
    "monolingual setups.": [
        ("bl-cs", ">", "zero-shot", "clir", None),
        ("bl-cs", ">", "zero-shot", "mlir", None),
        ("bl-cs", ">=", "zero-shot", "moir", None),
    ],
    "Translate Test consistently falls behind code-switching at training time in both MoIR "
    "and CLIR.": [
        ("translate-test", "<", "bl-cs", "moir", "consistently"),
        ("translate-test", "<", "bl-cs", "clir", "consistently"),
    ],
    "The mBERT+WEAM model can exceed the performance of translate-train even with zero-shot "
    "training.": [("mbert+weam", ">", "mbert", "zero-shot", None)],
}
SHARED_VALUES = {
    "The value of $\\lambda$ is set to 1.": ("weam_lambda", 1),
}


def _claims(folder):
    return {
        row.text: PARSER.parse(row.text, row.truncated)
        for path in sorted(folder.glob("*.*"))
        for row in read_report(path).claims
    }


def _check_reviews(parsed, expected):
    for text, spec in parsed.items():
        if spec.status == "parsed":
            for p in validate(spec.predicates, CAPS):
                assert p["source"] in text, (text, p)
        else:
            assert spec.predicates == [] and spec.reason, (text, spec)
    for text, want in expected.items():
        got = [
            (p["lhs"], p["op"], p["rhs"], p["setting"], p["qualifier"])
            for p in parsed[text].predicates
        ]
        assert got == want, text


def test_demo_reviews():
    parsed = _claims(EXAMPLE_REPORTS)
    _check_reviews(parsed, DEMO)
    (weight,) = parsed[
        "The cross-lingual prediction loss is added to the multilingual prediction loss with a "
        "weight of 1."
    ].predicates
    assert (weight["parameter"], weight["value"], weight["source"]) == (
        "weam_lambda",
        1,
        "with a weight of 1",
    )
    (mask,) = parsed["The masking probability is set to 0.3 during pre-training."].predicates
    assert (kind_of(mask), mask["parameter"], mask["op"], mask["value"]) == (
        "hyperparameter",
        "mask_prob",
        "=",
        0.3,
    )


def test_shared_reviews(shared_reports):
    parsed = _claims(shared_reports)
    _check_reviews(parsed, SHARED)
    unsupported = parsed[
        "Zero-shotTranslate Test and ML-CSTranslate Test underperform compared to other "
        "approaches in MoIR."
    ]
    assert unsupported.status == "needs-spec" and "combination" in unsupported.reason
    for text, (parameter, value) in SHARED_VALUES.items():
        (p,) = parsed[text].predicates
        assert (p["parameter"], p["op"], p["value"]) == (parameter, "=", value), text


def test_validation_reads_legacy_spellings():
    old = {"recipe": "weam", "lhs": "mbert+weam", "rhs": "mbert", "metric": "accuracy"}
    got = validate(
        [{**old, "op": "≥"}, {**old, "op": "<", "qualifier": "slightly lower but close"}], CAPS
    )
    assert [(p["op"], p.get("qualifier")) for p in got] == [(">=", None), ("<", "slightly")]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"lhs": "x"}, "a spec is a JSON list"),
        (
            [{"recipe": "weam", "lhs": "gpt-9", "rhs": "mbert", "op": ">", "metric": "accuracy"}],
            "unknown system 'gpt-9' in lhs",
        ),
        (
            [{"recipe": "weam", "lhs": "mbert+weam", "rhs": "mbert", "op": ">", "metric": "bleu"}],
            "unknown metric 'bleu'",
        ),
        ([{"recipe": "nope", "lhs": "a", "rhs": "b"}], "recipe 'nope'"),
        (
            [
                {
                    "recipe": "weam",
                    "lhs": "mbert+weam",
                    "rhs": "mbert",
                    "op": "!=",
                    "metric": "accuracy",
                }
            ],
            "op '!='",
        ),
        (
            [{"kind": "hyperparameter", "recipe": "weam", "parameter": "mask_prob", "value": "x"}],
            "value must be a number",
        ),
    ],
)
def test_validation_names_the_field(spec, message):
    with pytest.raises(SpecError, match=message.replace("(", r"\(").replace("[", r"\[")):
        validate(spec, CAPS)
