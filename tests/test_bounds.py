"""Bounds that hold for any pack: the loader refuses packs past its documented limits in one line, and every
pack it accepts is scored and checked within limits of their own, which the results name when they cut short."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roleadvisor import loader
from roleadvisor.errors import PackError
from roleadvisor.loader import load_pack
from strategies import pack_documents, write_pack_documents

Documents = dict[str, dict[str, Any]]


def questions_of(documents: Documents) -> list[dict[str, Any]]:
    return documents["questions.yaml"]["questions"]  # type: ignore[no-any-return]


def many_roles(documents: Documents, count: int) -> None:
    roles = documents["roles.yaml"]["roles"]
    roles += [{"id": f"extra{i}", "title": f"Extra {i}", "definition": "d", "best_fit_when": "b"} for i in range(count - len(roles))]


def many_questions(documents: Documents, count: int) -> None:
    questions = questions_of(documents)
    questions += [{**copy.deepcopy(questions[0]), "id": f"extra{i}"} for i in range(count - len(questions))]


def many_choices(documents: Documents, count: int) -> None:
    questions_of(documents)[0]["choices"] = [{"id": f"c{j}", "label": f"Choice {j}"} for j in range(count)]


def many_answers(documents: Documents, ticked: int) -> None:
    choices = [{"id": f"c{j}", "label": f"Choice {j}"} for j in range(20)]
    questions_of(documents).append({"id": "wide", "prompt": "Which?", "kind": "many", "min": 1, "max": ticked, "choices": choices})


def nested_condition(depth: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"question": "q0", "in": ["c0"]}
    for level in range(depth - 1):
        condition = {"not": condition} if level % 2 else {"all": [condition]}
    return condition


def deep_condition(documents: Documents, depth: int) -> None:
    questions_of(documents)[1]["when"] = nested_condition(depth)


def wide_condition(documents: Documents, tests: int) -> None:
    questions_of(documents)[1]["when"] = {"any": [{"question": "q0", "in": ["c0"]}] * tests}


def many_rules(documents: Documents, count: int) -> None:
    documents["courses.yaml"]["next_course"] = [{"course": "course", "when": {"recommended": "r0"}}] * (count - 1) + [{"course": "course"}]


def many_page_rules(documents: Documents, count: int) -> None:
    rule = {"id": "x", "when": {"question": "q0", "in": ["c0"]}, "start": "r0", "source": "card"}
    documents["questions.yaml"]["rules"] = [{**rule, "id": f"rule{i}"} for i in range(count)]


# (a change to a valid pack, the largest size the loader accepts, what the refusal says)
LIMITS: list[tuple[Callable[[Documents, int], None], int, str]] = [
    (many_roles, loader.MAX_ROLES, "roles.yaml: roles: 51 roles, over the limit of 50"),
    (many_questions, loader.MAX_QUESTIONS, "questions.yaml: questions: 61 questions, over the limit of 60"),
    (many_choices, loader.MAX_CHOICES, "questions.yaml: questions[0].choices: 41 choices, over the limit of 40"),
    (many_answers, 6, "questions.yaml: questions[4]: 137,979 valid answers (min 1, max 7 of 20 choices), over the limit of 100,000: lower max"),
    (deep_condition, loader.MAX_CONDITION_DEPTH, "questions.yaml: questions[1].when: conditions nested 11 deep, over the limit of 10"),
    (wide_condition, loader.MAX_CONDITION_TESTS, "questions.yaml: questions[1].when: 51 answer tests in one condition, over the limit of 50"),
    (many_rules, loader.MAX_RULES, "courses.yaml: next_course: 101 rules, over the limit of 100"),
    (many_page_rules, loader.MAX_RULES, "questions.yaml: rules: 101 rules, over the limit of 100"),
]
LIMIT_IDS = [change.__name__ for change, _, _ in LIMITS]


@pytest.mark.parametrize(("change", "largest", "refusal"), LIMITS, ids=LIMIT_IDS)
def test_a_pack_at_each_limit_loads(tmp_path: Path, change: Callable[[Documents, int], None], largest: int, refusal: str) -> None:
    documents = pack_documents(roles=2, questions=4)
    change(documents, largest)
    assert load_pack(write_pack_documents(tmp_path, documents)).questions


@pytest.mark.parametrize(("change", "largest", "refusal"), LIMITS, ids=LIMIT_IDS)
def test_a_pack_past_each_limit_is_refused_naming_the_limit(tmp_path: Path, change: Callable[[Documents, int], None], largest: int, refusal: str) -> None:
    documents = pack_documents(roles=2, questions=4)
    change(documents, largest + 1)
    with pytest.raises(PackError) as refused:
        load_pack(write_pack_documents(tmp_path, documents))
    assert str(refused.value) == refusal
