"""The Python API: load_pack, pack.answers, score, score_rows, check_pack and the error classes."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import roleadvisor
from roleadvisor.batch import run_batch
from roleadvisor.engine import score_answers
from roleadvisor.pack import Pack
from roleadvisor.scoring import answer_options, gate_assignments, gate_question_ids, scorer_for

README = Path(__file__).resolve().parents[1] / "README.md"
STUDENT = {
    "background": "student", "goal": "first_portfolio", "work_style": "ship_fast", "interests": ["rag_apps", "prompt_design"],
    "deployment": "simple_hosting", "model_depth": "application_level", "first_project": "study_assistant",
}  # fmt: skip


@pytest.fixture(scope="module")
def shipped() -> Pack:
    return roleadvisor.load_pack()


def test_the_readme_example_runs_and_prints_what_it_shows() -> None:
    block = README.read_text(encoding="utf-8").split("<!-- api example: run by tests/test_api.py -->\n```python\n")[1].split("```")[0]
    code = "\n".join(line for line in block.splitlines() if not line.startswith("# -> "))
    shown = [line.removeprefix("# -> ") for line in block.splitlines() if line.startswith("# -> ")]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines() == shown


def test_import_roleadvisor_loads_none_of_the_tools_dependencies() -> None:
    code = "import sys, roleadvisor; print(sorted(m for m in ('typer', 'rich', 'yaml', 'questionary', 'typing') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"


def test_answers_are_normalised_in_the_packs_order(shipped: Pack) -> None:
    answers = shipped.answers({**STUDENT, "interests": "prompt_design; rag_apps;rag_apps"})
    assert answers["interests"] == ("prompt_design", "rag_apps")
    assert list(answers) == [q.id for q in shipped.questions if q.id != "production_experience"]


def test_answers_to_questions_not_shown_are_left_out(shipped: Pack) -> None:
    assert "production_experience" not in shipped.answers({**STUDENT, "production_experience": "yes"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"goal": "fame"}, "unknown choice 'fame' for 'goal' (choices: first_portfolio, build_products, own_systems, undecided)"),
        ({"colour": "blue"}, "unknown question 'colour' (questions: background, production_experience"),
        ({"goal": None}, "missing answer for 'goal' (choices for 'goal': first_portfolio, build_products, own_systems, undecided)"),
        ({"background": "software_developer"}, "missing answer for 'production_experience' (choices for 'production_experience': yes, no)"),
        ({"goal": None, "work_style": None}, "missing answer for 'goal', 'work_style' (choices for 'goal': "),
        ({"interests": ["rag_apps", "evaluation", "monitoring", "orchestration"]}, "'interests' takes 1 to 3 choices, got 4"),
    ],
)
def test_a_bad_answer_set_raises_answer_error_naming_the_question(shipped: Pack, change: dict, message: str) -> None:
    with pytest.raises(roleadvisor.AnswerError) as raised:
        shipped.answers({**STUDENT, **change})
    assert message in str(raised.value)


def test_answers_that_are_not_a_mapping_raise_answer_error(shipped: Pack) -> None:
    with pytest.raises(roleadvisor.AnswerError, match="answers: expected a mapping of question id -> answer, got NoneType"):
        shipped.answers(None)  # type: ignore[arg-type]


def test_nan_is_unanswered_in_answers_as_in_score_rows(shipped: Pack) -> None:
    assert "production_experience" not in shipped.answers({**STUDENT, "production_experience": float("nan")})


def test_a_multi_choice_answer_may_be_a_set(shipped: Pack) -> None:
    answers = shipped.answers({**STUDENT, "interests": {"evaluation", "rag_apps"}})
    assert answers["interests"] == ("rag_apps", "evaluation")


def test_score_rows_refuses_one_row_given_for_many(shipped: Pack) -> None:
    with pytest.raises(TypeError, match="an iterable of rows"):
        list(roleadvisor.score_rows(shipped, STUDENT))  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["goal", "interests", "background", "x"]), st.one_of(st.none(), st.text(max_size=8), st.integers(), st.lists(st.text(max_size=5), max_size=4))))
def test_no_mapping_makes_answers_raise_anything_but_answer_error(changes: dict) -> None:
    pack = roleadvisor.load_pack()
    try:
        pack.answers({**STUDENT, **changes})
    except roleadvisor.AnswerError:
        pass


def test_score_takes_a_plain_mapping_or_validated_answers_alike(shipped: Pack) -> None:
    assert roleadvisor.score(shipped, STUDENT) == roleadvisor.score(shipped, shipped.answers(STUDENT))


def test_a_result_carries_titles_so_a_renderer_need_not_look_them_up(shipped: Pack) -> None:
    result = roleadvisor.score(shipped, STUDENT)
    assert (result.recommendation.title, result.recommendation.target_title) == ("AI Developer", "AI Developer")
    assert result.next_course is not None and result.next_course.title == "AI Developers Course"
    assert result.reasons[0].label and result.reasons[0].source.text


def test_score_rows_scores_each_row_or_names_its_problems(shipped: Pack) -> None:
    rows = list(roleadvisor.score_rows(shipped, [STUDENT, {**STUDENT, "goal": "fame"}, {"goal": "undecided"}]))
    assert [row.ok for row in rows] == [True, False, False]
    assert (rows[0].role, rows[0].target, rows[0].next_course) == ("developer", "developer", "ai-developers-course")
    assert "unknown choice 'fame' for 'goal'" in rows[1].problems[0]
    assert rows[2].problems[-1].startswith("row 2: missing answers for: background")


def test_score_rows_names_a_row_that_is_not_a_mapping_and_goes_on(shipped: Pack) -> None:
    rows = list(roleadvisor.score_rows(shipped, [None, 5, ["student"], STUDENT]))  # type: ignore[list-item]
    assert [row.problems for row in rows[:3]] == [
        ("row 0: expected a mapping of question id -> answer, got NoneType",),
        ("row 1: expected a mapping of question id -> answer, got int",),
        ("row 2: expected a mapping of question id -> answer, got list",),
    ]
    assert rows[3].ok and rows[3].role == "developer"


class SeriesLike:
    """What pandas hands a function in `DataFrame.apply(..., axis=1)`: a row with `get`, NaN where a cell is empty."""

    def __init__(self, values: dict[str, object]) -> None:
        self.values = values

    def get(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)


def test_score_rows_reads_nan_as_unanswered_as_pandas_means_it(shipped: Pack) -> None:
    # A student is not asked about production experience: NaN there is no answer, as an empty cell is.
    with_nan = SeriesLike({**STUDENT, "production_experience": float("nan")})
    missing_goal = SeriesLike({**STUDENT, "goal": float("nan")})
    first, second = roleadvisor.score_rows(shipped, [with_nan, missing_goal])
    assert first.ok and first.role == "developer"
    assert second.problems == ("row 1: missing answers for: goal",)


def test_check_pack_reports_the_shipped_pack_clean() -> None:
    report = roleadvisor.check_pack()
    assert report.exit_code == 0 and report.pack.cases and all(case.passed for case in report.pack.cases)


# One scorer: the API, batch and the quiz's own path give the same results for the same answers


def random_answer_sets(pack: Pack, count: int, seed: int) -> list[dict[str, tuple[str, ...]]]:
    """Answer sets drawn over the whole space (the gate questions' answers first, then the rest)."""
    rng = random.Random(seed)
    gates = set(gate_question_ids(pack))
    branches = list(gate_assignments(scorer_for(pack)))
    sets = []
    for _ in range(count):
        chosen = dict(rng.choice(branches))
        for question in scorer_for(pack).shown_questions(chosen):
            if question.id not in gates:
                chosen[question.id] = rng.choice(list(answer_options(question)))
        sets.append(chosen)
    return sets


def test_ten_thousand_answer_sets_get_the_same_advice_from_the_api_batch_and_the_quiz(shipped: Pack, tmp_path: Path) -> None:
    sets = random_answer_sets(shipped, 10_000, seed=11)
    question_ids = [q.id for q in shipped.questions]
    source = tmp_path / "rows.csv"
    with source.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(question_ids)
        # Each multi-choice cell in a random order: batch reads a cell as a set.
        writer.writerows([";".join(random.Random(i).sample(chosen.get(q, ()), len(chosen.get(q, ())))) for q in question_ids] for i, chosen in enumerate(sets))
    run_batch(shipped, str(source), output=tmp_path / "out.jsonl")
    batch = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    api = list(roleadvisor.score_rows(shipped, ({q: list(c) for q, c in chosen.items()} for chosen in sets)))
    for chosen, from_batch, from_api in zip(sets, batch, api, strict=True):
        quiz = score_answers(shipped, chosen, with_what_if=False)
        rec = quiz.recommendation
        expected = (rec.role, rec.target, rec.confidence, rec.label, quiz.next_course.id, quiz.roadmap.id if quiz.roadmap else None, dict(quiz.scores))
        assert (from_api.role, from_api.target, from_api.confidence, from_api.label, from_api.next_course, from_api.roadmap, dict(from_api.scores or {})) == expected
        scores = {key.removeprefix("score_"): value for key, value in from_batch.items() if key.startswith("score_")}
        assert (from_batch["role"], from_batch["target"], from_batch["confidence"], from_batch["label"], from_batch["next_course"], from_batch["roadmap"], scores) == expected


def test_the_error_classes_are_one_family() -> None:
    assert issubclass(roleadvisor.AnswerError, roleadvisor.RoleAdvisorError)
    assert issubclass(roleadvisor.PackError, roleadvisor.RoleAdvisorError)
    with pytest.raises(roleadvisor.PackError):
        roleadvisor.load_pack("/nonexistent/pack")


def test_unknown_names_are_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        roleadvisor.nope  # noqa: B018

