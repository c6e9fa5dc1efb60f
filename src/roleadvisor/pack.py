"""The content pack's immutable models: roles, factors, cards, questions, courses and rules.

Built by loader.py from the YAML in data/; everything else treats them as read-only, validated input.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple, Union

# An answer set: question id -> the chosen choice ids (one for a single-choice question).
ChosenAnswers = Mapping[str, tuple[str, ...]]


class Item(NamedTuple):
    """A skill, tool or project: an id and the seed's text."""

    id: str
    text: str


class Role(NamedTuple):
    id: str
    title: str
    aliases: tuple[str, ...]
    definition: str
    best_fit_when: str
    skills: tuple[Item, ...]
    tools: tuple[Item, ...]
    projects: tuple[Item, ...]


class Factor(NamedTuple):
    """One row of the side-by-side table: a name and each role's text."""

    id: str
    name: str
    values: Mapping[str, str]


class Card(NamedTuple):
    """A trade-off card from "How To Choose": the source every question weight cites."""

    id: str
    title: str
    favours: str
    bullets: tuple[str, ...]


class QuickTake(NamedTuple):
    summary: str
    main_takeaway: str
    recommended_direction: str


class Note(NamedTuple):
    """A short text with an id (the "where the confusion comes from" points)."""

    id: str
    text: str


class CareerGoal(NamedTuple):
    id: str
    goal: str
    advice: str
    role: str
    next_step: str


class FaqEntry(NamedTuple):
    id: str
    question: str
    answer: str


class Course(NamedTuple):
    """A course or a roadmap, and who it is for."""

    id: str
    title: str
    audience: str


# Conditions, as declared under `when:` in the YAML.
class AnswerIn(NamedTuple):
    """Holds when the answer to `question` includes any of `choices`."""

    question: str
    choices: tuple[str, ...]


class Recommended(NamedTuple):
    """Holds when the recommended role is `role` (course rules only)."""

    role: str


class AllOf(NamedTuple):
    conditions: tuple[Condition, ...]


class AnyOf(NamedTuple):
    conditions: tuple[Condition, ...]


class Not(NamedTuple):
    condition: Condition


Condition = Union[AnswerIn, Recommended, AllOf, AnyOf, Not]


class Weight(NamedTuple):
    """Points a choice gives a role, and the trade-off card they come from."""

    role: str
    points: int
    card: str


class Choice(NamedTuple):
    id: str
    label: str
    weights: tuple[Weight, ...]


class Question(NamedTuple):
    id: str
    prompt: str
    help: str
    multiple: bool
    min_choices: int
    max_choices: int
    when: Condition | None
    choices: tuple[Choice, ...]

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


class Rule(NamedTuple):
    """Pick `target` (a course or roadmap id) when `when` holds (always, if None)."""

    target: str
    when: Condition | None


class ConfidenceLabel(NamedTuple):
    min_confidence: float
    label: str


# eq=False: a pack compares and hashes by identity, so per-pack tables can be cached cheaply.
@dataclass(frozen=True, eq=False)
class Pack:
    source: str
    roles: tuple[Role, ...]
    factors: tuple[Factor, ...]
    quick_take: QuickTake
    cards: tuple[Card, ...]
    confusion: tuple[Note, ...]
    career_goals: tuple[CareerGoal, ...]
    faq: tuple[FaqEntry, ...]
    courses: tuple[Course, ...]
    roadmaps: tuple[Course, ...]
    course_rules: tuple[Rule, ...]
    roadmap_rules: tuple[Rule, ...]
    questions: tuple[Question, ...]
    tie_break: tuple[str, ...]
    confidence_labels: tuple[ConfidenceLabel, ...]

    @property
    def role_ids(self) -> tuple[str, ...]:
        return tuple(role.id for role in self.roles)

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    def role_named(self, name: str) -> Role | None:
        """A role by id, alias or title, ignoring case."""
        wanted = name.strip().lower()
        for role in self.roles:
            if wanted in (role.id, role.title.lower()) or wanted in role.aliases:
                return role
        return None

    def question(self, question_id: str) -> Question | None:
        for question in self.questions:
            if question.id == question_id:
                return question
        return None

    def card(self, card_id: str) -> Card | None:
        for card in self.cards:
            if card.id == card_id:
                return card
        return None

    def course(self, course_id: str) -> Course | None:
        for course in self.courses + self.roadmaps:
            if course.id == course_id:
                return course
        return None
