"""The page's advice as properties: its rules hold for every answer set they describe, the course follows the
build level, and the strength of a lean reads the same for either role."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from roleadvisor.engine import score_answers
from roleadvisor.loader import load_pack
from roleadvisor.scoring import answer_options, scorer_for
from strategies import answer_sets

SHIPPED = load_pack(Path(__file__).resolve().parents[1] / "data")
WISHES = ("work_style", "interests", "first_project", "deployment", "model_depth")


def advice(chosen: dict[str, tuple[str, ...]]) -> tuple[str, str, str]:
    result = score_answers(SHIPPED, chosen, with_what_if=False)
    return result.recommendation.role, result.recommendation.target, result.next_course.id


@settings(max_examples=400, deadline=None)
@given(answer_sets(SHIPPED))
def test_undecided_learners_start_as_developers(chosen) -> None:
    chosen = {**chosen, "goal": ("undecided",)}
    assert advice(chosen)[0] == "developer"


@settings(max_examples=400, deadline=None)
@given(answer_sets(SHIPPED), st.sampled_from(["student", "career_switcher"]))
def test_students_and_career_switchers_start_as_developers(chosen, background) -> None:
    chosen = {**chosen, "background": (background,)}
    chosen.pop("production_experience", None)
    assert advice(chosen)[0] == "developer"


@settings(max_examples=400, deadline=None)
@given(answer_sets(SHIPPED), st.sampled_from(["yes", "no"]))
def test_software_developers_moving_into_ai_start_with_practical_ai_development(chosen, production) -> None:
    chosen = {**chosen, "background": ("software_developer",), "production_experience": (production,)}
    assert advice(chosen)[0] == "developer"


@settings(max_examples=400, deadline=None)
@given(answer_sets(SHIPPED))
def test_engineers_with_production_experience_who_want_to_own_systems_start_and_aim_as_engineers(chosen) -> None:
    chosen = {**chosen, "background": ("experienced_engineer",), "production_experience": ("yes",), "goal": ("own_systems",)}
    assert advice(chosen)[:2] == ("engineer", "engineer")


@settings(max_examples=300, deadline=None)
@given(answer_sets(SHIPPED), st.sampled_from(WISHES), st.data())
def test_the_course_never_changes_with_a_wish_other_than_the_goal(chosen, question_id, data) -> None:
    question = SHIPPED.question(question_id)
    other = data.draw(st.sampled_from(list(answer_options(question))))
    assert advice(chosen)[2] == advice({**chosen, question_id: other})[2]


@settings(max_examples=300, deadline=None)
@given(answer_sets(SHIPPED), st.sampled_from(["student", "career_switcher"]))
def test_beginners_never_get_the_generative_ai_course(chosen, background) -> None:
    chosen = {**chosen, "background": (background,)}
    chosen.pop("production_experience", None)
    assert advice(chosen)[2] == "ai-developers-course"


@given(st.integers(0, 40), st.integers(0, 40))
def test_the_same_lead_reads_the_same_for_either_role(first, second) -> None:
    scorer = scorer_for(SHIPPED)
    assert scorer.strength((first, second)) == scorer.strength((second, first))


@settings(max_examples=200, deadline=None)
@given(answer_sets(SHIPPED))
def test_a_rule_that_fixes_the_start_cites_a_sentence_of_the_page(chosen) -> None:
    page = " ".join((Path(__file__).parent / "seed" / "ai-developer-vs-ai-engineer.txt").read_text().split())
    result = score_answers(SHIPPED, chosen, with_what_if=False)
    rec = result.recommendation
    assert (rec.rule is None) == (rec.because is None)
    cited = [rec.because] if rec.because else []
    cited += [step.because for step in (result.next_course, result.roadmap) if step and step.because]
    cited += [reason.source for reason in result.reasons] + list(result.notes)
    assert all(citation.text in page for citation in cited)


@settings(max_examples=200, deadline=None)
@given(answer_sets(SHIPPED))
def test_the_roadmap_is_offered_to_those_who_aim_for_engineer_or_are_undecided(chosen) -> None:
    result = score_answers(SHIPPED, chosen, with_what_if=False)
    wanted = result.recommendation.target == "engineer" or chosen["goal"] == ("undecided",)
    assert (result.roadmap is not None) == wanted


@settings(max_examples=150, deadline=None)
@given(answer_sets(SHIPPED))
def test_at_80_columns_the_answer_why_what_ifs_and_next_steps_fit_the_first_40_lines(chosen) -> None:
    from roleadvisor.render import render_result

    lines = render_result(SHIPPED, score_answers(SHIPPED, chosen), "text", False, width=80).splitlines()
    first_screen = "\n".join(lines[:40])
    assert lines[0].startswith("Start as: ")
    for heading in ("Why", "What would change it", "Next steps", "1. Next course: "):
        assert heading in first_screen
    assert lines.index(next(line for line in lines if line.startswith("Good to know"))) <= 40
