"""Why a question is asked and what each of its choices leans toward, from the pack's weights and the sentences of
the page they cite.

One pure function of (pack, question), so that `?` says the same words in the full-screen and the plain quiz.
"""

from __future__ import annotations

from typing import NamedTuple

from roleadvisor.conditions import describe
from roleadvisor.pack import AnswerIn, Choice, Condition, Pack, Question, Weight


class Explanation(NamedTuple):
    """Lines on why the question is asked, and one line per choice (in the question's order) on where it leans."""

    why: tuple[str, ...]
    leanings: tuple[str, ...]


def explain_question(pack: Pack, question: Question) -> Explanation:
    sources = cited_sources(pack, question)
    if question.fact:
        why = ["Why it is asked: it is a fact about where you start. It sets your build level (which course fits, and "
               "whether AI Engineer can be your starting role) and adds no points to any role."]
    elif sources:
        why = [f"Why it is asked: each answer adds points toward a role, as the source page says: {'; '.join(sources)}."]
    else:
        why = ["Why it is asked: the pack's rules (courses, later questions) read its answer; it adds no points to any role."]
    if question.when is not None:
        why.append(f"It is asked because {asked_when(pack, question.when)}.")
    return Explanation(tuple(why), tuple(choice_leaning(pack, choice) for choice in question.choices))


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


def choice_leaning(pack: Pack, choice: Choice) -> str:
    if not choice.weights:
        return f"{choice.label}: no points to any role"
    return f"{choice.label}: " + "; ".join(weight_text(pack, weight) for weight in choice.weights)


def weight_text(pack: Pack, weight: Weight) -> str:
    return f"{weight.points:+d} {role_title(pack, weight.role)}"


def source_text(pack: Pack, source_id: str) -> str:
    source = pack.source_named(source_id)
    return source.text if source is not None else source_id


def role_title(pack: Pack, role_id: str) -> str:
    return next((role.title for role in pack.roles if role.id == role_id), role_id)
