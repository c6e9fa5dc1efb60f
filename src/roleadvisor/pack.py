"""The content pack's immutable models: roles, factors, cards, questions, courses and rules.

Built by loader.py from the YAML in data/; everything else treats them as read-only, validated input.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from roleadvisor.conditions import (  # the condition models live with their evaluation; re-exported here
    AllOf,
    AnswerIn,
    AnyOf,
    ChosenAnswers,
    Condition,
    Not,
    Recommended,
    Target,
    compile_condition,
    walk_shown,
)
from roleadvisor.errors import AnswerError
from roleadvisor.safe_text import printable

__all__ = ["AllOf", "AnswerIn", "AnyOf", "ChosenAnswers", "Condition", "Not", "Recommended", "Target"]



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
    """A trade-off card from "How To Choose" (its title is also a source weights and rules may cite)."""

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


class Source(NamedTuple):
    """A sentence of the source page that advice cites: where on the page it is, and its exact words."""

    id: str
    section: str
    text: str


class Course(NamedTuple):
    """A course or a roadmap, and who it is for."""

    id: str
    title: str
    audience: str


class Weight(NamedTuple):
    """Points a choice gives a role, and the source sentence they come from."""

    role: str
    points: int
    source: str


class Choice(NamedTuple):
    id: str
    label: str
    weights: tuple[Weight, ...]
    # For a fact: how a what-if says it ("once you have run software in production"); empty when the
    # learner cannot become this later, so no what-if suggests it.
    once: str = ""


class Question(NamedTuple):
    id: str
    prompt: str
    help: str
    multiple: bool
    min_choices: int
    max_choices: int
    when: Condition | None
    choices: tuple[Choice, ...]
    # A fact about the learner (background, experience) sets the build level; any other answer is a wish
    # that says where the learner is pulled.
    fact: bool = False

    def choice(self, choice_id: str) -> Choice | None:
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        return None

    @property
    def choice_ids(self) -> tuple[str, ...]:
        return tuple(choice.id for choice in self.choices)


class Rule(NamedTuple):
    """Pick `course` (a course or roadmap id) when `when` holds (always, if None), citing `source`."""

    course: str
    when: Condition | None
    source: str = ""


class AdviceRule(NamedTuple):
    """One of the page's own rules: when `when` holds, start in `start` (and aim for `target`, if given),
    whatever the weights say. Tried in order before the weights; the first that holds decides. `aim_source` is
    the rule's own sentence on moving on later, cited when the learner aims elsewhere."""

    id: str
    when: Condition
    start: str
    target: str | None
    source: str
    aim_source: str | None = None  # the sentence cited when the aim differs from the start (else advice_notes')


class AdviceNotes(NamedTuple):
    """Source ids of the page's guidance the report adds where it fits (empty: not added)."""

    later_target: str = ""  # start and target differ
    close_call: str = ""  # the weights barely lean either way
    project_led_start: str = ""  # starting as the first role in the tie-break order
    compare_scope: str = ""  # job titles vary, so compare scope


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
    sources: tuple[Source, ...] = ()
    advice_rules: tuple[AdviceRule, ...] = ()
    advice_notes: AdviceNotes = AdviceNotes()

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

    def source_named(self, source_id: str) -> Source | None:
        for source in self.sources:
            if source.id == source_id:
                return source
        return None

    def validated(self, raw: Mapping[str, object], source: str) -> dict[str, tuple[str, ...]]:
        """Check every question id and choice (AnswerError names what is wrong, and where: `source`); questions
        left unanswered are simply absent."""
        result: dict[str, tuple[str, ...]] = {}
        for question_id, value in raw.items():
            question = self.question(question_id)
            if question is None:
                known = ", ".join(q.id for q in self.questions)
                raise AnswerError(f"{source}: unknown question {printable(question_id, quote=True)} (questions: {known})")
            result[question_id] = check_answer(question, as_choices(value, f"{source}: {question_id}"), source)
        return result

    def answers(self, mapping: Mapping[str, object]) -> Answers:
        """Validate and normalise answers (question id -> a choice id, choice ids separated by ';' or a list of
        them): AnswerError names an unknown question, an invalid answer (with the valid choices) or the questions
        the answers show but leave unanswered. Answers to questions not shown are left out."""
        if not isinstance(mapping, Mapping):
            raise AnswerError(f"answers: expected a mapping of question id -> answer, got {type(mapping).__name__}")
        # As in a row: None and NaN are unanswered, and a text may list choices separated by ';'.
        given = {q: split_choices(v, ";") if isinstance(v, str) else v for q, v in mapping.items() if not is_missing(v)}
        chosen = self.validated({q: v for q, v in given.items() if v != ()}, "answers")
        tests = [(q.id, compile_condition(q.when) if q.when is not None else None) for q in self.questions]
        shown, missing = walk_shown(tests, chosen)
        if missing:
            first = self.question(missing[0])
            assert first is not None
            named = ", ".join(f"'{question_id}'" for question_id in missing)
            raise AnswerError(f"answers: missing answer for {named} (choices for '{first.id}': {', '.join(first.choice_ids)})")
        return Answers(shown)

    def course(self, course_id: str) -> Course | None:
        for course in self.courses + self.roadmaps:
            if course.id == course_id:
                return course
        return None


# Answers: what a valid answer to a question is, and a complete answer set


def is_missing(value: object) -> bool:
    """None, or NaN (pandas' empty cell: a float that equals nothing, itself included)."""
    return value is None or (isinstance(value, float) and value != value)


def split_choices(value: str, separator: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(separator) if part.strip())


def as_choices(value: object, where: str) -> tuple[str, ...]:
    # YAML 1.1 reads an unquoted yes/no as a boolean; the choices are spelled "yes"/"no".
    if isinstance(value, bool):
        return ("yes" if value else "no",)
    if isinstance(value, str):
        return (value.strip(),)
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(item, (str, bool)) for item in value):
        return tuple(c for item in value for c in as_choices(item, where))
    raise AnswerError(f"{where}: expected a choice id or a list of choice ids")


def check_answer(question: Question, choices: tuple[str, ...], where: str) -> tuple[str, ...]:
    """Validate one answer, read as a set of choices (order and repeats do not matter); return it in the
    question's choice order. A choice may be written as its id or its label, in any letter case."""
    valid = question.choice_ids
    choices = tuple(choice if choice in valid else _choice_named(question, choice, where) for choice in choices)
    count = len(set(choices))
    if not question.multiple and count != 1:
        raise AnswerError(f"{where}: '{question.id}' takes exactly one choice (choices: {', '.join(valid)})")
    if question.multiple and not question.min_choices <= count <= question.max_choices:
        raise AnswerError(
            f"{where}: '{question.id}' takes {question.min_choices} to {question.max_choices} choices, got {count}"
        )
    return tuple(c for c in valid if c in choices)


def choice_spelled(question: Question, text: str) -> str | None:
    """The id of the choice `text` names by its id or its label, in any letter case or spacing (as a form's export
    writes it: `Student or fresher`, `UNDECIDED`); None if it names none."""
    wanted = " ".join(text.split()).casefold()
    for choice in question.choices:
        if wanted in (choice.id.casefold(), " ".join(choice.label.split()).casefold()):
            return choice.id
    return None


def _choice_named(question: Question, text: str, where: str) -> str:
    """choice_spelled, or AnswerError naming the valid ids."""
    choice_id = choice_spelled(question, text)
    if choice_id is None:
        choice_ids = ", ".join(question.choice_ids)
        raise AnswerError(f"{where}: unknown choice {printable(text, quote=True)} for '{question.id}' (choices: {choice_ids})")
    return choice_id


class Answers(Mapping[str, tuple[str, ...]]):
    """A complete, valid answer set for one pack (made by `pack.answers(...)`): question id -> the chosen choice
    ids, a multi-choice in the pack's order, for exactly the questions these answers show, in quiz order."""

    __slots__ = ("_chosen",)

    def __init__(self, chosen: Mapping[str, tuple[str, ...]]) -> None:
        self._chosen = dict(chosen)

    def __getitem__(self, question_id: str) -> tuple[str, ...]:
        return self._chosen[question_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._chosen)

    def __len__(self) -> int:
        return len(self._chosen)

    def __repr__(self) -> str:
        return f"Answers({self._chosen!r})"
