"""What `?` says about a question: why it is asked, and where each choice leans, from the pack's weights and cards."""

from __future__ import annotations

import pytest

from roleadvisor.explanations import explain_question
from roleadvisor.pack import Pack, Question


def question(pack: Pack, question_id: str) -> Question:
    found = pack.question(question_id)
    assert found is not None
    return found


def test_a_choice_leans_toward_its_role_with_its_points(pack: Pack) -> None:
    leanings = explain_question(pack, question(pack, "goal")).leanings
    assert leanings[0] == "A first serious AI portfolio: +3 AI Developer"
    assert leanings[2] == "Own reliable AI systems, not only demos: +3 AI Engineer"


def test_a_fact_is_explained_as_setting_the_build_level(pack: Pack) -> None:
    explanation = explain_question(pack, question(pack, "background"))
    assert "sets your build level" in " ".join(explanation.why)
    assert explanation.leanings[0] == "Student or fresher: no points to any role"


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
