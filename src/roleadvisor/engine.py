"""Pure scoring: conditions, totals, confidence, reasons, what-ifs and course rules.

Every function here is a function of (pack, answers): no I/O, no printing. ChosenAnswers are assumed
valid (answers.py checks them at the edge); answers to questions whose `when` does not hold are
ignored.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from roleadvisor.pack import ChosenAnswers, Course, Pack, Question
from roleadvisor.scoring import answer_options, scorer_for


class Recommendation(NamedTuple):
    role: str
    title: str
    confidence: float
    label: str


class Contribution(NamedTuple):
    """Points one answer gives one role, and the card they come from."""

    question: str
    choice: str
    role: str
    points: int
    card: str


class WhatIf(NamedTuple):
    """A single-answer change that would flip the recommendation to `role`.

    `assumes` holds answers for questions the change would reveal (never asked so far).
    """

    question: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    role: str
    assumes: Mapping[str, tuple[str, ...]]


class Result(NamedTuple):
    recommendation: Recommendation
    scores: Mapping[str, int]
    contributions: tuple[Contribution, ...]
    reasons: tuple[Contribution, ...]
    what_if: tuple[WhatIf, ...]
    next_course: Course | None
    roadmap: Course | None
    answers: ChosenAnswers


# Visibility, through the pack's scorer


def visible_answers(pack: Pack, answers: ChosenAnswers) -> dict[str, tuple[str, ...]]:
    """The answers that count: those to questions shown, given the answers before them."""
    return scorer_for(pack).shown_answers(answers)


def missing_questions(pack: Pack, answers: ChosenAnswers) -> tuple[str, ...]:
    """Ids of questions that would be shown but have no answer, in quiz order."""
    return scorer_for(pack).missing(answers)


def shown_questions(pack: Pack, answers: ChosenAnswers) -> list[Question]:
    """The questions shown for these answers, in quiz order (a `when` reads only earlier answers)."""
    return scorer_for(pack).shown_questions(answers)


def contributions_for(pack: Pack, answers: ChosenAnswers) -> tuple[Contribution, ...]:
    """Every non-zero weight the visible answers carry, in quiz order."""
    result = []
    for question in pack.questions:
        for choice_id in answers.get(question.id, ()):
            choice = question.choice(choice_id)
            if choice is None:
                continue
            for weight in choice.weights:
                if weight.points:
                    result.append(Contribution(question.id, choice_id, weight.role, weight.points, weight.card))
    return tuple(result)


def score_answers(pack: Pack, answers: ChosenAnswers, with_what_if: bool = True) -> Result:
    """Score a complete answer set: recommendation, totals, reasons, what-ifs and courses."""
    scorer = scorer_for(pack)
    kept = scorer.shown_answers(answers)
    outcome = scorer.decide(kept)
    role = pack.roles[outcome.winner]
    contributions = contributions_for(pack, kept)
    order = {q.id: i for i, q in enumerate(pack.questions)}
    reasons = tuple(
        sorted(
            (c for c in contributions if c.role == role.id and c.points > 0),
            key=lambda c: (-c.points, order[c.question]),
        )
    )
    return Result(
        recommendation=Recommendation(role.id, role.title, outcome.confidence, outcome.label),
        scores=dict(zip(pack.role_ids, outcome.totals, strict=True)),
        contributions=contributions,
        reasons=reasons,
        what_if=flip_candidates(pack, kept, role.id) if with_what_if else (),
        next_course=pack.course(outcome.course) if outcome.course else None,
        roadmap=pack.course(outcome.roadmap) if outcome.roadmap else None,
        answers=kept,
    )


def score_totals(pack: Pack, answers: ChosenAnswers) -> tuple[int, ...]:
    """Each role's total, in pack role order, over the visible answers."""
    scorer = scorer_for(pack)
    return scorer.totals(scorer.shown_answers(answers))


def recommended_role(pack: Pack, answers: ChosenAnswers) -> str:
    scorer = scorer_for(pack)
    return pack.role_ids[scorer.pick(scorer.totals(scorer.shown_answers(answers)))]


# What-ifs


def alternative_answers(question: Question, current: tuple[str, ...]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """Single-answer changes, each with its size: pick another choice, or add, drop or swap one."""
    if not question.multiple:
        for choice_id in question.choice_ids:
            if (choice_id,) != current:
                yield 1, (choice_id,)
        return
    chosen = set(current)

    def ordered(ids: set[str]) -> tuple[str, ...]:
        return tuple(c for c in question.choice_ids if c in ids)

    unchosen = [c for c in question.choice_ids if c not in chosen]
    if len(current) < question.max_choices:
        for added in unchosen:
            yield 1, ordered(chosen | {added})
    if len(current) > question.min_choices:
        for dropped in current:
            yield 1, ordered(chosen - {dropped})
    for dropped in current:
        for added in unchosen:
            yield 2, ordered((chosen - {dropped}) | {added})


def flip_candidates(pack: Pack, answers: ChosenAnswers, role: str) -> tuple[WhatIf, ...]:
    """Single-answer changes that would change the recommendation, smallest change first.

    Where a change reveals a question never asked, the first answer to it (in choice order)
    that makes the flip happen is assumed and named.
    """
    found: list[tuple[int, int, int, WhatIf]] = []
    for q_index, question in enumerate(pack.questions):
        current = answers.get(question.id)
        if current is None:
            continue
        for c_index, (size, alternative) in enumerate(alternative_answers(question, current)):
            changed = dict(answers)
            changed[question.id] = alternative
            flip = _flip_with_revealed(pack, changed, role)
            if flip is not None:
                new_role, assumed = flip
                found.append((size, q_index, c_index, WhatIf(question.id, current, alternative, new_role, assumed)))
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found)


def _flip_with_revealed(pack: Pack, changed: dict[str, tuple[str, ...]], role: str) -> tuple[str, dict[str, tuple[str, ...]]] | None:
    missing = set(missing_questions(pack, changed))
    revealed = [q for q in pack.questions if q.id in missing]
    for combination in itertools.product(*(list(answer_options(q)) for q in revealed)):
        assumed = {q.id: option for q, option in zip(revealed, combination, strict=True)}
        completed = {**changed, **assumed}
        # An assumed answer can reveal yet another question; such chains are not what-ifs of one change.
        if missing_questions(pack, completed):
            continue
        new_role = recommended_role(pack, completed)
        if new_role != role:
            return new_role, assumed
    return None
