"""The compiled scorer: a pack's scoring tables and rules, built once, run by the quiz, batch, check and the API.

`scorer_for(pack)` compiles a pack into a `Scorer`: per question, each valid answer (a set of choices)
with the points it gives each role; each `when`, advice rule and course rule as a closure. Every decision
the tool reports is made here, once, for everyone:

1. the page's own rules (`rules:` in questions.yaml), tried in order: the first that holds fixes the role to
   start in (and, if it says so, the role to aim for), whatever the weights say;
2. the weights decide what the rules leave open: the highest total is where the learner is pulled (an exact
   tie goes to the first role in the tie-break order), and its margin is the strength of that pull, on one
   scale for every role;
3. the course and roadmap rules (courses.yaml) pick the next steps from the answers and both roles.

No I/O, no printing.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple, Optional

from roleadvisor.conditions import ChosenAnswers, Test, compile_condition, questions_read, walk_shown
from roleadvisor.errors import AnswerError
from roleadvisor.pack import AdviceRule, Pack, Question, Rule, as_choices, check_answer, is_missing, split_choices

# A question's table remembers at most this many valid answers, as they are met; others are checked and summed
# each time. Filled on demand, so compiling costs nothing per answer (a multi-choice question may have 100,000).
MAX_TABLE_SIZE = 1_024
class ValidAnswer(NamedTuple):
    """A validated answer: its choices in question order, the points it gives each role, and those points
    folded into one number (see Scorer.fold)."""

    choices: tuple[str, ...]
    points: tuple[int, ...]
    folded: int


class CompiledQuestion(NamedTuple):
    """One question, compiled: when it is shown and what each valid answer is worth."""

    question: Question
    shown: Test | None
    answers: dict[frozenset[str], ValidAnswer]  # the valid answers met so far (at most MAX_TABLE_SIZE)
    read_by_conditions: bool  # a `when` or a course rule reads this question's answer


class Outcome(NamedTuple):
    """What a complete answer set decides. Roles are indexes into the pack's roles.

    `start` is the role to start in, `target` the role to aim for; `pull` is where the weights lean, with
    `confidence` (the strength of that lean, 0 to 1, the same scale for every role) and its `label`; `rule` is
    the page's rule that fixed the start, if one did; `course` and `roadmap` are the rules that picked them.
    """

    start: int
    target: int
    pull: int
    rule: AdviceRule | None
    totals: tuple[int, ...]
    confidence: float
    label: str
    course: Rule | None
    roadmap: Rule | None

    @property
    def course_id(self) -> str | None:
        return self.course.course if self.course else None

    @property
    def roadmap_id(self) -> str | None:
        return self.roadmap.course if self.roadmap else None


class RowScore(NamedTuple):
    """One row of raw answers, scored: its outcome, or why it has none.

    `problems` name each answer that cannot be used; `missing` the shown questions left unanswered; `ignored` is
    true when the row answers a question its other answers do not ask (that answer does not count).
    """

    outcome: Outcome | None
    problems: tuple[str, ...]
    missing: tuple[str, ...]
    ignored: bool


class _Context(NamedTuple):
    """What a row's answers to the conditional questions fix, for the fast path: the answers conditions read,
    their points (also folded, see Scorer.fold), whether one of them answers a question not shown, and the row
    scores met so far by folded totals."""

    read: dict[str, tuple[str, ...]]
    points: tuple[int, ...]
    folded: int
    ignored: bool
    scores: dict[int, RowScore]


CompiledRules = tuple[tuple[Optional[Test], Rule], ...]
# Choices in one text cell (a CSV cell, a string in a row mapping) are separated by this.
MULTI_SEPARATOR = ";"
# Distinct texts remembered per question, so that a column's usual spellings are validated once.
MAX_REMEMBERED_TEXTS = 4_096
# Contexts (see Scorer._context) remembered per scorer: one per spelling of the conditional questions' answers.
MAX_REMEMBERED_CONTEXTS = 4_096
# Outcomes remembered per scorer (bounded: a pack with many roles has many distinct totals).
MAX_REMEMBERED_OUTCOMES = 65_536


class Scorer:
    """A pack made ready for scoring: lookup tables and condition closures, built once per pack."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.role_ids = pack.role_ids
        self.vectors = _choice_vectors(pack)
        self.zero_points = (0,) * len(self.role_ids)
        self._fold_powers = _fold_powers(self.vectors, len(self.role_ids))
        self.tie_order = tuple(self.role_ids.index(role) for role in pack.tie_break)
        read = set(_questions_read_by_conditions(pack))
        self.questions = tuple(self._compile_question(q, q.id in read) for q in pack.questions)
        self.by_id = {compiled.question.id: compiled for compiled in self.questions}
        self._visibility = tuple((c.question.id, c.shown) for c in self.questions)
        self.course_rules = _compile_rules(pack.course_rules)
        self.roadmap_rules = _compile_rules(pack.roadmap_rules)
        self.advice_rules = tuple((compile_condition(rule.when), rule) for rule in pack.advice_rules)
        self.scale = strength_scale(self)
        self.question_ids = tuple(q.id for q in pack.questions)
        self._texts: dict[str, dict[str, ValidAnswer]] = {q.id: {} for q in pack.questions}
        # The fast path's plans (see score_known), by position in question order.
        conditional = [i for i, c in enumerate(self.questions) if c.shown is not None or c.read_by_conditions]
        self._conditional_plan = tuple(
            (i, self.question_ids[i], self.questions[i].shown, self._texts[self.question_ids[i]]) for i in conditional
        )
        self._conditional_values = values_at(conditional)
        self._free_plan = tuple((i, self._texts[q]) for i, q in enumerate(self.question_ids) if i not in conditional)
        self._contexts: dict[tuple[object, ...], _Context] = {}
        self._remembered_scores = 0
        self._rule_questions = tuple(dict.fromkeys(_questions_read_by_rules(pack)))
        # Questions whose answer changes more than points: a `when` reads them (gates), or a rule does.
        self.gates = frozenset(gate_question_ids(pack))
        self.read_by_rules = frozenset(self._rule_questions)
        self._outcomes: dict[tuple[object, ...], Outcome] = {}

    def _compile_question(self, question: Question, read: bool) -> CompiledQuestion:
        shown = compile_condition(question.when) if question.when is not None else None
        return CompiledQuestion(question, shown, {}, read)

    def _valid(self, question: Question, choices: tuple[str, ...]) -> ValidAnswer:
        vectors = self.vectors[question.id]
        points = tuple(sum(column) for column in zip(*(vectors[c] for c in choices), strict=True))
        return ValidAnswer(choices, points, self.fold(points))

    def fold(self, points: Iterable[int]) -> int:
        """Points per role as one number: role r's points times base ** r, the base more than twice the largest
        total any answers can reach. The fold of a sum is the sum of the folds, and distinct totals fold to
        distinct numbers, so the fast path adds one number per answer (not a tuple per role) and looks the
        sum up."""
        return sum(map(operator.mul, points, self._fold_powers))

    # Answers

    def answer(self, question_id: str, choices: Iterable[str], where: str) -> ValidAnswer:
        """One answer validated as a set of choices (order and repeats do not matter); AnswerError if invalid."""
        compiled = self.by_id[question_id]
        chosen = frozenset(choices)
        known = compiled.answers.get(chosen)
        if known is not None:
            return known
        ordered = check_answer(compiled.question, tuple(chosen), where)
        valid = self._valid(compiled.question, ordered)
        if len(compiled.answers) < MAX_TABLE_SIZE:
            compiled.answers[chosen] = valid
        return valid

    def raw_answer(self, question_id: str, value: object, where: str) -> ValidAnswer | None:
        """A row's raw value validated: None when unanswered; AnswerError when it is not a valid answer.

        A value is None (or NaN, pandas' missing value), a text (one choice id, or several separated by ';'; blank
        is unanswered), true/false (YAML's reading of yes/no), or a list of those. Order, spaces and repeats do
        not matter.
        """
        if type(value) is str:
            remembered = self._texts[question_id]
            known = remembered.get(value)
            if known is None:
                choices = split_choices(value, MULTI_SEPARATOR)
                if not choices:
                    return None
                try:
                    known = self.answer(question_id, choices, where)
                except AnswerError as error:
                    raise AnswerError(f"{error}{_separator_hint(self.by_id[question_id].question, choices)}") from None
                if len(remembered) < MAX_REMEMBERED_TEXTS:
                    remembered[value] = known
            return known
        if is_missing(value):
            return None
        choices = tuple(choice for choice in as_choices(value, f"{where}: '{question_id}'") if choice)
        return self.answer(question_id, choices, where) if choices else None

    def score_row(self, raw: Mapping[str, object], where: str) -> RowScore:
        """Score one row of raw answers (question id -> value, as `raw_answer` reads them); never raises for bad
        answers: each is named in `problems`. Answers to questions not shown are ignored."""
        return self.score_known(tuple(map(raw.get, self.question_ids))) or self._score_fully(raw, where)

    def score_values(self, values: Sequence[object], where: str) -> RowScore:
        """score_row for a row given as its raw values in question order (`question_ids`; None where it has no
        value), as a reader of fixed columns has them: no mapping to build for each row."""
        return self.score_known(values) or self._score_fully(dict(zip(self.question_ids, values, strict=True)), where)

    def score_known(self, values: Sequence[object]) -> RowScore | None:
        """The fast path alone, for a row given as in score_values whose every shown answer is a text met before
        (score_values met it, or score_row); None for any other row, which score_values then checks in full.

        The answers to the conditional questions (those a `when` or a rule reads, or that have a `when`) fix
        which questions are shown, what the rules see, and part of the points: that is the row's context,
        worked out once per spelling of those answers. The rest (most questions) are one lookup each, and
        the row's score is remembered per context and totals.
        """
        try:
            key = self._conditional_values(values)
            context = self._contexts.get(key) or self._context(key)
            if context is None:
                return None
            folded = context.folded
            for index, remembered in self._free_plan:
                answer = remembered.get(values[index])  # type: ignore[call-overload]
                if answer is None:
                    return None
                folded += answer.folded
        except TypeError:  # a value that cannot be a key (a list): the slow path reads it
            return None
        scored = context.scores.get(folded)
        if scored is None:
            points = [context.points, *(remembered[values[index]].points for index, remembered in self._free_plan)]  # type: ignore[index]
            scored = RowScore(self.decide(context.read, _sum_points(points)), (), (), context.ignored)
            if self._remembered_scores < MAX_REMEMBERED_OUTCOMES:
                context.scores[folded] = scored
                self._remembered_scores += 1
        return scored

    def _context(self, values: tuple[object, ...]) -> _Context | None:
        """The context that these answers to the conditional questions (in plan order) give; None unless every
        shown one is a text met before."""
        read: dict[str, tuple[str, ...]] = {}
        points = [self.zero_points]
        ignored = False
        for value, (_, question_id, shown_when, remembered) in zip(values, self._conditional_plan, strict=True):
            if shown_when is not None and not shown_when(read, None, None):
                ignored = ignored or not _is_blank(value)
                continue
            answer = remembered.get(value)  # type: ignore[call-overload]
            if answer is None:
                return None
            read[question_id] = answer.choices
            points.append(answer.points)
        totals = _sum_points(points)
        context = _Context(read, totals, self.fold(totals), ignored, {})
        if len(self._contexts) < MAX_REMEMBERED_CONTEXTS:
            self._contexts[values] = context
        return context

    def _score_fully(self, raw: Mapping[str, object], where: str) -> RowScore:
        """Every answer checked in quiz order, and every problem named."""
        read: dict[str, tuple[str, ...]] = {}  # the answers conditions read: all that deciding needs besides points
        points = [self.zero_points]
        problems: list[str] = []
        missing: list[str] = []
        ignored = False
        for compiled in self.questions:
            question_id = compiled.question.id
            value = raw.get(question_id)
            if compiled.shown is not None and not compiled.shown(read, None, None):
                ignored = ignored or not _is_blank(value)
                continue
            try:
                answer = self.raw_answer(question_id, value, where)
            except AnswerError as error:
                problems.append(str(error))
                continue
            if answer is None:
                missing.append(question_id)
                continue
            read[question_id] = answer.choices
            points.append(answer.points)
        if problems or missing:
            return RowScore(None, tuple(problems), tuple(missing), ignored)
        return RowScore(self.decide(read, _sum_points(points)), (), (), ignored)

    def shown_answers(self, answers: ChosenAnswers) -> dict[str, tuple[str, ...]]:
        """The answers that count: those to questions shown, given the answers before them."""
        return walk_shown(self._visibility, answers)[0]

    def missing(self, answers: ChosenAnswers) -> tuple[str, ...]:
        """Ids of questions that would be shown but have no answer, in quiz order."""
        return walk_shown(self._visibility, answers)[1]

    def shown_questions(self, answers: ChosenAnswers) -> list[Question]:
        """The questions shown for these answers, in quiz order (a `when` reads only earlier answers)."""
        kept = self.shown_answers(answers)
        return [c.question for c in self.questions if c.shown is None or c.shown(kept, None, None)]

    # Decisions

    def totals(self, shown: ChosenAnswers) -> tuple[int, ...]:
        """Each role's total over these (shown, valid) answers, in pack role order."""
        return _sum_points([self.zero_points, *(self.answer(q, chosen, "").points for q, chosen in shown.items())])

    def pick(self, totals: tuple[int, ...]) -> int:
        """Where the weights pull: the highest total; exact ties go to the role earliest in the tie-break order."""
        top = max(totals)
        for winner in self.tie_order:
            if totals[winner] == top:
                return winner
        raise ValueError("tie-break order names no role")  # the loader makes the order name every role

    def strength(self, totals: tuple[int, ...]) -> tuple[float, str]:
        """How strongly the weights pull: the lead over the runner-up as a share of the largest lead any role
        could have (one scale for all roles, so the same lead reads the same either way), and its label."""
        margin = 0
        if len(totals) > 1:
            ordered = sorted(totals)
            margin = ordered[-1] - ordered[-2]
        confidence = round(min(1.0, margin / self.scale), 3) if margin > 0 and self.scale > 0 else 0.0
        return confidence, self.label(confidence)

    def label(self, confidence: float) -> str:
        labels = self.pack.confidence_labels
        return next((entry.label for entry in labels if confidence >= entry.min_confidence), labels[-1].label)

    def advice_rule(self, shown: ChosenAnswers) -> AdviceRule | None:
        """The first of the page's rules that holds for these answers, if any."""
        for holds, rule in self.advice_rules:
            if holds(shown, None, None):
                return rule
        return None

    def steps(self, shown: ChosenAnswers, start: str, target: str) -> tuple[Rule | None, Rule | None]:
        """The course rule and the roadmap rule that hold first for these answers and roles."""
        return first_rule(self.course_rules, shown, start, target), first_rule(self.roadmap_rules, shown, start, target)

    def decide(self, shown: ChosenAnswers, totals: tuple[int, ...] | None = None) -> Outcome:
        """Everything a complete set of shown answers decides (`totals` if already summed)."""
        if totals is None:
            totals = self.totals(shown)
        # An outcome depends only on the totals and the answers rules read: batch meets the same few again and again.
        key = (totals, *map(shown.get, self._rule_questions))
        known = self._outcomes.get(key)
        if known is None:
            known = self._decide(shown, totals)
            if len(self._outcomes) < MAX_REMEMBERED_OUTCOMES:
                self._outcomes[key] = known
        return known

    def _decide(self, shown: ChosenAnswers, totals: tuple[int, ...]) -> Outcome:
        pull = self.pick(totals)
        rule = self.advice_rule(shown)
        start = self.role_ids.index(rule.start) if rule else pull
        target = self.role_ids.index(rule.target) if rule and rule.target else pull
        confidence, label = self.strength(totals)
        course, roadmap = self.steps(shown, self.role_ids[start], self.role_ids[target])
        return Outcome(start, target, pull, rule, totals, confidence, label, course, roadmap)


@lru_cache(maxsize=8)
def scorer_for(pack: Pack) -> Scorer:
    """The pack's scorer, compiled once per pack (a pack hashes by identity)."""
    return Scorer(pack)


def _separator_hint(question: Question, choices: tuple[str, ...]) -> str:
    """A hint for a text like `rag_apps,evaluation`: valid choices separated the wrong way."""
    for choice in choices:
        parts = [part.strip() for part in choice.split(",")]
        if len(parts) > 1 and all(part in question.choice_ids for part in parts):
            return f" (separate choices with '{MULTI_SEPARATOR}' in a CSV cell)"
    return ""


def _is_blank(value: object) -> bool:
    """An unanswered raw value: None or NaN, or a text with no choice in it."""
    return is_missing(value) or (isinstance(value, str) and not split_choices(value, MULTI_SEPARATOR))


def values_at(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A fast picker of the values at `positions`, as a tuple (itemgetter returns a bare value for one position)."""
    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    return operator.itemgetter(*positions) if positions else lambda values: ()


def _fold_powers(vectors: Mapping[str, Mapping[str, tuple[int, ...]]], roles: int) -> tuple[int, ...]:
    """base ** r for each role r (see Scorer.fold): the base is more than twice the largest total any answers can
    reach, which is at most every choice's largest points (as a size) added up."""
    largest_total = sum(max(map(abs, vector), default=0) for choices in vectors.values() for vector in choices.values())
    base = 2 * largest_total + 1
    return tuple(base**role for role in range(roles))


def _sum_points(points: list[tuple[int, ...]]) -> tuple[int, ...]:
    # Every vector has one entry per role; strict=True would cost a third of this line in batch.
    return tuple(map(sum, zip(*points, strict=False)))


def first_rule(rules: CompiledRules, answers: ChosenAnswers, start: str, target: str) -> Rule | None:
    for holds, rule in rules:
        if holds is None or holds(answers, start, target):
            return rule
    return None


def _compile_rules(rules: Iterable[Rule]) -> CompiledRules:
    return tuple((compile_condition(rule.when) if rule.when is not None else None, rule) for rule in rules)


def _choice_vectors(pack: Pack) -> dict[str, dict[str, tuple[int, ...]]]:
    """question id -> choice id -> points per role, in role order."""
    index = {role_id: i for i, role_id in enumerate(pack.role_ids)}
    vectors: dict[str, dict[str, tuple[int, ...]]] = {}
    for question in pack.questions:
        per_choice = {}
        for choice in question.choices:
            points = [0] * len(index)
            for weight in choice.weights:
                points[index[weight.role]] += weight.points
            per_choice[choice.id] = tuple(points)
        vectors[question.id] = per_choice
    return vectors


def _questions_read_by_conditions(pack: Pack) -> Iterator[str]:
    for question in pack.questions:
        if question.when is not None:
            yield from questions_read(question.when)
    yield from _questions_read_by_rules(pack)


def _questions_read_by_rules(pack: Pack) -> Iterator[str]:
    for advice in pack.advice_rules:
        yield from questions_read(advice.when)
    for rule in pack.course_rules + pack.roadmap_rules:
        if rule.when is not None:
            yield from questions_read(rule.when)


# The answer space


def answer_options(question: Question) -> Iterator[tuple[str, ...]]:
    """Every valid answer to a question (each choice, or each allowed set of choices), in choice order."""
    if not question.multiple:
        for choice_id in question.choice_ids:
            yield (choice_id,)
        return
    for size in range(question.min_choices, question.max_choices + 1):
        yield from itertools.combinations(question.choice_ids, size)


def gate_question_ids(pack: Pack) -> tuple[str, ...]:
    """Questions that some `when` condition reads, in quiz order."""
    named: set[str] = set()
    for question in pack.questions:
        if question.when is not None:
            named.update(questions_read(question.when))
    return tuple(q.id for q in pack.questions if q.id in named)


def gate_assignments(scorer: Scorer) -> Iterator[dict[str, tuple[str, ...]]]:
    """Every combination of answers to the gate questions that are shown.

    Fixing these fixes which questions are shown, so the rest can be reasoned about one question at a time.
    """
    gate_ids = set(gate_question_ids(scorer.pack))
    gates = [c for c in scorer.questions if c.question.id in gate_ids]

    def extend(position: int, assigned: dict[str, tuple[str, ...]]) -> Iterator[dict[str, tuple[str, ...]]]:
        if position == len(gates):
            yield dict(assigned)
            return
        compiled = gates[position]
        if compiled.shown is not None and not compiled.shown(assigned, None, None):
            yield from extend(position + 1, assigned)
            return
        for option in answer_options(compiled.question):
            assigned[compiled.question.id] = option
            yield from extend(position + 1, assigned)
            del assigned[compiled.question.id]

    yield from extend(0, {})


def best_gain(question: Question, vectors: Mapping[str, tuple[int, ...]], role: int, other: int) -> int:
    """The most a free answer to `question` can add to (role - other), never below what it must add."""
    return best_selection(question, [vector[role] - vector[other] for vector in vectors.values()])


def strength_scale(scorer: Scorer) -> int:
    """The largest lead over the runner-up that any role could have: an upper bound, in time linear in
    roles x questions x choices, that treats every question as shown (exact for two roles and no `when`).

    An answer adds at most (its points for the role - its fewest points for any other role) to a lead.
    """
    leads = [0] * len(scorer.role_ids)
    for compiled in scorer.questions:
        vectors = list(scorer.vectors[compiled.question.id].values())
        lowest = [_two_lowest(vector) for vector in vectors]
        for role in range(len(leads)):
            gains = [v[role] - (low[1] if low[2] == role else low[0]) for v, low in zip(vectors, lowest, strict=True)]
            leads[role] += best_selection(compiled.question, gains)
    return max(leads, default=0)


def _two_lowest(vector: tuple[int, ...]) -> tuple[int, int, int]:
    """The lowest value, the second lowest (the lowest if there is one value) and the index of the lowest."""
    order = sorted(range(len(vector)), key=vector.__getitem__)[:2]
    return vector[order[0]], vector[order[-1]], order[0]


def best_selection(question: Question, gains: list[int]) -> int:
    """The most the answers to `question` can add, given what each choice adds (a multi-choice takes at least
    its minimum, then only what helps)."""
    ranked = sorted(gains, reverse=True)
    if not ranked:
        return 0
    if not question.multiple:
        return ranked[0]
    return sum(ranked[: question.min_choices]) + sum(g for g in ranked[question.min_choices : question.max_choices] if g > 0)
