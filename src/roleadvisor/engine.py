"""Pure scoring: conditions, totals, confidence, reasons, what-ifs and course rules.

Every function here is a function of (pack, answers): no I/O, no printing. Answers are assumed
valid (answers.py checks them at the edge); answers to questions whose `when` does not hold are
ignored.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import NamedTuple

from roleadvisor.pack import (
    AllOf,
    AnswerIn,
    Answers,
    AnyOf,
    Condition,
    Course,
    Not,
    Pack,
    Question,
    Recommended,
    Rule,
)


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
    answers: Answers


# Conditions and visibility


def condition_holds(condition: Condition, answers: Answers, recommended: str | None = None) -> bool:
    if isinstance(condition, AnswerIn):
        chosen = answers.get(condition.question, ())
        return any(choice in chosen for choice in condition.choices)
    if isinstance(condition, Recommended):
        return recommended == condition.role
    if isinstance(condition, AllOf):
        return all(condition_holds(c, answers, recommended) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(condition_holds(c, answers, recommended) for c in condition.conditions)
    if isinstance(condition, Not):
        return not condition_holds(condition.condition, answers, recommended)
    raise TypeError(f"not a condition: {condition!r}")


def describe_condition(condition: Condition) -> str:
    """A condition as one line of text."""
    if isinstance(condition, AnswerIn):
        return f"{condition.question} in [{', '.join(condition.choices)}]"
    if isinstance(condition, Recommended):
        return f"recommended {condition.role}"
    if isinstance(condition, (AllOf, AnyOf)):
        word = "all" if isinstance(condition, AllOf) else "any"
        return f"{word} of ({'; '.join(describe_condition(part) for part in condition.conditions)})"
    if isinstance(condition, Not):
        return f"not ({describe_condition(condition.condition)})"
    raise TypeError(f"not a condition: {condition!r}")


def is_visible(question: Question, answers: Answers) -> bool:
    return question.when is None or condition_holds(question.when, answers)


def visible_answers(pack: Pack, answers: Answers) -> dict[str, tuple[str, ...]]:
    """The answers that count: those to questions shown, given the answers before them."""
    kept: dict[str, tuple[str, ...]] = {}
    for question in pack.questions:
        if question.id in answers and is_visible(question, kept):
            kept[question.id] = tuple(answers[question.id])
    return kept


def missing_questions(pack: Pack, answers: Answers) -> tuple[str, ...]:
    """Ids of questions that would be shown but have no answer, in quiz order."""
    kept: dict[str, tuple[str, ...]] = {}
    missing = []
    for question in pack.questions:
        if not is_visible(question, kept):
            continue
        if question.id in answers:
            kept[question.id] = tuple(answers[question.id])
        else:
            missing.append(question.id)
    return tuple(missing)


def shown_questions(pack: Pack, answers: Answers) -> list[Question]:
    """The questions shown for these answers, in quiz order (a `when` reads only earlier answers)."""
    kept = visible_answers(pack, answers)
    return [question for question in pack.questions if is_visible(question, kept)]


# Per-pack tables, computed once


class _Tables(NamedTuple):
    role_ids: tuple[str, ...]
    # question id -> choice id -> points per role, in role order
    vectors: Mapping[str, Mapping[str, tuple[int, ...]]]
    # role ids in tie-break order, as indexes into role_ids
    tie_order: tuple[int, ...]
    # per role index: the largest margin over the runner-up any answer set could give (>= 0)
    best_margin: tuple[int, ...]


@lru_cache(maxsize=8)
def tables(pack: Pack) -> _Tables:
    role_ids = pack.role_ids
    index = {role_id: i for i, role_id in enumerate(role_ids)}
    vectors: dict[str, dict[str, tuple[int, ...]]] = {}
    for question in pack.questions:
        per_choice = {}
        for choice in question.choices:
            points = [0] * len(role_ids)
            for weight in choice.weights:
                points[index[weight.role]] += weight.points
            per_choice[choice.id] = tuple(points)
        vectors[question.id] = per_choice
    partial = _Tables(role_ids, vectors, tuple(index[r] for r in pack.tie_break), ())
    best = tuple(max(0, _best_margin(pack, partial, i)) for i in range(len(role_ids)))
    return _Tables(role_ids, vectors, partial.tie_order, best)


def gate_question_ids(pack: Pack) -> tuple[str, ...]:
    """Questions that some `when` condition reads, in quiz order."""
    named: set[str] = set()
    for question in pack.questions:
        if question.when is not None:
            named.update(condition_questions(question.when))
    return tuple(q.id for q in pack.questions if q.id in named)


def condition_questions(condition: Condition) -> Iterator[str]:
    """The questions a condition reads."""
    return (atom.question for atom in answer_conditions(condition))


def answer_conditions(condition: Condition) -> Iterator[AnswerIn]:
    """The answer tests (question in choices) a condition is made of."""
    if isinstance(condition, AnswerIn):
        yield condition
    elif isinstance(condition, (AllOf, AnyOf)):
        for part in condition.conditions:
            yield from answer_conditions(part)
    elif isinstance(condition, Not):
        yield from answer_conditions(condition.condition)


def answer_options(question: Question) -> Iterator[tuple[str, ...]]:
    """Every valid answer to a question (each choice, or each allowed set of choices)."""
    if not question.multiple:
        for choice_id in question.choice_ids:
            yield (choice_id,)
        return
    for size in range(question.min_choices, question.max_choices + 1):
        yield from itertools.combinations(question.choice_ids, size)


def gate_assignments(pack: Pack) -> Iterator[dict[str, tuple[str, ...]]]:
    """Every combination of answers to the gate questions that are shown.

    Fixing these fixes which questions are shown, so the rest can be reasoned about one
    question at a time.
    """
    gate_ids = set(gate_question_ids(pack))
    gates = [q for q in pack.questions if q.id in gate_ids]

    def extend(position: int, assigned: dict[str, tuple[str, ...]]) -> Iterator[dict[str, tuple[str, ...]]]:
        if position == len(gates):
            yield dict(assigned)
            return
        question = gates[position]
        if not is_visible(question, assigned):
            yield from extend(position + 1, assigned)
            return
        for option in answer_options(question):
            assigned[question.id] = option
            yield from extend(position + 1, assigned)
            del assigned[question.id]

    yield from extend(0, {})


def best_gain(question: Question, vectors: Mapping[str, tuple[int, ...]], role: int, other: int) -> int:
    """The most a free answer to `question` can add to (role - other), never below what it must add."""
    gains = sorted((vector[role] - vector[other] for vector in vectors.values()), reverse=True)
    if not question.multiple:
        return gains[0] if gains else 0
    chosen = gains[: question.min_choices]
    chosen += [g for g in gains[question.min_choices : question.max_choices] if g > 0]
    return sum(chosen)


# Beyond this many combinations of gate answers, confidence uses a looser (still valid) bound.
MAX_GATE_BRANCHES = 10_000


def _best_margin(pack: Pack, t: _Tables, role: int) -> int:
    """Largest achievable (role - best other) total; exact for two roles, an upper bound beyond."""
    others = [i for i in range(len(t.role_ids)) if i != role]
    if not others:
        return 0
    branches = list(itertools.islice(gate_assignments(pack), MAX_GATE_BRANCHES + 1))
    if len(branches) > MAX_GATE_BRANCHES:
        # Treating every question as free and shown can only overstate the best margin.
        return _margin_bound(t, {}, pack.questions, role, others)
    gate_ids = set(gate_question_ids(pack))
    return max(
        _margin_bound(t, assigned, [q for q in pack.questions if q.id not in gate_ids and is_visible(q, assigned)], role, others)
        for assigned in branches
    )


def _margin_bound(t: _Tables, fixed_answers: Answers, free: Iterable[Question], role: int, others: list[int]) -> int:
    """With some answers fixed and the rest free: the most `role` can lead its closest rival by."""
    fixed = _sum_vectors(t, fixed_answers)
    free = tuple(free)
    return min(
        fixed[role] - fixed[other] + sum(best_gain(q, t.vectors[q.id], role, other) for q in free) for other in others
    )


def _sum_vectors(t: _Tables, answers: Answers) -> list[int]:
    totals = [0] * len(t.role_ids)
    for question_id, chosen in answers.items():
        per_choice = t.vectors[question_id]
        for choice_id in chosen:
            for i, points in enumerate(per_choice[choice_id]):
                totals[i] += points
    return totals


# Scoring


def score_totals(pack: Pack, answers: Answers) -> tuple[int, ...]:
    """Each role's total, in pack role order, over the visible answers."""
    t = tables(pack)
    return tuple(_sum_vectors(t, visible_answers(pack, answers)))


def pick_role(pack: Pack, totals: tuple[int, ...]) -> int:
    """Index of the highest total; exact ties go to the role earliest in the tie-break order."""
    t = tables(pack)
    top = max(totals)
    return next(i for i in t.tie_order if totals[i] == top)


def confidence_for(pack: Pack, role: int, totals: tuple[int, ...]) -> float:
    """The winning margin as a share of the largest margin the role could have; 0 for a tie."""
    t = tables(pack)
    runner_up = max((total for i, total in enumerate(totals) if i != role), default=totals[role])
    margin = totals[role] - runner_up
    if margin <= 0 or t.best_margin[role] <= 0:
        return 0.0
    return round(min(1.0, margin / t.best_margin[role]), 3)


def label_for(pack: Pack, confidence: float) -> str:
    for label in pack.confidence_labels:
        if confidence >= label.min_confidence:
            return label.label
    return pack.confidence_labels[-1].label


def first_rule(rules: tuple[Rule, ...], answers: Answers, role: str) -> str | None:
    for rule in rules:
        if rule.when is None or condition_holds(rule.when, answers, role):
            return rule.target
    return None


def _step_for(pack: Pack, rules: tuple[Rule, ...], kept: Answers, role: str) -> Course | None:
    """The course (or roadmap) the first rule that holds for these visible answers and this role names."""
    target = first_rule(rules, kept, role)
    return pack.course(target) if target else None


def contributions_for(pack: Pack, answers: Answers) -> tuple[Contribution, ...]:
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


def score_answers(pack: Pack, answers: Answers, with_what_if: bool = True) -> Result:
    """Score a complete answer set: recommendation, totals, reasons, what-ifs and courses."""
    kept = visible_answers(pack, answers)
    totals = score_totals(pack, kept)
    winner = pick_role(pack, totals)
    role = pack.roles[winner]
    confidence = confidence_for(pack, winner, totals)
    contributions = contributions_for(pack, kept)
    order = {q.id: i for i, q in enumerate(pack.questions)}
    reasons = tuple(
        sorted(
            (c for c in contributions if c.role == role.id and c.points > 0),
            key=lambda c: (-c.points, order[c.question]),
        )
    )
    return Result(
        recommendation=Recommendation(role.id, role.title, confidence, label_for(pack, confidence)),
        scores=dict(zip(pack.role_ids, totals, strict=True)),
        contributions=contributions,
        reasons=reasons,
        what_if=flip_candidates(pack, kept, role.id) if with_what_if else (),
        next_course=_step_for(pack, pack.course_rules, kept, role.id),
        roadmap=_step_for(pack, pack.roadmap_rules, kept, role.id),
        answers=kept,
    )


def recommended_role(pack: Pack, answers: Answers) -> str:
    return pack.role_ids[pick_role(pack, score_totals(pack, answers))]


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


def flip_candidates(pack: Pack, answers: Answers, role: str) -> tuple[WhatIf, ...]:
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
