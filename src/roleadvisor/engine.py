"""The quiz's full result: the scorer's decision (scoring.py), with the reasons, citations and what-ifs around it.

Every function here is a function of (pack, answers): no I/O, no printing. Answers are assumed
valid (answers.py checks them at the edge); answers to questions whose `when` does not hold are
ignored. The result carries ids and the texts a renderer shows (titles, labels, cited sentences), so
views never look back into the pack.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from roleadvisor.pack import ChosenAnswers, Course, Pack, Question, Rule
from roleadvisor.scoring import Outcome, Scorer, answer_options, scorer_for

# What-ifs: at most this many assumed answers are tried for the questions one change reveals, and at most
# this many answer sets are scored in all; past either, the search stops and the result says so.
MAX_ASSUMED_PER_CHANGE = 1_000
MAX_WHAT_IF_TRIES = 20_000


class Citation(NamedTuple):
    """A sentence of the source page: its id in the pack, where it is on the page, and its words."""

    source: str
    section: str
    text: str


class Recommendation(NamedTuple):
    """The role to start in (`role`) and to aim for (`target`); where the weights pull and how strongly; the
    page's rule that fixed the start, if one did, and its sentence."""

    role: str
    title: str
    target: str
    target_title: str
    pull: str
    pull_title: str
    confidence: float
    label: str
    rule: str | None
    because: Citation | None


class Contribution(NamedTuple):
    """Points one answer gives one role, and the sentence of the page they rest on."""

    question: str
    prompt: str
    choice: str
    label: str
    role: str
    role_title: str
    points: int
    source: Citation


class WhatIf(NamedTuple):
    """A single-answer change that would change the role to start in or to aim for.

    `assumes` holds answers for questions the change would reveal (never asked so far). `fact` marks a change
    of background or experience, which `once` words as what would change once it is true.
    """

    question: str
    prompt: str
    before: tuple[str, ...]
    before_labels: tuple[str, ...]
    after: tuple[str, ...]
    after_labels: tuple[str, ...]
    role: str
    role_title: str
    target: str
    target_title: str
    assumes: Mapping[str, tuple[str, ...]]
    assumes_labels: Mapping[str, tuple[str, ...]]
    fact: bool
    once: str


class NextStep(NamedTuple):
    """A course or roadmap to take next, who it is for, and the page's sentence for choosing it."""

    id: str
    title: str
    audience: str
    because: Citation | None


class Result(NamedTuple):
    recommendation: Recommendation
    scores: Mapping[str, int]
    strength_scale: int  # the largest lead any role could have: `confidence` is a lead divided by this
    contributions: tuple[Contribution, ...]
    reasons: tuple[Contribution, ...]  # what pulled toward each role, strongest first
    what_if: tuple[WhatIf, ...]
    what_if_complete: bool  # False when a search limit cut the what-if search short
    next_course: NextStep | None
    roadmap: NextStep | None
    aim_note: Citation | None  # why the role to aim for comes later (when it differs from the start)
    close_call_note: Citation | None  # what the page advises when the weights barely lean
    notes: tuple[Citation, ...]  # more of the page's guidance that fits this result
    projects: tuple[str, ...]  # project ideas for the role to start in
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


def cite(pack: Pack, source_id: str) -> Citation:
    source = pack.source_named(source_id)
    return Citation(source_id, source.section, source.text) if source else Citation(source_id, "", source_id)


def _labels(question: Question, chosen: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(choice.label if (choice := question.choice(c)) else c for c in chosen)


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
                    role = pack.role(weight.role)
                    source = cite(pack, weight.source)
                    result.append(Contribution(question.id, question.prompt, choice_id, choice.label, role.id, role.title, weight.points, source))
    return tuple(result)


def score_answers(pack: Pack, answers: ChosenAnswers, with_what_if: bool = True) -> Result:
    """Score a complete answer set: where to start and aim, reasons, what-ifs, courses and guidance."""
    scorer = scorer_for(pack)
    kept = scorer.shown_answers(answers)
    outcome = scorer.decide(kept)
    contributions = contributions_for(pack, kept)
    order = {q.id: i for i, q in enumerate(pack.questions)}
    reasons = tuple(sorted((c for c in contributions if c.points > 0), key=lambda c: (-c.points, order[c.question])))
    what_if, complete = flip_candidates(pack, kept, outcome) if with_what_if else ((), True)
    start = pack.roles[outcome.start]
    notes = pack.advice_notes
    return Result(
        recommendation=_recommendation(pack, outcome),
        scores=dict(zip(pack.role_ids, outcome.totals, strict=True)),
        strength_scale=scorer.scale,
        contributions=contributions,
        reasons=reasons,
        what_if=what_if,
        what_if_complete=complete,
        next_course=_next_step(pack, outcome.course),
        roadmap=_next_step(pack, outcome.roadmap),
        aim_note=_aim_note(pack, outcome),
        close_call_note=cite(pack, notes.close_call) if notes.close_call and _close_call(pack, outcome) else None,
        notes=_notes(pack, outcome),
        projects=tuple(item.text for item in start.projects),
        answers=kept,
    )


def _recommendation(pack: Pack, outcome: Outcome) -> Recommendation:
    start, target, pull = pack.roles[outcome.start], pack.roles[outcome.target], pack.roles[outcome.pull]
    rule = outcome.rule
    because = cite(pack, rule.source) if rule else None
    return Recommendation(
        start.id, start.title, target.id, target.title, pull.id, pull.title, outcome.confidence, outcome.label, rule.id if rule else None, because
    )


def _next_step(pack: Pack, rule: Rule | None) -> NextStep | None:
    course: Course | None = pack.course(rule.course) if rule else None
    if rule is None or course is None:
        return None
    return NextStep(course.id, course.title, course.audience, cite(pack, rule.source) if rule.source else None)


def _close_call(pack: Pack, outcome: Outcome) -> bool:
    return outcome.label == pack.confidence_labels[-1].label


def _aim_note(pack: Pack, outcome: Outcome) -> Citation | None:
    """When the aim differs from the start: the deciding rule's own sentence on moving on, else the pack's general
    one (advice_notes.later_target)."""
    if outcome.start == outcome.target:
        return None
    source = (outcome.rule.aim_source if outcome.rule else None) or pack.advice_notes.later_target
    return cite(pack, source) if source else None


def _notes(pack: Pack, outcome: Outcome) -> tuple[Citation, ...]:
    """More of the page's guidance that fits: a project-led start keeps engineering open; compare scope."""
    notes = pack.advice_notes
    wanted = [
        (notes.project_led_start, pack.role_ids[outcome.start] == pack.tie_break[0] and len(pack.roles) > 1),
        (notes.compare_scope, True),
    ]
    return tuple(cite(pack, source) for source, fits in wanted if source and fits)


def score_totals(pack: Pack, answers: ChosenAnswers) -> tuple[int, ...]:
    """Each role's total, in pack role order, over the visible answers."""
    scorer = scorer_for(pack)
    return scorer.totals(scorer.shown_answers(answers))


def recommended_role(pack: Pack, answers: ChosenAnswers) -> str:
    """The role to start in, for a complete answer set."""
    scorer = scorer_for(pack)
    kept = scorer.shown_answers(answers)
    return pack.role_ids[scorer.decide(kept).start]


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


def flip_candidates(pack: Pack, answers: ChosenAnswers, outcome: Outcome) -> tuple[tuple[WhatIf, ...], bool]:
    """Single-answer changes that would change the role to start in or to aim for, and whether the search was
    complete. Changes the learner can make (wishes) come first, then facts that would change things once true;
    within each, the smallest change first, in quiz order.

    Where a change reveals a question never asked, the first answer to it (in choice order) that makes the
    change happen is assumed and named. Facts change only as a learner can grow (see _comes_true_later).
    """
    search = _WhatIfSearch(scorer_for(pack), answers, outcome)
    found: list[tuple[bool, int, int, int, WhatIf]] = []
    for q_index, question in enumerate(pack.questions):
        current = answers.get(question.id)
        if current is None:
            continue
        for c_index, (size, alternative) in enumerate(alternative_answers(question, current)):
            if question.fact and not _comes_true_later(question, current, alternative):
                continue
            flip = search.flip(question.id, current, alternative)
            if flip is not None:
                found.append((question.fact, size, q_index, c_index, _what_if(pack, question, current, alternative, *flip)))
    found.sort(key=lambda item: item[:4])
    return tuple(item[4] for item in found), search.complete


def _comes_true_later(question: Question, current: tuple[str, ...], alternative: tuple[str, ...]) -> bool:
    """Whether a learner could grow from the current fact to the alternative: the alternative says how it comes
    true (`once`), and the current one does not, or comes before it in the choices (they run from less to more)."""
    if not _once(question, alternative):
        return False
    if not _once(question, current):
        return True
    order = question.choice_ids
    return order.index(alternative[0]) > order.index(current[0])


def _once(question: Question, answer: tuple[str, ...]) -> str:
    return " ".join(choice.once for c in answer if (choice := question.choice(c)) is not None and choice.once)


def _what_if(pack: Pack, question: Question, before: tuple[str, ...], after: tuple[str, ...], changed: Outcome, assumed: dict[str, tuple[str, ...]]) -> WhatIf:
    start, target = pack.roles[changed.start], pack.roles[changed.target]
    assumed_labels = {}
    for question_id, answer in assumed.items():
        revealed = pack.question(question_id)
        assumed_labels[question_id] = _labels(revealed, answer) if revealed else answer
    return WhatIf(
        question.id, question.prompt, before, _labels(question, before), after, _labels(question, after),
        start.id, start.title, target.id, target.title, assumed, assumed_labels, question.fact, _once(question, after),
    )


Flip = tuple[Outcome, dict[str, tuple[str, ...]]]  # the changed outcome, and the answers it assumes


class _WhatIfSearch:
    """The what-ifs of one answer set. Each change is scored from the answer set's totals (the points it takes
    away and adds), so a change costs time in roles, not in roles x questions; only the answers to questions a
    change reveals are enumerated, within MAX_ASSUMED_PER_CHANGE and MAX_WHAT_IF_TRIES."""

    def __init__(self, scorer: Scorer, answers: ChosenAnswers, outcome: Outcome) -> None:
        self.scorer = scorer
        self.answers = answers
        self.outcome = outcome
        self.tries_left = MAX_WHAT_IF_TRIES
        self.complete = True  # False once a limit has cut the enumeration of revealed answers short

    def points(self, question_id: str, chosen: tuple[str, ...]) -> tuple[int, ...]:
        return self.scorer.answer(question_id, chosen, "").points

    def flip(self, question_id: str, current: tuple[str, ...], alternative: tuple[str, ...]) -> Flip | None:
        """The outcome of answering `alternative` instead of `current` (and the answers assumed for questions it
        reveals), if it changes the role to start in or to aim for."""
        changed = {**self.answers, question_id: alternative}
        shifts = [self.outcome.totals, self.points(question_id, alternative), _negated(self.points(question_id, current))]
        if question_id not in self.scorer.gates:  # shows and hides nothing
            return self._differs(changed, _sum_points(shifts), {})
        shown = self.scorer.shown_answers(changed)
        shifts += [_negated(self.points(hidden, chosen)) for hidden, chosen in self.answers.items() if hidden not in shown]
        missing = set(self.scorer.missing(changed))
        revealed = [c.question for c in self.scorer.questions if c.question.id in missing]
        return self._with_revealed(shown, _sum_points(shifts), revealed)

    def _differs(self, shown: ChosenAnswers, totals: tuple[int, ...], assumed: dict[str, tuple[str, ...]]) -> Flip | None:
        new = self.scorer.decide(shown, totals)
        return (new, assumed) if (new.start, new.target) != (self.outcome.start, self.outcome.target) else None

    def _with_revealed(self, shown: dict[str, tuple[str, ...]], totals: tuple[int, ...], revealed: list[Question]) -> Flip | None:
        """The first combination of answers to the revealed questions (in choice order) that changes the outcome."""
        options = [[(option, self.points(q.id, option)) for option in answer_options(q)] for q in revealed]
        # Conditions and rules read only some answers; for the rest, the outcome depends on the totals alone.
        read = any(q.id in self.scorer.gates or q.id in self.scorer.read_by_rules for q in revealed)
        for tried, combination in enumerate(itertools.product(*options)):
            if tried >= MAX_ASSUMED_PER_CHANGE or self.tries_left <= 0:
                self.complete = False
                return None
            self.tries_left -= 1
            assumed = {q.id: option for q, (option, _) in zip(revealed, combination, strict=True)}
            completed = {**shown, **assumed} if read else shown
            # An assumed answer can reveal yet another question; such chains are not what-ifs of one change.
            if read and self.scorer.missing(completed):
                continue
            flip = self._differs(completed, _sum_points([totals, *(points for _, points in combination)]), assumed)
            if flip is not None:
                return flip
        return None


def _negated(points: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(-value for value in points)


def _sum_points(points: list[tuple[int, ...]]) -> tuple[int, ...]:
    return tuple(map(sum, zip(*points, strict=True)))
