"""Conditions (`when:` in the pack): evaluate, compile, describe, and which questions they read.

A condition is data (pack.AnswerIn, Recommended, Target, AllOf, AnyOf, Not). `compile_condition` turns one
into a closure (the scorer compiles each once per pack); `holds` evaluates one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import NamedTuple, Optional, Union

# An answer set: question id -> the chosen choice ids (one for a single-choice question).
ChosenAnswers = Mapping[str, tuple[str, ...]]


# Conditions, as declared under `when:` in the YAML.
class AnswerIn(NamedTuple):
    """Holds when the answer to `question` includes any of `choices`."""

    question: str
    choices: tuple[str, ...]


class Recommended(NamedTuple):
    """Holds when the role to start in is `role` (course and roadmap rules only)."""

    role: str


class Target(NamedTuple):
    """Holds when the role to aim for is `role` (course and roadmap rules only)."""

    role: str


class AllOf(NamedTuple):
    conditions: tuple[Condition, ...]


class AnyOf(NamedTuple):
    conditions: tuple[Condition, ...]


class Not(NamedTuple):
    condition: Condition


Condition = Union[AnswerIn, Recommended, Target, AllOf, AnyOf, Not]


# A compiled condition: (answers, role to start in, role to aim for) -> holds; the roles are None before scoring.
Test = Callable[[ChosenAnswers, Optional[str], Optional[str]], bool]


def holds(condition: Condition, answers: ChosenAnswers, start: str | None = None, target: str | None = None) -> bool:
    """Whether `condition` holds for these answers (and these roles, for course and roadmap rules)."""
    return compile_condition(condition)(answers, start, target)


def compile_condition(condition: Condition) -> Test:
    """A condition as a closure over (answers, start, target). (Not cached by value: Target("x") and
    Recommended("x") are equal tuples.)"""
    if isinstance(condition, AnswerIn):
        question, wanted = condition.question, frozenset(condition.choices)
        return lambda answers, start, target: not wanted.isdisjoint(answers.get(question, ()))
    if isinstance(condition, Recommended):
        expected = condition.role
        return lambda answers, start, target: start == expected
    if isinstance(condition, Target):
        aimed = condition.role
        return lambda answers, start, target: target == aimed
    if isinstance(condition, Not):
        inner = compile_condition(condition.condition)
        return lambda answers, start, target: not inner(answers, start, target)
    if isinstance(condition, (AllOf, AnyOf)):
        return _compile_group(tuple(compile_condition(c) for c in condition.conditions), isinstance(condition, AllOf))
    raise TypeError(f"not a condition: {condition!r}")


def _compile_group(parts: tuple[Test, ...], every: bool) -> Test:
    # Loops rather than all()/any() over a generator: no generator object per call (batch calls these per row).
    if every:

        def all_hold(answers: ChosenAnswers, start: str | None, target: str | None) -> bool:
            for part in parts:
                if not part(answers, start, target):
                    return False
            return True

        return all_hold

    def any_holds(answers: ChosenAnswers, start: str | None, target: str | None) -> bool:
        for part in parts:
            if part(answers, start, target):
                return True
        return False

    return any_holds


def describe(condition: Condition) -> str:
    """A condition as one line of text."""
    if isinstance(condition, AnswerIn):
        return f"{condition.question} in [{', '.join(condition.choices)}]"
    if isinstance(condition, Recommended):
        return f"recommended {condition.role}"
    if isinstance(condition, Target):
        return f"target {condition.role}"
    if isinstance(condition, (AllOf, AnyOf)):
        word = "all" if isinstance(condition, AllOf) else "any"
        return f"{word} of ({'; '.join(describe(part) for part in condition.conditions)})"
    if isinstance(condition, Not):
        return f"not ({describe(condition.condition)})"
    raise TypeError(f"not a condition: {condition!r}")


def answer_tests(condition: Condition) -> Iterator[AnswerIn]:
    """The answer tests (question in choices) a condition is made of."""
    if isinstance(condition, AnswerIn):
        yield condition
    elif isinstance(condition, (AllOf, AnyOf)):
        for part in condition.conditions:
            yield from answer_tests(part)
    elif isinstance(condition, Not):
        yield from answer_tests(condition.condition)


def questions_read(condition: Condition) -> Iterator[str]:
    """The questions a condition reads."""
    return (test.question for test in answer_tests(condition))


# Which questions an answer set shows


def walk_shown(tests: Iterable[tuple[str, Test | None]], answers: ChosenAnswers) -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """Walk the questions in quiz order (id, compiled `when` or None): the answers to those shown, and the ids of
    those shown but unanswered. A `when` reads only earlier answers, so one pass decides both."""
    shown: dict[str, tuple[str, ...]] = {}
    missing = []
    for question_id, when in tests:
        if when is not None and not when(shown, None, None):
            continue
        if question_id in answers:
            shown[question_id] = tuple(answers[question_id])
        else:
            missing.append(question_id)
    return shown, tuple(missing)
