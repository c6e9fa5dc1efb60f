"""Why a question is asked and what each of its choices leans toward, from the pack's weights, the page's rules that
read the choice, and the sentences of the page they cite.

One pure function of (pack, question), so that `?` says the same words in the full-screen and the plain quiz.
"""

from __future__ import annotations

from typing import NamedTuple

from roleadvisor.conditions import AllOf, ChosenAnswers, describe, holds
from roleadvisor.pack import AdviceRule, AnswerIn, Choice, Condition, Pack, Question, Weight


class Explanation(NamedTuple):
    """Lines on why the question is asked, and one line per choice (in the question's order) on where it leans."""

    why: tuple[str, ...]
    leanings: tuple[str, ...]


def explain_question(pack: Pack, question: Question, answers: ChosenAnswers | None = None) -> Explanation:
    """`?` for a question, given the `answers` so far: why it is asked, and where each choice leans, with the page's
    rules that choice brings in for this learner."""
    given = {q: chosen for q, chosen in (answers or {}).items() if q != question.id}
    sources = cited_sources(pack, question)
    if question.fact:
        why = ["Why it is asked: it is a fact about where you start. It sets your build level, which decides the course "
               "that fits first and, through the page's rules, where some learners start; it adds no points to any role."]
    elif sources:
        why = [f"Why it is asked: each answer adds points toward a role, as the source page says: {'; '.join(sources)}."]
    else:
        why = ["Why it is asked: the pack's rules (courses, later questions) read its answer; it adds no points to any role."]
    if question.when is not None:
        why.append(f"It is asked because {asked_when(pack, question.when)}.")
    if not any(test.question == question.id for rule in pack.advice_rules for test in _answer_tests(rule) or ()):
        decided = rules_choosing(pack, question.id, question.choices[0].id, given)
        if decided and not decided[-1][1]:  # a rule that reads no answer of this question already decides
            rule = decided[-1][0]
            why.append(
                f"Your start is already set: {role_title(pack, rule.start)}, as the page says: \"{source_text(pack, rule.source)}\" "
                "This answer moves where you aim."
            )
        return Explanation(tuple(why), tuple(choice_leaning(pack, choice, []) for choice in question.choices))
    leanings = tuple(choice_leaning(pack, choice, rules_choosing(pack, question.id, choice.id, given)) for choice in question.choices)
    return Explanation(tuple(why), leanings)


def asked_when(pack: Pack, condition: Condition) -> str:
    """A `when` condition in words; one on a single earlier answer names the question and choices by label."""
    if not isinstance(condition, AnswerIn) or (earlier := pack.question(condition.question)) is None:
        return describe(condition)
    labels = [choice.label for choice in earlier.choices if choice.id in condition.choices]
    return f"you answered \"{earlier.prompt}\" with {' or '.join(labels)}"


def cited_sources(pack: Pack, question: Question) -> list[str]:
    """Each sentence the question's weights cite, once, in order of first mention."""
    source_ids = dict.fromkeys(weight.source for choice in question.choices for weight in choice.weights)
    return [f"\"{source_text(pack, source_id)}\"" for source_id in source_ids]


def choice_leaning(pack: Pack, choice: Choice, rules: list[tuple[AdviceRule, list[AnswerIn]]]) -> str:
    """Where a choice leans: its points, then the page's rules it brings in (see rules_choosing)."""
    points = "; ".join(weight_text(pack, weight) for weight in choice.weights) or "no points to any role"
    return f"{choice.label}: " + "; ".join([points, *(rule_text(pack, rule, others) for rule, others in rules)])


def rules_choosing(
    pack: Pack, question_id: str, choice_id: str, answers: ChosenAnswers | None = None
) -> list[tuple[AdviceRule, list[AnswerIn]]]:
    """The page's rules this choice brings in, given the `answers` so far, in the order they are tried: each rule
    that reads this question and still may hold, with the answers it needs that are not given yet; last, the rule
    that then decides for certain, if one does (whatever question it reads). Earlier rules that start and aim as
    the deciding one are left out: they say nothing new. Rules that are not answer tests are passed over."""
    known = {**(answers or {}), question_id: (choice_id,)}
    found: list[tuple[AdviceRule, list[AnswerIn]]] = []
    for rule in pack.advice_rules:
        tests = _answer_tests(rule)
        if tests is None or not all(holds(test, known) for test in tests if test.question in known):
            continue
        needed = [test for test in tests if test.question not in known]
        if not needed:
            return [(earlier, others) for earlier, others in found if (earlier.start, earlier.target) != (rule.start, rule.target)] + [(rule, [])]
        if any(test.question == question_id for test in tests):
            found.append((rule, needed))
    return found


def _answer_tests(rule: AdviceRule) -> list[AnswerIn] | None:
    """A rule's condition as the answer tests that must all hold; None for any other shape."""
    tests = list(rule.when.conditions) if isinstance(rule.when, AllOf) else [rule.when]
    answer_tests = [test for test in tests if isinstance(test, AnswerIn)]
    return answer_tests if len(answer_tests) == len(tests) else None


def rule_text(pack: Pack, rule: AdviceRule, others: list[AnswerIn]) -> str:
    with_others = f"with {' and '.join(answer_labels(pack, test) for test in others)}, " if others else ""
    aim = f", aiming for {role_title(pack, rule.target)}" if rule.target and rule.target != rule.start else ""
    return f"{with_others}start as {role_title(pack, rule.start)}{aim}, as the page says: \"{source_text(pack, rule.source)}\""


def answer_labels(pack: Pack, test: AnswerIn) -> str:
    """An answer test in words: the choices' labels (the question's prompt is implied by them)."""
    question = pack.question(test.question)
    if question is None:
        return describe(test)
    return " or ".join(f"\"{choice.label}\"" for choice in question.choices if choice.id in test.choices)


def weight_text(pack: Pack, weight: Weight) -> str:
    return f"{weight.points:+d} {role_title(pack, weight.role)}"


def source_text(pack: Pack, source_id: str) -> str:
    source = pack.source_named(source_id)
    return source.text if source is not None else source_id


def role_title(pack: Pack, role_id: str) -> str:
    return next((role.title for role in pack.roles if role.id == role_id), role_id)
