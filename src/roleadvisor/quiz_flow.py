"""The order of the quiz, whatever draws it: a first pass with a back step, then a review that can change answers.

The full-screen quiz (prompts.py) and the plain one (plain_quiz.py) both walk the questions through here, each
with its own way of asking one question and of showing the review. Which questions are shown is decided by the
pack's `when` conditions through the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import NamedTuple, Union

from roleadvisor.engine import missing_questions, shown_questions
from roleadvisor.pack import ChosenAnswers, Pack, Question


class Step(Enum):
    """Replies that are not choices: go back a question, or accept the review."""

    BACK = "back"
    CONFIRM = "confirm"


Reply = Union[tuple[str, ...], Step]


class Asker(NamedTuple):
    """How one quiz asks a question (its current answer as the default; `can_go_back` says whether Back is
    offered), and how it shows the review (Step.CONFIRM, or the id of the question to change)."""

    question: Callable[[Pack, Question, ChosenAnswers, bool], Reply]
    review: Callable[[Pack, ChosenAnswers], Union[str, Step]]


def walk_quiz(pack: Pack, answers: ChosenAnswers, skip: set[str], asker: Asker) -> dict[str, tuple[str, ...]]:
    """Ask each shown question not in `skip`, then review; return the answers (hidden ones may remain)."""
    return review(pack, ask_in_order(pack, answers, skip, asker), asker)


def progress(pack: Pack, question: Question, answers: ChosenAnswers) -> str:
    """Where the question stands among those shown now, as `[2/7]`."""
    shown = shown_questions(pack, answers)
    return f"[{shown.index(question) + 1}/{len(shown)}]"


def record_answer(
    pack: Pack, answers: ChosenAnswers, question: Question, choices: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Set one answer, dropping answers to questions that the change hides."""
    shown_before = {q.id for q in shown_questions(pack, answers)}
    updated = {**answers, question.id: choices}
    hidden_now = shown_before - {q.id for q in shown_questions(pack, updated)}
    return {question_id: chosen for question_id, chosen in updated.items() if question_id not in hidden_now}


def ask_in_order(pack: Pack, answers: ChosenAnswers, skip: set[str], asker: Asker) -> dict[str, tuple[str, ...]]:
    """The first pass: each shown question not in `skip`, with a back step to the one before."""
    current = dict(answers)
    position = 0
    while True:
        to_ask = [question for question in shown_questions(pack, current) if question.id not in skip]
        if position >= len(to_ask):
            return current
        question = to_ask[position]
        reply = asker.question(pack, question, current, position > 0)
        if isinstance(reply, Step):
            position -= 1
        else:
            current = record_answer(pack, current, question, reply)
            position += 1


def ask_missing(pack: Pack, answers: ChosenAnswers, asker: Asker) -> dict[str, tuple[str, ...]]:
    """Ask the shown questions that have no answer (those a changed answer just revealed)."""
    current = dict(answers)
    while missing := missing_questions(pack, current):
        question = pack_question(pack, missing[0])
        reply = asker.question(pack, question, current, False)
        if not isinstance(reply, Step):
            current = record_answer(pack, current, question, reply)
    return current


def review(pack: Pack, answers: ChosenAnswers, asker: Asker) -> dict[str, tuple[str, ...]]:
    """List the answers; confirm them, or change one (and answer what the change reveals)."""
    current = ask_missing(pack, answers, asker)
    while True:
        picked = asker.review(pack, current)
        if isinstance(picked, Step):
            return current
        question = pack_question(pack, picked)
        reply = asker.question(pack, question, current, False)
        if not isinstance(reply, Step):
            current = ask_missing(pack, record_answer(pack, current, question, reply), asker)


def pack_question(pack: Pack, question_id: str) -> Question:
    question = pack.question(question_id)
    if question is None:
        raise KeyError(question_id)
    return question
