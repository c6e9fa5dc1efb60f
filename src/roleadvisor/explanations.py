"""Why a question is asked and what each of its choices leans toward, from the pack's weights and the cards they cite.

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
    cards = cited_cards(pack, question)
    if cards:
        why = [f"Why it is asked: each answer adds points to a role, from the source page's trade-off cards {'; '.join(cards)}."]
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


def cited_cards(pack: Pack, question: Question) -> list[str]:
    """Each card the question's weights cite, once, in order of first mention, with the role it favours."""
    card_ids = dict.fromkeys(weight.card for choice in question.choices for weight in choice.weights)
    return [f"\"{card_title(pack, card_id)}\"{favours(pack, card_id)}" for card_id in card_ids]


def choice_leaning(pack: Pack, choice: Choice) -> str:
    if not choice.weights:
        return f"{choice.label}: no points to any role"
    return f"{choice.label}: " + "; ".join(weight_text(pack, weight) for weight in choice.weights)


def weight_text(pack: Pack, weight: Weight) -> str:
    return f"{weight.points:+d} {role_title(pack, weight.role)} (card: {card_title(pack, weight.card)})"


def card_title(pack: Pack, card_id: str) -> str:
    card = pack.card(card_id)
    return card.title if card is not None else card_id


def favours(pack: Pack, card_id: str) -> str:
    card = pack.card(card_id)
    return f" (favours {role_title(pack, card.favours)})" if card is not None else ""


def role_title(pack: Pack, role_id: str) -> str:
    return next((role.title for role in pack.roles if role.id == role_id), role_id)
