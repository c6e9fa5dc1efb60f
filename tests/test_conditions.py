"""Conditions: evaluated, compiled and described the same way everywhere."""

from __future__ import annotations

import pytest

from roleadvisor.conditions import compile_condition, describe, holds, questions_read
from roleadvisor.pack import AllOf, AnswerIn, AnyOf, Not, Recommended, Target


def answers(**chosen: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {q: (c,) if isinstance(c, str) else c for q, c in chosen.items()}


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (AnswerIn("goal", ("own_systems", "undecided")), True),
        (AnswerIn("goal", ("first_portfolio",)), False),
        (AnswerIn("interests", ("evaluation",)), True),
        (Not(AnswerIn("goal", ("undecided",))), False),
        (AllOf((AnswerIn("goal", ("undecided",)), Recommended("engineer"))), True),
        (AnyOf((AnswerIn("goal", ("own_systems",)), Recommended("developer"))), False),
        (AnswerIn("production_experience", ("yes",)), False),
    ],
)
def test_condition_holds_for_answers_and_recommended_role(condition, expected) -> None:
    chosen = answers(goal="undecided", interests=("rag_apps", "evaluation"))
    assert holds(condition, chosen, start="engineer") is expected
    assert compile_condition(condition)(chosen, "engineer", None) is expected


def test_target_holds_for_the_role_to_aim_for_only() -> None:
    assert holds(Target("engineer"), {}, start="developer", target="engineer")
    assert not holds(Target("engineer"), {}, start="engineer", target="developer")


def test_a_condition_reads_every_question_it_names_once_per_test() -> None:
    condition = AllOf((AnswerIn("goal", ("undecided",)), Not(AnyOf((AnswerIn("background", ("student",)), Recommended("engineer"))))))
    assert list(questions_read(condition)) == ["goal", "background"]


def test_a_condition_is_described_on_one_line() -> None:
    condition = AllOf((AnswerIn("goal", ("undecided",)), Not(Recommended("engineer"))))
    assert describe(condition) == "all of (goal in [undecided]; not (recommended engineer))"
