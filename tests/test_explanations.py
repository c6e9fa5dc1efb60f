"""What `?` says about a question: why it is asked, and where each choice leans, from the pack's weights and cards."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from roleadvisor.explanations import explain_question, rules_choosing
from roleadvisor.loader import load_pack
from roleadvisor.pack import Pack, Question
from roleadvisor.scoring import scorer_for
from strategies import answer_sets

SHIPPED = load_pack(None)


def question(pack: Pack, question_id: str) -> Question:
    found = pack.question(question_id)
    assert found is not None
    return found


def test_a_choice_leans_toward_its_role_with_its_points(pack: Pack) -> None:
    leanings = explain_question(pack, question(pack, "goal")).leanings
    assert leanings[0].startswith("A first serious AI portfolio: +3 AI Developer; ")
    assert leanings[2].startswith("Own reliable AI systems, not only demos: +3 AI Engineer; ")
    assert explain_question(pack, question(pack, "deployment")).leanings[0].count(";") == 0  # no rule reads it


def test_a_fact_is_explained_as_setting_the_build_level(pack: Pack) -> None:
    explanation = explain_question(pack, question(pack, "background"))
    assert "sets your build level" in " ".join(explanation.why)
    assert explanation.leanings[0].startswith("Student or fresher: no points to any role; start as AI Developer, as the page says:")


def test_a_choice_that_a_page_rule_reads_says_where_the_rule_starts_you(pack: Pack) -> None:
    goal = explain_question(pack, question(pack, "goal")).leanings
    assert goal[3] == (
        "I am torn between app-building and platform-building: no points to any role; start as AI Developer, as the "
        'page says: "Build a few AI applications first. If you enjoy the engineering behind reliability, system design, '
        'and deployment, move toward AI Engineer next."'
    )
    production = explain_question(pack, question(pack, "production_experience")).leanings
    assert production[0].startswith(
        'Yes, I have owned services in production: no points to any role; with "Experienced engineer (backend, '
        'platform, data or ML)" and "Own reliable AI systems, not only demos", start as AI Engineer'
    )
    assert production[1] == "Not yet: no points to any role"


def test_a_rule_that_earlier_answers_rule_out_is_left_out_for_the_one_that_decides(pack: Pack) -> None:
    goal = question(pack, "goal")
    student = explain_question(pack, goal, {"background": ("student",)}).leanings
    assert student[2] == (
        "Own reliable AI systems, not only demos: +3 AI Engineer; start as AI Developer, as the page says: "
        '"For most students and career switchers, AI Developer is the cleaner starting point."'
    )
    engineer = explain_question(pack, goal, {"background": ("experienced_engineer",), "production_experience": ("yes",)}).leanings
    assert "start as AI Engineer" in engineer[2]


@settings(max_examples=300, deadline=None)
@given(answers=answer_sets(SHIPPED))
def test_what_a_choice_says_about_the_start_holds_for_every_answer_set_with_it(answers: dict[str, tuple[str, ...]]) -> None:
    """`?` never promises a start the result then breaks: asked with the answers given before a question, every
    rule it names for the chosen choice decides the start whenever the answers it still needs are given."""
    start = SHIPPED.role_ids[scorer_for(SHIPPED).decide(answers).start]
    earlier: dict[str, tuple[str, ...]] = {}
    for question_id, chosen in answers.items():  # in quiz order
        for choice_id in chosen:
            for rule, others in rules_choosing(SHIPPED, question_id, choice_id, earlier):
                if all(set(answers.get(test.question, ())) & set(test.choices) for test in others):
                    assert start == rule.start, (question_id, choice_id, rule.id)
        earlier[question_id] = chosen


def test_a_question_no_rule_reads_says_when_the_start_is_already_set(pack: Pack) -> None:
    why = explain_question(pack, question(pack, "work_style"), {"background": ("student",), "goal": ("own_systems",)}).why
    assert why[-1] == (
        'Your start is already set: AI Developer, as the page says: "For most students and career switchers, AI Developer '
        'is the cleaner starting point." This answer moves where you aim.'
    )
    assert not explain_question(pack, question(pack, "work_style")).why[-1].startswith("Your start")


def test_the_rule_quoted_for_a_choice_is_the_one_the_report_quotes(pack: Pack) -> None:
    developer = {"background": ("software_developer",), "production_experience": ("yes",)}
    leanings = explain_question(pack, question(pack, "goal"), developer).leanings
    assert all('"Start with practical AI development' in line for line in leanings[:3])


def test_a_choice_without_weights_says_it_adds_no_points(pack: Pack) -> None:
    leanings = explain_question(pack, question(pack, "work_style")).leanings
    assert leanings[1] == "A mix of shipping and careful design: no points to any role"


def test_there_is_one_leaning_per_choice_in_the_questions_order(pack: Pack) -> None:
    interests = question(pack, "interests")
    leanings = explain_question(pack, interests).leanings
    assert [line.split(":")[0] for line in leanings] == [choice.label for choice in interests.choices]


def test_why_quotes_each_cited_sentence_once(pack: Pack) -> None:
    why = " ".join(explain_question(pack, question(pack, "model_depth")).why)
    assert why.count('"Usually application-level understanding is enough at first."') == 1
    assert '"Needs stronger understanding of serving, evaluation, tradeoffs, and system behavior under load."' in why


@pytest.mark.parametrize(("question_id", "asked_because"), [("production_experience", True), ("goal", False)])
def test_a_conditional_question_says_which_earlier_answer_shows_it(pack: Pack, question_id: str, asked_because: bool) -> None:
    why = " ".join(explain_question(pack, question(pack, question_id)).why)
    shown_by = (
        'It is asked because you answered "Which best describes where you are starting from?" with '
        "Software developer new to AI or Experienced engineer (backend, platform, data or ML)."
    )
    assert (shown_by in why) is asked_because
