"""Pack analysis for rule authors: errors, reachability and the outcome map of a content pack.

Only `check_pack` reads pack folders; the analysis is a function of a Pack. Scoring stays the
scorer's (scoring.py), the one the quiz and batch run: answers become points from its tables, and winners,
labels, courses and roadmaps come from its `pick`, `strength` and `steps`.

Counting is exact where it can be. The questions that `when` conditions and course rules read
are enumerated ("fixed" answers, one branch per combination); every other question adds its
points independently of the rest, so the number of answer sets reaching each score is a
convolution of per-question counts. Scores are kept as differences from the first role, which is
all a winner, a tie or a confidence depends on. When the counts grow too large, the map comes
from a seeded uniform sample instead, and says so.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import random
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from roleadvisor.cases import CASES_FILE, CaseResult, ChangedCase, changed_cases, read_cases, run_cases
from roleadvisor.conditions import answer_tests, compile_condition, describe, questions_read
from roleadvisor.loader import PackReading, Problem, read_pack
from roleadvisor.pack import ConfidenceLabel, Course, Pack, Question, Rule
from roleadvisor.scoring import answer_options, best_gain, scorer_for

# Beyond these sizes the exact count gives way to a sample.
MAX_BRANCHES = 10_000  # combinations of answers to the questions conditions read
MAX_OPTIONS = 100_000  # answers to one question
MAX_PAIRS = 2_000_000  # work in one convolution or one walk over score combinations
# Memory: a cell is one role's number in a score kept in memory. One distribution holds at most MAX_SCORE_CELLS
# (so fewer distinct scores with more roles); each memo keeps at most MAX_REMEMBERED_CELLS and then stops
# remembering (what it forgets is worked out again, within the work limits).
MAX_SCORE_CELLS = 2_000_000
MAX_REMEMBERED_CELLS = 3_000_000
# Time: the work each part of the analysis may do, in steps of about one number added (so a limit cuts at the
# same place on every machine). Together they keep `check` within about 10 s and 500 MB for any pack the loader
# accepts (benchmarks/run.py --only scaling); when one cuts a part short, the report says what it cut.
MAX_WORK = {
    "answer space": 3_000_000,  # the fixed questions' answers and the branches they make
    "exact count": 8_000_000,  # counting every answer set; past this, a sample instead
    "sample": 8_000_000,  # drawing the sample; past this, a smaller sample
    "moves": 8_000_000,  # which answers one change moves; past this, estimated from fewer answer sets
    "reachability": 3_000_000,  # which roles, courses and roadmaps the weights allow; past this, not ruled out
}

# Each role's total minus the first role's total, for the second role onwards.
Scores = tuple[int, ...]
# How many answer sets reach each Scores.
Counts = dict[Scores, int]


class _TooLarge(Exception):
    """The exact count would take too long; sample instead."""


class _Work:
    """The work each part of the analysis has left (MAX_WORK); `spend` raises _TooLarge when the part's is used up."""

    def __init__(self, share: float = 1.0) -> None:
        self.left = {part: int(steps * share) for part, steps in MAX_WORK.items()}
        self.part = "answer space"
        self.cut: list[str] = []  # what the limits cut short, for the report

    def spend(self, steps: int) -> None:
        self.left[self.part] -= steps
        if self.left[self.part] < 0:
            raise _TooLarge

    def exhausted(self, part: str) -> bool:
        return self.left[part] < 0

    def note(self, what: str) -> None:
        if what not in self.cut:
            self.cut.append(what)


_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


class _Memo(dict[_Key, _Value]):
    """A dict that stops taking entries once it holds `cells` numbers (entries x the numbers in each)."""

    def __init__(self, cells: int, per_entry: int) -> None:
        super().__init__()
        self.room = max(1, cells // max(1, per_entry))

    def keep(self, key: _Key, value: _Value) -> None:
        if len(self) < self.room:
            self[key] = value


# The report


@dataclass(frozen=True, slots=True)
class Share:
    """How many counted answer sets end in one outcome (a role, a course, a label, a question)."""

    id: str
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class OutcomeMap:
    method: str  # "exact": every answer set counted; "sample": a seeded uniform sample
    answer_sets: int  # every valid answer set
    counted: int  # answer sets counted: all of them, or the sample size
    seed: int | None
    roles: tuple[Share, ...]  # the role to start in
    targets: tuple[Share, ...]  # the role to aim for
    rules: tuple[Share, ...]  # which of the page's rules decided the start ("" when the weights did)
    courses: tuple[Share, ...]
    roadmaps: tuple[Share, ...]
    confidence: tuple[Share, ...]  # per confidence label, highest first
    ties: int
    close_calls: int
    # per question: answer sets whose recommendation changing only that answer can change
    moves: tuple[Share, ...]
    # what check's work limits cut short (a smaller sample, moves estimated from part of it, ...); also in the notes
    cut_short: tuple[str, ...] = ()

    def share(self, count: int) -> float:
        return count / self.counted if self.counted else 0.0

    @property
    def most_decisive(self) -> Share | None:
        """The question that moves the most outcomes (the earliest such on a tie)."""
        best = max(self.moves, key=lambda share: share.count, default=None)
        return best if best is not None and best.count > 0 else None


@dataclass(frozen=True, slots=True)
class Reach:
    """Whether a question can be shown, a role recommended, or a course or roadmap chosen."""

    kind: str  # question, role, course or roadmap
    id: str
    reachable: bool
    why: str = ""
    # False when a sample did not meet it and the weights could not settle it either way
    confirmed: bool = True


@dataclass(frozen=True, slots=True)
class PackCheck:
    source: str
    errors: tuple[Problem, ...]
    notes: tuple[str, ...]
    reach: tuple[Reach, ...]
    outcomes: OutcomeMap | None
    cases: tuple[CaseResult, ...] = ()  # the pack's cases.yaml, run (a failing case is also an error)


@dataclass(frozen=True, slots=True)
class CheckReport:
    pack: PackCheck
    against: PackCheck | None = None  # the --against pack: the "before" of a comparison
    changed_cases: tuple[ChangedCase, ...] = ()  # this pack's cases whose advice differs in the --against pack

    @property
    def exit_code(self) -> int:
        return 1 if self.pack.errors else 0


def check_pack(directory: Path | None, against: Path | None = None, sample_size: int = 20_000, seed: int = 0) -> CheckReport:
    """Read and analyse a pack (and, for a comparison, the pack it is compared against).

    Both are parsed from their YAML: a check is of the files an author edits, never of a cached copy. Compared,
    each gets half the work limits, so that a comparison takes no longer than one check.
    """
    share = 1.0 if against is None else 0.5
    reading = read_pack(directory, use_parsed=False)
    checked = with_cases(analyse(reading, sample_size, seed, share), reading)
    if against is None:
        return CheckReport(checked)
    before_reading = read_pack(against, use_parsed=False)
    before = analyse(before_reading, sample_size, seed, share)
    changed: tuple[ChangedCase, ...] = ()
    if not reading.problems and not before_reading.problems:
        changed = changed_cases(before_reading.pack, reading.pack, read_cases(Path(reading.pack.source)))
    return CheckReport(checked, before, changed)


def with_cases(checked: PackCheck, reading: PackReading) -> PackCheck:
    """The check with the pack's cases run; each failing case is an error naming what decided it."""
    if reading.problems:
        return checked
    results = run_cases(reading.pack, read_cases(Path(reading.pack.source)))
    failures = tuple(
        Problem(CASES_FILE, f"cases[{i}]", f"case '{result.case.id}': {'; '.join(result.failures)}" + (f" (decided by {result.decided_by})" if result.decided_by else ""))
        for i, result in enumerate(results)
        if not result.passed
    )
    return replace(checked, errors=(*checked.errors, *failures), cases=results)


def analyse(reading: PackReading, sample_size: int = 20_000, seed: int = 0, work_share: float = 1.0) -> PackCheck:
    """Errors, reachability and the outcome map of a pack as the loader read it, within `work_share` of MAX_WORK."""
    pack = reading.pack
    if reading.problems:
        note = "Reachability and the outcome map need a pack without errors: fix the errors first."
        return PackCheck(pack.source, reading.problems, (note,), (), None)
    try:
        space = _Space(pack, work_share)
    except _TooLarge:
        note = (
            f"Too many combinations of answers to the questions that conditions read (over {MAX_BRANCHES:,}, or more"
            " than the work limit allows) to analyse."
        )
        return PackCheck(pack.source, (), (note,), (), None)
    tally = _count(space, sample_size, seed)
    reach, errors, notes = _reachability(space, tally)
    if tally.unmeasured:
        notes.append(f"Too many answers to try for the moves of: {', '.join(sorted(tally.unmeasured))} (left at 0).")
    notes += [f"Work limit: {what}." for what in space.work.cut]
    return PackCheck(pack.source, tuple(errors), tuple(notes), tuple(reach), _outcome_map(space, tally))


# The answer space


@dataclass(frozen=True, slots=True)
class _Class:
    """ChosenAnswers to a fixed question that every condition treats alike (they hold the same choices it tests)."""

    key: int  # its position among the question's classes
    answer: tuple[str, ...]  # one of them, to evaluate conditions with
    scores: tuple[Scores, ...]  # the points each of them gives
    counts: Counts  # how many of them give each score


@dataclass(frozen=True, slots=True)
class _Branch:
    """One class of answer for each fixed question shown, and every question that this shows."""

    index: int  # its position in _Space.branches
    answers: Mapping[str, tuple[str, ...]]  # fixed question -> its class's answer
    classes: Mapping[str, _Class]
    shown: tuple[str, ...]  # fixed and free, in quiz order
    size: int  # answer sets in this branch


@dataclass(frozen=True, slots=True)
class _Verdict:
    role: int  # the role to start in
    target: int
    rule: str  # the page's rule that decided the start, or ""
    course: str | None
    roadmap: str | None
    label: str
    tie: bool
    leads: tuple[int, ...]  # per role: its total minus the best other total


@dataclass(frozen=True, slots=True)
class _Change:
    """Where changing one answer can lead from a branch, other answers kept.

    Another answer of the same class stays in the branch. `alternatives` are the branches where the
    question's answer has another class; the branch's other questions are grouped by which
    alternatives still show them, so a walk over the groups' sums covers every answer set.
    """

    alternatives: tuple[_Branch, ...]
    groups: tuple[tuple[bool, ...], ...]  # per group: shown in each alternative?
    members: tuple[tuple[str, ...], ...]  # per group: its questions
    revealed: tuple[frozenset[Scores], ...]  # per alternative: what the new answer and newly shown questions can add


def _tested_choices(pack: Pack) -> dict[str, list[tuple[str, ...]]]:
    """Per question: the choice lists conditions test it against."""
    tested: dict[str, list[tuple[str, ...]]] = {}
    whens = [q.when for q in pack.questions] + [rule.when for rule in pack.course_rules + pack.roadmap_rules]
    whens += [advice.when for advice in pack.advice_rules]
    for when in whens:
        for atom in answer_tests(when) if when is not None else ():
            tested.setdefault(atom.question, [])
            if atom.choices not in tested[atom.question]:
                tested[atom.question].append(atom.choices)
    return tested


def option_count(question: Question) -> int:
    """How many valid answers a question has, without listing them."""
    if not question.multiple:
        return len(question.choices)
    return sum(math.comb(len(question.choices), size) for size in range(question.min_choices, question.max_choices + 1))


def _add(a: Scores, b: Scores) -> Scores:
    return tuple(map(operator.add, a, b))


def _sub(a: Scores, b: Scores) -> Scores:
    return tuple(map(operator.sub, a, b))


def _total(scores: Iterable[Scores], zero: Scores) -> Scores:
    result = zero
    for item in scores:
        result = _add(result, item)
    return result


def _convolve(a: Counts, b: Counts, work: _Work, step: int) -> Counts:
    """Counts of every sum of one score from `a` and one from `b`."""
    if len(a) * len(b) > MAX_PAIRS:
        raise _TooLarge
    work.spend(len(a) * len(b) * step)
    result: Counts = {}
    for x, count_x in a.items():
        for y, count_y in b.items():
            key = _add(x, y)
            result[key] = result.get(key, 0) + count_x * count_y
    if len(result) * step > MAX_SCORE_CELLS:
        raise _TooLarge
    return result


class _Space:
    """A pack's answer space: branches over the fixed questions' classes, points per answer, memos."""

    def __init__(self, pack: Pack, work_share: float = 1.0) -> None:
        self.pack = pack
        self.scorer = scorer_for(pack)
        self.roles = len(pack.roles)
        self.zero: Scores = (0,) * (self.roles - 1)
        # The work of one step on a score (a sum, a verdict): its numbers, plus what any step costs.
        self.step = self.roles + 24
        self.tie_rank = {role: place for place, role in enumerate(self.scorer.tie_order)}
        self.work = _Work(work_share)
        # Per question and choice: the points it gives each role after the first, minus those it gives the first.
        self._choice_scores = {
            question_id: {choice_id: tuple(value - vector[0] for value in vector[1:]) for choice_id, vector in vectors.items()}
            for question_id, vectors in self.scorer.vectors.items()
        }
        self.tested = _tested_choices(pack)
        self.fixed = tuple(q.id for q in pack.questions if q.id in self.tested)  # in quiz order
        self._classes = {question_id: self._make_classes(question_id) for question_id in self.fixed}
        self.branches = self._branches()
        self.answer_sets = sum(branch.size for branch in self.branches)
        self.lowest_label = pack.confidence_labels[-1].label
        # An entry's size in cells: its numbers, plus about 30 for the objects that hold them.
        self._verdicts: _Memo[tuple[int, Scores], _Verdict] = _Memo(MAX_REMEMBERED_CELLS, 2 * self.roles + 30)
        self._options: dict[str, Counts] = {}  # with _distributions, bounded by _remember_scores
        self._distributions: dict[frozenset[tuple[str, int]], Counts] = {}
        self._remembered_scores = 0  # cells held by _options and _distributions together
        self._changes: _Memo[tuple[int, str], _Change] = _Memo(MAX_REMEMBERED_CELLS, self.roles * 4 + 30)
        self._neighbourhoods: dict[str, dict[tuple[object, ...], list[_Branch]]] = {}  # one per fixed question
        self._swayed: dict[str, set[str]] = {}  # one per fixed question
        self._moved: _Memo[tuple[object, ...], bool] = _Memo(MAX_REMEMBERED_CELLS, self.roles * 4 + 30)

    def question(self, question_id: str) -> Question:
        question = self.pack.question(question_id)
        assert question is not None
        return question

    def _make_classes(self, question_id: str) -> tuple[_Class, ...]:
        question = self.question(question_id)
        if option_count(question) > MAX_OPTIONS:
            raise _TooLarge
        grouped: dict[tuple[bool, ...], list[tuple[str, ...]]] = {}
        for option in answer_options(question):
            self.work.spend(self.step * len(option))
            signature = tuple(any(choice in option for choice in choices) for choices in self.tested[question_id])
            grouped.setdefault(signature, []).append(option)
        classes = []
        for key, options in enumerate(grouped.values()):
            scores = tuple(self.option_scores(question_id, option) for option in options)
            classes.append(_Class(key, options[0], scores, dict(Counter(scores))))
        return tuple(classes)

    def _branches(self) -> list[_Branch]:
        partial: list[dict[str, _Class]] = [{}]
        for question in self.pack.questions:
            if question.id not in self.fixed:
                continue
            grown: list[dict[str, _Class]] = []
            for classes in partial:
                self.work.spend(len(classes) + 1)
                if not _shown(self, question, _class_answers(classes)):
                    grown.append(classes)
                    continue
                if len(grown) + len(self._classes[question.id]) > MAX_BRANCHES:
                    raise _TooLarge
                grown.extend({**classes, question.id: each} for each in self._classes[question.id])
            partial = grown
        return [self._branch(index, classes) for index, classes in enumerate(partial)]

    def _branch(self, index: int, classes: dict[str, _Class]) -> _Branch:
        self.work.spend(len(self.pack.questions) * 4)
        answers = _class_answers(classes)
        shown = tuple(q.id for q in self.pack.questions if q.id in classes or (q.id not in self.fixed and _shown(self, q, answers)))
        size = math.prod(sum(classes[q].counts.values()) if q in classes else option_count(self.question(q)) for q in shown)
        return _Branch(index, answers, classes, shown, size)

    def option_scores(self, question_id: str, option: Iterable[str]) -> Scores:
        scores = self._choice_scores[question_id]
        return _total((scores[choice_id] for choice_id in option), self.zero)

    def options(self, question_id: str) -> Counts:
        """How many answers to a question give each score."""
        known = self._options.get(question_id)
        if known is None:
            question = self.question(question_id)
            if option_count(question) > MAX_OPTIONS:
                raise _TooLarge
            self.work.spend(option_count(question) * self.step * 2)
            known = dict(Counter(self.option_scores(question_id, option) for option in answer_options(question)))
            self._remember_scores(self._options, question_id, known)
        return known

    def _remember_scores(self, memo: dict[_Key, Counts], key: _Key, counts: Counts) -> None:
        """Keep a distribution for reuse while the memos hold fewer than MAX_REMEMBERED_CELLS numbers."""
        cells = len(counts) * (self.roles + 30)
        if self._remembered_scores + cells <= MAX_REMEMBERED_CELLS:
            self._remembered_scores += cells
            memo[key] = counts

    def answers_in(self, branch: _Branch, question_id: str) -> Counts:
        """How many of the question's answers in this branch give each score."""
        fixed = branch.classes.get(question_id)
        return fixed.counts if fixed is not None else self.options(question_id)

    def distribution(self, branch: _Branch, question_ids: Iterable[str]) -> Counts:
        """How many combinations of answers to these questions, in this branch, give each score."""
        parts = sorted((q, branch.classes[q].key if q in branch.classes else -1) for q in question_ids)
        key = frozenset(parts)
        known = self._distributions.get(key)
        if known is None:
            known = {self.zero: 1}
            for question_id, _ in parts:
                known = _convolve(known, self.answers_in(branch, question_id), self.work, self.step)
            self._remember_scores(self._distributions, key, known)
        return known

    def verdict(self, branch_index: int, scores: Scores) -> _Verdict:
        """What the scorer decides for a branch's fixed answers and these score differences."""
        key = (branch_index, scores)
        known = self._verdicts.get(key)
        if known is None:
            self.work.spend(self.step * 3)
            totals = (0, *scores)
            outcome = self.scorer.decide(self.branches[branch_index].answers, totals)
            leads = _leads(totals)
            tie = self.roles > 1 and leads[outcome.pull] == 0
            rule = outcome.rule.id if outcome.rule else ""
            known = _Verdict(outcome.start, outcome.target, rule, outcome.course_id, outcome.roadmap_id, outcome.label, tie, leads)
            self._verdicts.keep(key, known)
        return known

    # Which answer sets one changed answer can move

    def change(self, branch_index: int, question_id: str) -> _Change:
        key = (branch_index, question_id)
        known = self._changes.get(key)
        if known is None:
            known = self._make_change(self.branches[branch_index], question_id)
            self._changes.keep(key, known)
        return known

    def _make_change(self, branch: _Branch, question_id: str) -> _Change:
        alternatives: tuple[_Branch, ...] = ()
        if question_id in branch.classes:
            candidates = self._neighbours(question_id).get(self._neighbour_key(branch, question_id), [])
            alternatives = tuple(other for other in candidates if _one_change_away(branch, other, question_id))
        others = [q for q in branch.shown if q != question_id]
        signature = {q: tuple(q in other.shown for other in alternatives) for q in others}
        groups = tuple(dict.fromkeys(signature.values()))
        members = tuple(tuple(q for q in others if signature[q] == group) for group in groups)
        revealed = tuple(frozenset(self.distribution(other, [q for q in other.shown if q not in others])) for other in alternatives)
        return _Change(alternatives, groups, members, revealed)

    def _neighbours(self, question_id: str) -> dict[tuple[object, ...], list[_Branch]]:
        """Branches that show the question, by their classes of the answers it cannot hide or show."""
        if question_id not in self._neighbourhoods:
            buckets: dict[tuple[object, ...], list[_Branch]] = {}
            for branch in self.branches:
                if question_id in branch.classes:
                    buckets.setdefault(self._neighbour_key(branch, question_id), []).append(branch)
            self._neighbourhoods[question_id] = buckets
        return self._neighbourhoods[question_id]

    def _neighbour_key(self, branch: _Branch, question_id: str) -> tuple[object, ...]:
        # Branches one change of this answer apart agree on every answer it does not hide or show.
        swayed = self._swayed_by(question_id)
        return tuple((q, each.key) for q, each in branch.classes.items() if q not in swayed)

    def _swayed_by(self, question_id: str) -> set[str]:
        """The question, and the fixed questions whose showing depends on it, directly or not."""
        known = self._swayed.get(question_id)
        if known is None:
            known = {question_id}
            for question in self.pack.questions:
                if question.id in self.fixed and question.when is not None:
                    if known & set(questions_read(question.when)):
                        known.add(question.id)
            self._swayed[question_id] = known
        return known

    def moves(self, branch_index: int, question_id: str, group_sums: tuple[Scores, ...]) -> bool:
        """Can another answer to the question (every other answer kept) give another winner?

        It does not matter which answer the question has in the branch: if its answers there do
        not all give the same winner, each has another that gives a different one.
        """
        key = (branch_index, question_id, group_sums)
        known = self._moved.get(key)
        if known is None:
            known = self._moves(branch_index, question_id, group_sums)
            self._moved.keep(key, known)
        return known

    def _moves(self, branch_index: int, question_id: str, group_sums: tuple[Scores, ...]) -> bool:
        branch = self.branches[branch_index]
        change = self.change(branch_index, question_id)
        self.work.spend(2 * self.step * (len(group_sums) + len(self.answers_in(branch, question_id)) + sum(map(len, change.revealed))))
        rest = _total(group_sums, self.zero)
        winners = {self.verdict(branch_index, _add(rest, scores)).role for scores in self.answers_in(branch, question_id)}
        if len(winners) > 1:
            return True
        winner = winners.pop()
        for index in range(len(change.alternatives)):
            kept = _total((s for s, group in zip(group_sums, change.groups, strict=True) if group[index]), self.zero)
            other = change.alternatives[index].index
            if any(self.verdict(other, _add(kept, extra)).role != winner for extra in change.revealed[index]):
                return True
        return False


def _leads(totals: tuple[int, ...]) -> tuple[int, ...]:
    """Per role: its total minus the best other total (0 for a single role)."""
    if len(totals) < 2:
        return (0,) * len(totals)
    best = max(range(len(totals)), key=totals.__getitem__)
    runner_up = max(t for role, t in enumerate(totals) if role != best)
    return tuple(total - (runner_up if role == best else totals[best]) for role, total in enumerate(totals))


def _shown(space: _Space, question: Question, answers: Mapping[str, tuple[str, ...]]) -> bool:
    shown = space.scorer.by_id[question.id].shown
    return shown is None or shown(answers, None, None)


def _class_answers(classes: Mapping[str, _Class]) -> dict[str, tuple[str, ...]]:
    return {question_id: each.answer for question_id, each in classes.items()}


def _one_change_away(branch: _Branch, other: _Branch, question_id: str) -> bool:
    """`other` gives the question an answer of another class and keeps every other fixed answer both show."""
    if other.classes[question_id].key == branch.classes[question_id].key:
        return False
    shared = (branch.classes.keys() & other.classes.keys()) - {question_id}
    return all(branch.classes[q].key == other.classes[q].key for q in shared)


# Counting outcomes


@dataclass
class _Tally:
    method: str
    counted: int = 0
    seed: int | None = None
    roles: Counter[int] = field(default_factory=Counter)
    courses: Counter[str | None] = field(default_factory=Counter)
    roadmaps: Counter[str | None] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    ties: int = 0
    close_calls: int = 0
    moves: Counter[str] = field(default_factory=Counter)
    unmeasured: set[str] = field(default_factory=set)  # questions whose moves were too costly to sample
    winners_complete: bool = True  # False when the work limit left some branches' winners unworked out
    situations: list[tuple[int, int, int]] | None = None  # see _possible
    situations_complete: bool = True
    # per branch: the roles that can win there (exact, or allowed by the weights when sampled)
    winners: dict[int, set[int]] = field(default_factory=dict)
    targets: Counter[int] = field(default_factory=Counter)
    rules: Counter[str] = field(default_factory=Counter)
    # (branch, role to start in, role to aim for) met while counting: what course and roadmap rules see
    step_inputs: set[tuple[int, int, int]] = field(default_factory=set)
    # per branch: the roles met while counting
    seen: dict[int, set[int]] = field(default_factory=dict)
    best_lead: dict[int, int] = field(default_factory=dict)

    def add(self, space: _Space, branch_index: int, scores: Scores, count: int) -> None:
        verdict = space.verdict(branch_index, scores)
        self.counted += count
        self.roles[verdict.role] += count
        self.targets[verdict.target] += count
        self.rules[verdict.rule] += count
        self.courses[verdict.course] += count
        self.roadmaps[verdict.roadmap] += count
        self.step_inputs.add((branch_index, verdict.role, verdict.target))
        self.labels[verdict.label] += count
        self.ties += count if verdict.tie else 0
        self.close_calls += count if verdict.label == space.lowest_label else 0
        self.seen.setdefault(branch_index, set()).add(verdict.role)
        for role, lead in enumerate(verdict.leads):
            self.best_lead[role] = max(self.best_lead.get(role, lead), lead)


def _count(space: _Space, sample_size: int, seed: int) -> _Tally:
    space.work.part = "exact count"
    try:
        return _count_exactly(space)
    except _TooLarge:
        return _count_sample(space, sample_size, seed)


def _count_exactly(space: _Space) -> _Tally:
    tally = _Tally("exact")
    for index, branch in enumerate(space.branches):
        for scores, count in space.distribution(branch, branch.shown).items():
            tally.add(space, index, scores, count)
        tally.winners[index] = tally.seen[index]
        for question_id in branch.shown:
            tally.moves[question_id] += _moves_exactly(space, index, question_id)
    return tally


def _moves_exactly(space: _Space, branch_index: int, question_id: str) -> int:
    """Answer sets of the branch where changing only this answer can change the recommendation."""
    branch = space.branches[branch_index]
    answers = sum(space.answers_in(branch, question_id).values())
    groups = [space.distribution(branch, members) for members in space.change(branch_index, question_id).members]
    if math.prod(len(counts) for counts in groups) > MAX_PAIRS:
        raise _TooLarge
    moved = 0
    for combination in itertools.product(*(counts.items() for counts in groups)):
        space.work.spend(len(groups) + 1)
        if space.moves(branch_index, question_id, tuple(scores for scores, _ in combination)):
            moved += answers * math.prod(count for _, count in combination)
    return moved


def _count_sample(space: _Space, sample_size: int, seed: int) -> _Tally:
    """A seeded uniform sample: a branch in proportion to its size, then each answer in it uniformly."""
    rng = random.Random(seed)
    tally = _Tally("sample", seed=seed)
    ends = list(itertools.accumulate(branch.size for branch in space.branches))
    work = space.work
    measured = 0  # answer sets whose moves were measured: all of them, unless the work limit stopped it
    for _ in range(sample_size):
        index = bisect.bisect_right(ends, rng.randrange(space.answer_sets))
        branch = space.branches[index]
        try:
            work.part = "sample"
            work.spend(space.step * 2 * len(branch.shown))
            drawn = {q: _draw_scores(space, rng, branch, q) for q in branch.shown}
            total = _total(drawn.values(), space.zero)
            tally.add(space, index, total, 1)
        except _TooLarge:
            work.note(f"the sample stopped at {tally.counted:,} of the {sample_size:,} answer sets asked for")
            break
        measured += _count_sample_moves(space, tally, index, drawn, total)
    _estimate_moves(tally, measured, work)
    _winners_by_weights(space, tally)
    return tally


def _estimate_moves(tally: _Tally, measured: int, work: _Work) -> None:
    """Moves measured on the first `measured` answer sets of the sample, scaled to all of it."""
    if measured == tally.counted:
        return
    for question_id, moved in tally.moves.items():
        tally.moves[question_id] = round(moved * tally.counted / measured) if measured else 0
    work.note(f"which answers one change moves was measured on the first {measured:,} of the {tally.counted:,} sampled answer sets and scaled up")


def _winners_by_weights(space: _Space, tally: _Tally) -> None:
    """Per branch, the roles the weights let win; where the work limit stops this, every role (none ruled out)."""
    space.work.part = "reachability"
    for index, branch in enumerate(space.branches):
        try:
            tally.winners[index] = {role for role in range(space.roles) if _may_win(space, branch, role)}
        except _TooLarge:
            tally.winners[index] = set(range(space.roles))
            tally.winners_complete = False
    if not tally.winners_complete:
        space.work.note("which roles the weights rule out was worked out for only some answer sets, so roles the sample did not meet are not ruled out")


def _draw_scores(space: _Space, rng: random.Random, branch: _Branch, question_id: str) -> Scores:
    fixed = branch.classes.get(question_id)
    if fixed is not None:
        return rng.choice(fixed.scores)
    return space.option_scores(question_id, draw_answer(rng, space.question(question_id)))


def _count_sample_moves(space: _Space, tally: _Tally, index: int, drawn: dict[str, Scores], total: Scores) -> int:
    """Add the moves of one sampled answer set to the tally: 1 if measured, 0 once the work limit is reached."""
    if space.work.exhausted("moves"):
        return 0
    space.work.part = "moves"
    moved: dict[str, bool] = {}
    for question_id in drawn:
        try:
            members = space.change(index, question_id).members
            space.work.spend(space.step * (3 + len(members) + sum(map(len, members)) - max(map(len, members), default=0)))
            moved[question_id] = space.moves(index, question_id, _group_sums(space, members, drawn, _sub(total, drawn[question_id])))
        except _TooLarge:
            if space.work.exhausted("moves"):
                return 0  # this answer set's moves are left out whole, so the shares stay unbiased
            tally.unmeasured.add(question_id)  # too many answers to try
    for question_id, moves in moved.items():
        tally.moves[question_id] += moves
    return 1


def _group_sums(space: _Space, members: tuple[tuple[str, ...], ...], drawn: dict[str, Scores], rest: Scores) -> tuple[Scores, ...]:
    """Each group's sum of drawn scores, given `rest`, the sum over all groups: the largest group by subtraction,
    so that a sampled answer set costs time in questions, not questions squared."""
    if not members:
        return ()
    largest = max(range(len(members)), key=lambda i: len(members[i]))
    sums = [_total((drawn[q] for q in group), space.zero) for i, group in enumerate(members) if i != largest]
    sums.insert(largest, _sub(rest, _total(sums, space.zero)))
    return tuple(sums)


def draw_answer(rng: random.Random, question: Question) -> tuple[str, ...]:
    """One answer to the question, every valid answer equally likely."""
    ids = question.choice_ids
    if not question.multiple:
        return (rng.choice(ids),)
    pick = rng.randrange(option_count(question))
    for size in range(question.min_choices, question.max_choices + 1):
        ways = math.comb(len(ids), size)
        if pick < ways:
            return tuple(ids[i] for i in sorted(rng.sample(range(len(ids)), size)))
        pick -= ways
    raise AssertionError("unreachable: pick is below the number of answers")


def _branch_margin_bound(space: _Space, branch: _Branch, role: int, other: int) -> int:
    """The most (role - other) can be in this branch: each question's best answer, summed."""
    total = 0
    for question_id in branch.shown:
        fixed = branch.classes.get(question_id)
        space.work.spend(2 * (len(space.scorer.vectors[question_id]) if fixed is None else len(fixed.counts)))
        if fixed is None:
            total += best_gain(space.question(question_id), space.scorer.vectors[question_id], role, other)
        else:
            total += max(_margin(scores, role, other) for scores in fixed.counts)
    return total


def _margin(scores: Scores, role: int, other: int) -> int:
    totals = (0, *scores)
    return totals[role] - totals[other]


def _may_win(space: _Space, branch: _Branch, role: int) -> bool:
    """Whether the weights let the role win in this branch: exact for two roles, an upper bound beyond."""
    rank = space.tie_rank
    for other in range(space.roles):
        needed = 0 if rank[role] < rank[other] else 1
        if other != role and _branch_margin_bound(space, branch, role, other) < needed:
            return False
    return True


def _best_lead_bound(space: _Space, role: int) -> int | None:
    """The most the role can lead the best other role by: exact for two roles, an upper bound beyond; None when
    the work limit stops the search."""
    others = [other for other in range(space.roles) if other != role]
    space.work.part = "reachability"
    try:
        return max((min((_branch_margin_bound(space, branch, role, other) for other in others), default=0) for branch in space.branches), default=0)
    except _TooLarge:
        return None


def _outcome_map(space: _Space, tally: _Tally) -> OutcomeMap:
    pack = space.pack
    return OutcomeMap(
        method=tally.method,
        answer_sets=space.answer_sets,
        counted=tally.counted,
        seed=tally.seed,
        roles=tuple(Share(role.id, role.title, tally.roles[i]) for i, role in enumerate(pack.roles)),
        targets=tuple(Share(role.id, role.title, tally.targets[i]) for i, role in enumerate(pack.roles)),
        rules=(*(Share(rule.id, rule.id, tally.rules[rule.id]) for rule in pack.advice_rules), Share("", "(the weights)", tally.rules[""])),
        courses=_step_shares(pack.courses, tally.courses),
        roadmaps=_step_shares(pack.roadmaps, tally.roadmaps) if pack.roadmaps or pack.roadmap_rules else (),
        confidence=tuple(Share(label.label, label.label, tally.labels[label.label]) for label in _distinct_labels(pack)),
        ties=tally.ties,
        close_calls=tally.close_calls,
        moves=tuple(Share(q.id, q.prompt, tally.moves[q.id]) for q in pack.questions),
        cut_short=tuple(space.work.cut),
    )


def _step_shares(steps: tuple[Course, ...], counts: Counter[str | None]) -> tuple[Share, ...]:
    shares = [Share(step.id, step.title, counts[step.id]) for step in steps]
    if counts[None]:
        shares.append(Share("", "(none)", counts[None]))
    return tuple(shares)


def _distinct_labels(pack: Pack) -> list[ConfidenceLabel]:
    seen: dict[str, ConfidenceLabel] = {}
    for label in pack.confidence_labels:
        seen.setdefault(label.label, label)
    return list(seen.values())


# Reachability


def _reachability(space: _Space, tally: _Tally) -> tuple[list[Reach], list[Problem], list[str]]:
    reach: list[Reach] = []
    errors: list[Problem] = []
    notes: list[str] = []
    for part in (_question_reach, _role_reach, _step_reach):
        found, problems, remarks = part(space, tally)
        reach += found
        errors += problems
        notes += remarks
    return reach, errors, notes + _idle_parts(space, tally)


def _idle_parts(space: _Space, tally: _Tally) -> list[str]:
    """Labels never given and questions no single change of which matters: not errors, but worth a look."""
    if tally.method != "exact":
        return []
    notes = [f"Confidence label '{label.label}' is never given." for label in _distinct_labels(space.pack) if not tally.labels[label.label]]
    if sum(1 for count in tally.roles.values() if count) < 2:
        return notes  # with one role always recommended, no answer matters; the error says why
    read_by_rules = {atom.question for rule in space.pack.course_rules + space.pack.roadmap_rules if rule.when for atom in answer_tests(rule.when)}
    idle = [
        q.id
        for q in space.pack.questions
        if not tally.moves[q.id] and q.id not in read_by_rules and any(q.id in branch.shown for branch in space.branches)
    ]
    if idle:
        notes.append(f"Changing only one answer never changes the recommendation for: {', '.join(idle)}.")
    return notes


def _question_reach(space: _Space, tally: _Tally) -> tuple[list[Reach], list[Problem], list[str]]:
    reach, errors = [], []
    for i, question in enumerate(space.pack.questions):
        shown = any(_shown(space, question, branch.answers) for branch in space.branches)
        why = "" if shown or question.when is None else f"its condition never holds: {describe(question.when)}"
        reach.append(Reach("question", question.id, shown, why))
        if not shown:
            errors.append(Problem("questions.yaml", f"questions[{i}].when", f"question '{question.id}' is never shown: {why}"))
    return reach, errors, []


def _exact_winners(space: _Space, tally: _Tally) -> bool:
    """Whether tally.winners is exact (the weights settle it for two roles even when sampling)."""
    return tally.method == "exact" or (space.roles <= 2 and tally.winners_complete)


def _role_reach(space: _Space, tally: _Tally) -> tuple[list[Reach], list[Problem], list[str]]:
    reach, errors, notes = [], [], []
    exact = _exact_winners(space, tally)
    possible = set().union(*tally.winners.values()) if tally.winners else set()
    met = set().union(*tally.seen.values())
    for i, role in enumerate(space.pack.roles):
        if i not in possible:
            why = _why_never_recommended(space, tally, i)
            reach.append(Reach("role", role.id, False, why))
            errors.append(Problem("roles.yaml", f"roles[{i}]", f"role '{role.id}' can never be recommended: {why}"))
        elif not exact and i not in met:
            reach.append(Reach("role", role.id, True, confirmed=False))
            notes.append(f"Role '{role.id}' did not come up in the sample, and the weights do not rule it out.")
        else:
            reach.append(Reach("role", role.id, True))
    return reach, errors, notes


def _why_never_recommended(space: _Space, tally: _Tally, role: int) -> str:
    pack = space.pack
    role_id = pack.role_ids[role]
    lead = tally.best_lead.get(role, 0) if tally.method == "exact" else _best_lead_bound(space, role)
    reasons = []
    if not any(w.role == role_id and w.points > 0 for q in pack.questions for c in q.choices for w in c.weights):
        reasons.append("no choice gives it any points")
    if lead is None:
        reasons.append("the weights never let it lead every other role")
    elif lead < 0:
        reasons.append(f"even its best answers leave it {-lead} point{'s' if lead != -1 else ''} behind another role")
    else:
        ahead = pack.tie_break[: pack.tie_break.index(role_id)]
        reasons.append(f"at best it ties, and ties go to {', '.join(ahead) or 'another role'} (tie_break)")
    return "; ".join(reasons)


def _step_reach(space: _Space, tally: _Tally) -> tuple[list[Reach], list[Problem], list[str]]:
    courses = _rule_list_reach(space, tally, "course", space.pack.course_rules, space.pack.courses)
    roadmaps = _rule_list_reach(space, tally, "roadmap", space.pack.roadmap_rules, space.pack.roadmaps)
    return courses[0] + roadmaps[0], courses[1] + roadmaps[1], courses[2] + roadmaps[2]


def _rule_list_reach(space: _Space, tally: _Tally, kind: str, rules: tuple[Rule, ...], steps: tuple[Course, ...]) -> tuple[list[Reach], list[Problem], list[str]]:
    """Which courses (or roadmaps) a rule list can choose, and whether it always chooses one."""
    reach: list[Reach] = []
    errors: list[Problem] = []
    notes: list[str] = []
    rule_list, section = ("next_course", "courses") if kind == "course" else ("roadmap", "roadmaps")
    if rules and steps:
        _possible(space, tally)  # worked out before `complete` is read
    chosen = _chosen_steps(space, tally, kind)
    complete = tally.situations_complete
    met = {target for target, count in (tally.courses if kind == "course" else tally.roadmaps).items() if count}
    for i, step in enumerate(steps):
        if step.id not in chosen and complete:
            why = _why_never_chosen(space, tally, rules, rule_list, step.id)
            reach.append(Reach(kind, step.id, False, why))
            errors.append(Problem("courses.yaml", f"{section}[{i}]", f"{kind} '{step.id}' is never chosen: {why}"))
        elif (not complete or not _exact_winners(space, tally)) and step.id not in chosen | met:
            reach.append(Reach(kind, step.id, True, confirmed=False))
            notes.append(f"{kind.capitalize()} '{step.id}' did not come up, and the work limit stopped the search before ruling it out.")
        elif not _exact_winners(space, tally) and step.id not in met:
            reach.append(Reach(kind, step.id, True, confirmed=False))
            notes.append(f"{kind.capitalize()} '{step.id}' did not come up in the sample, and the weights do not rule it out.")
        else:
            reach.append(Reach(kind, step.id, True))
    if rules and None in chosen and kind == "course":  # a roadmap is offered only to some; every answer set needs a course
        errors.append(Problem("courses.yaml", rule_list, _gap_message(space, tally, kind)))
    elif not rules and kind == "course":
        errors.append(Problem("courses.yaml", rule_list, "no rules, so no answer set gets a course"))
    return reach, errors, notes


def _possible(space: _Space, tally: _Tally) -> list[tuple[int, int, int]]:
    """(branch, role to start in, role to aim for) triples that can happen, one for each situation course and
    roadmap rules tell apart (the answers they read, both roles): those met when counting exactly; when
    sampling, also every pair the weights allow, so that nothing is called unreachable by chance. Past the work
    limit, the list stops and tally.situations_complete is False."""
    if tally.situations is None:
        tally.situations = _situations(space, tally)
    return tally.situations


def _situations(space: _Space, tally: _Tally) -> list[tuple[int, int, int]]:
    read = tuple(dict.fromkeys(atom.question for rule in space.pack.course_rules + space.pack.roadmap_rules if rule.when for atom in answer_tests(rule.when)))
    kinds: dict[tuple[object, ...], int] = {}  # the answers rules read -> the first branch that gives them
    same = [kinds.setdefault(tuple(branch.answers.get(q) for q in read), branch.index) for branch in space.branches]
    if tally.method == "exact":
        triples: Iterable[tuple[int, int, int]] = sorted({(same[index], start, target) for index, start, target in tally.step_inputs})
    else:
        winners: dict[int, set[int]] = {}
        for index, roles in tally.winners.items():
            winners.setdefault(same[index], set()).update(roles)
        triples = ((index, start, target) for index, roles in sorted(winners.items()) for start in sorted(roles) for target in range(space.roles))
    found: list[tuple[int, int, int]] = []
    space.work.part = "reachability"
    try:
        for triple in triples:
            space.work.spend(space.step + len(space.pack.course_rules) + len(space.pack.roadmap_rules))
            found.append(triple)
    except _TooLarge:
        tally.situations_complete = False
        space.work.note("which courses and roadmaps the rules choose was worked out for only some answer sets, so none is called never chosen")
    return found


def _chosen_step(space: _Space, kind: str, index: int, start: int, target: int) -> str | None:
    """The course (or roadmap) the scorer picks for a branch and both roles."""
    role_ids = space.scorer.role_ids
    course, roadmap = space.scorer.steps(space.branches[index].answers, role_ids[start], role_ids[target])
    rule = course if kind == "course" else roadmap
    return rule.course if rule else None


def _chosen_steps(space: _Space, tally: _Tally, kind: str) -> set[str | None]:
    return {_chosen_step(space, kind, *triple) for triple in _possible(space, tally)}


def _why_never_chosen(space: _Space, tally: _Tally, rules: tuple[Rule, ...], rule_list: str, target: str) -> str:
    naming = [i for i, rule in enumerate(rules) if rule.course == target]
    if not naming:
        return f"no rule in {rule_list} names it"
    reasons = []
    role_ids = space.scorer.role_ids
    for i in naming:
        when = rules[i].when
        holds = compile_condition(when) if when is not None else None
        if holds is not None and when is not None and not any(
            holds(space.branches[index].answers, role_ids[start], role_ids[aim]) for index, start, aim in _possible(space, tally)
        ):
            reasons.append(f"{rule_list}[{i}] never holds: {describe(when)}")
        else:
            reasons.append(f"{rule_list}[{i}] holds only where an earlier rule already holds")
    return "; ".join(reasons)


def _gap_message(space: _Space, tally: _Tally, kind: str) -> str:
    index, start, _ = next(triple for triple in _possible(space, tally) if _chosen_step(space, kind, *triple) is None)
    answers = ", ".join(f"{q}={','.join(option)}" for q, option in space.branches[index].answers.items())
    situation = f"{answers}, recommended {space.pack.role_ids[start]}" if answers else f"recommended {space.pack.role_ids[start]}"
    counts = tally.courses if kind == "course" else tally.roadmaps
    how_many = f" ({counts[None]:,} of {tally.counted:,} answer sets{' sampled' if tally.method == 'sample' else ''})" if counts[None] else ""
    return f"no rule holds for some answer sets{how_many}, e.g. {situation}; end the list with a rule without `when`"


# Comparing two outcome maps


@dataclass(frozen=True, slots=True)
class ShareChange:
    id: str
    title: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


def share_changes(before: OutcomeMap, after: OutcomeMap, part: str) -> tuple[ShareChange, ...]:
    """Shares of one part of the map ("roles", "courses", "roadmaps", "confidence"), before and after, by id."""
    old = {share.id: share for share in getattr(before, part)}
    new = {share.id: share for share in getattr(after, part)}
    ids = list(dict.fromkeys([*new, *old]))
    return tuple(
        ShareChange(
            item,
            (new.get(item) or old[item]).title,
            before.share(old[item].count) if item in old else 0.0,
            after.share(new[item].count) if item in new else 0.0,
        )
        for item in ids
    )


def count_changes(before: OutcomeMap, after: OutcomeMap) -> tuple[ShareChange, ...]:
    return (
        ShareChange("ties", "Exact ties", before.share(before.ties), after.share(after.ties)),
        ShareChange("close_calls", "Close calls", before.share(before.close_calls), after.share(after.close_calls)),
    )
