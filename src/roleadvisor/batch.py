"""Streaming CSV / JSONL scoring: one result row per input row, in input order, in constant memory.

Input is read a line at a time and each result row is written as soon as it is scored, so memory
does not grow with the row count. Columns that are not question ids are carried through; then come
the result columns (`role`, `confidence`, `label`, `next_course`, `roadmap`, one `score_<role>` per
role, `error`). Input columns with those names (a batch output read again) are replaced, and the summary
says so. A row that cannot be scored gets `error` filled and empty results, and the run goes on: a bad answer,
a row that is not UTF-8 (its undecodable cells left empty, never guessed), in JSONL a key written twice or
NaN / Infinity (the object's other fields still carried). Answers to questions the other answers do not ask
are ignored, as in the quiz, and the summary counts the rows that gave them. Input that cannot be read at all
raises InputFileError: a header that is not UTF-8, a CSV quote never closed (the rest of the file would be one
cell), and so does an output that is the input file.

Row numbers are what a spreadsheet or an editor shows: in a CSV the header is row 1, in JSONL each
line is a row. Rows with no content at all are skipped.

Speed comes from compiling the pack once (`CompiledPack`): per question, a dict from each valid
cell text to its choices and weight vector, and each `when` / course-rule condition as a closure.
The results equal `engine.score_answers` (tests check it on random answer sets).
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import math
import operator
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple, Optional, TextIO, cast

from roleadvisor import engine
from roleadvisor.answers import as_choices, check_answer, split_choices
from roleadvisor.errors import AnswerError, InputFileError
from roleadvisor.files import StdoutWriter, atomic_output, open_input
from roleadvisor.pack import AllOf, AnswerIn, AnyOf, Condition, Not, Pack, Question, Recommended

CSV_SUFFIXES = (".csv",)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
MULTI_SEPARATOR = ";"
# How many error row numbers the summary names (and how many left-out field names a CSV note names).
SUMMARY_ROWS = 5
# Rows between progress bar updates.
PROGRESS_EVERY = 2048
# --output - means stdout, as INPUT - means stdin.
STDOUT = Path("-")

ChosenAnswers = Mapping[str, tuple[str, ...]]
Check = Callable[[ChosenAnswers, Optional[str]], bool]


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch run did, for the one stderr line and the exit code."""

    rows: int
    error_count: int
    first_error_rows: tuple[int, ...]
    notes: tuple[str, ...] = ()
    output: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.error_count else 0

    @property
    def message(self) -> str:
        text = f"Scored {_count(self.rows, 'row')}"
        if self.error_count:
            scored = self.rows - self.error_count
            named = ", ".join(str(n) for n in self.first_error_rows)
            more = ", ..." if self.error_count > len(self.first_error_rows) else ""
            which = "row" if self.error_count == 1 else "rows"
            text = (
                f"Scored {scored} of {_count(self.rows, 'row')}; {_count(self.error_count, 'row')} had errors "
                f"({which} {named}{more}; see the error column)"
            )
        if self.output is not None:
            text += f"; wrote {self.output}"
        return ". ".join([text, *self.notes]) + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# The pack, compiled for scoring many rows


class ValidAnswer(NamedTuple):
    """A validated answer: its choices in question order and the points it gives each role."""

    choices: tuple[str, ...]
    points: tuple[int, ...]


class Step(NamedTuple):
    """One question, compiled: when it is shown and what each valid answer is worth."""

    question: Question
    shown: Check | None
    by_text: Mapping[str, ValidAnswer]
    by_choices: Mapping[tuple[str, ...], ValidAnswer]
    read_by_conditions: bool  # a `when` or a course rule reads this question's answer


# A question's table holds at most this many valid answers; answers beyond them are checked row by row.
MAX_TABLE_SIZE = 50_000


def compile_condition(condition: Condition) -> Check:
    """A condition as a closure over (answers, recommended role): the same truth as engine.condition_holds."""
    if isinstance(condition, AnswerIn):
        question, wanted = condition.question, frozenset(condition.choices)
        return lambda answers, role: not wanted.isdisjoint(answers.get(question, ()))
    if isinstance(condition, Recommended):
        expected = condition.role
        return lambda answers, role: role == expected
    if isinstance(condition, Not):
        inner = compile_condition(condition.condition)
        return lambda answers, role: not inner(answers, role)
    if isinstance(condition, (AllOf, AnyOf)):
        return _compile_group(tuple(compile_condition(c) for c in condition.conditions), isinstance(condition, AllOf))
    raise TypeError(f"not a condition: {condition!r}")


def _conditions(pack: Pack) -> Iterator[Condition]:
    whens = itertools.chain((q.when for q in pack.questions), (r.when for r in pack.course_rules + pack.roadmap_rules))
    return (when for when in whens if when is not None)


def _compile_group(parts: tuple[Check, ...], every: bool) -> Check:
    # Loops rather than all()/any() over a generator: no generator object per call.
    if every:

        def all_hold(answers: ChosenAnswers, role: str | None) -> bool:
            for part in parts:
                if not part(answers, role):
                    return False
            return True

        return all_hold

    def any_holds(answers: ChosenAnswers, role: str | None) -> bool:
        for part in parts:
            if part(answers, role):
                return True
        return False

    return any_holds


def _answer_table(question: Question, vectors: Mapping[str, tuple[int, ...]]) -> dict[tuple[str, ...], ValidAnswer]:
    """Every valid answer to a question (in question order) with its summed weight vector."""
    options = engine.answer_options(question)
    table: dict[tuple[str, ...], ValidAnswer] = {}
    for choices in itertools.islice(options, MAX_TABLE_SIZE):
        table[choices] = _valid_answer(choices, vectors)
    return table


def _valid_answer(choices: tuple[str, ...], vectors: Mapping[str, tuple[int, ...]]) -> ValidAnswer:
    columns = zip(*(vectors[c] for c in choices), strict=True)
    return ValidAnswer(choices, tuple(sum(column) for column in columns))


RuleList = tuple[tuple[Optional[Check], str], ...]


class CompiledPack:
    """A pack made ready for scoring many rows: lookup tables and condition closures, built once."""

    def __init__(self, pack: Pack) -> None:
        tables = engine.tables(pack)
        self.pack = pack
        self.role_ids = tables.role_ids
        self.vectors = tables.vectors
        self.tie_order = tables.tie_order
        self.best_margin = tables.best_margin
        self.zero_points = (0,) * len(self.role_ids)
        read = {q for condition in _conditions(pack) for q in engine.condition_questions(condition)}
        self.steps = tuple(self._step(question, read) for question in pack.questions)
        self.course_rules = _compile_rules(pack.course_rules)
        self.roadmap_rules = _compile_rules(pack.roadmap_rules)
        self.result_columns = (
            "role",
            "confidence",
            "label",
            "next_course",
            "roadmap",
            *(f"score_{role}" for role in self.role_ids),
            "error",
        )
        self.empty_result: tuple[object, ...] = (None,) * (len(self.result_columns) - 1)
        self._outcomes: dict[tuple[int, int], tuple[float, str]] = {}

    def _step(self, question: Question, read: set[str]) -> Step:
        by_choices = _answer_table(question, self.vectors[question.id])
        by_text = {MULTI_SEPARATOR.join(choices): answer for choices, answer in by_choices.items()}
        shown = compile_condition(question.when) if question.when is not None else None
        return Step(question, shown, by_text, by_choices, question.id in read)

    def checked(self, step: Step, choices: tuple[str, ...], row: int) -> ValidAnswer:
        """The slow path for an answer not in the tables: check it (AnswerError says what is wrong)."""
        ordered = check_answer(step.question, choices, f"row {row}")
        return step.by_choices.get(ordered) or _valid_answer(ordered, self.vectors[step.question.id])

    def result(self, answers: ChosenAnswers, points: list[tuple[int, ...]]) -> list[object]:
        """The result columns for a complete, valid answer set (the error column empty)."""
        # Every vector has one entry per role; strict=True would cost a third of this line.
        totals = list(map(sum, zip(*points, strict=False)))
        top = max(totals)
        for winner in self.tie_order:
            if totals[winner] == top:
                break
        confidence, label = self._outcome(winner, totals)
        role = self.role_ids[winner]
        return [
            role,
            confidence,
            label,
            _first_target(self.course_rules, answers, role),
            _first_target(self.roadmap_rules, answers, role),
            *totals,
            None,
        ]

    def _outcome(self, winner: int, totals: list[int]) -> tuple[float, str]:
        # Confidence depends only on the winner and its margin, so it is worked out once per pair.
        margin = 0
        if len(totals) > 1:
            ordered = sorted(totals)
            margin = ordered[-1] - ordered[-2]
        known = self._outcomes.get((winner, margin))
        if known is None:
            confidence = engine.confidence_for(self.pack, winner, tuple(totals))
            known = self._outcomes[(winner, margin)] = (confidence, engine.label_for(self.pack, confidence))
        return known

    def score_fully(
        self,
        written: Callable[[Step], tuple[str, ...] | None],
        row: int,
        problems: list[Problem],
        absent: Iterable[str] = (),
        hint: Callable[[Question, tuple[str, ...]], str] | None = None,
        *,
        notes: ReadNotes,
    ) -> list[object]:
        """Check every shown answer and collect every problem: the path for rows the tables do not cover.

        `written(step)` gives a question's choices as the row has them: () when unanswered, None when the value
        is not a choice id or a list of them. `hint(question, choices)` adds to a bad answer's message. A scored
        row that answers a question its other answers do not ask is counted in `notes`.
        """
        answers: dict[str, tuple[str, ...]] = {}
        points = [self.zero_points]
        missing = ignored = False
        for step in self.steps:
            if step.shown is not None and not step.shown(answers, None):
                ignored = ignored or written(step) != ()
                continue
            question_id = step.question.id
            choices = written(step)
            if choices is None:
                problems.append(Problem(question_id, f"row {row}: '{question_id}': expected a choice id or a list of choice ids"))
                continue
            if not choices:
                missing = True
                continue
            try:
                answer = step.by_choices.get(choices) or self.checked(step, choices, row)
            except AnswerError as error:
                problems.append(Problem(question_id, str(error) + (hint(step.question, choices) if hint else "")))
                continue
            answers[question_id] = answer.choices
            points.append(answer.points)
        if problems or missing:
            return self.failure(problems, answers, row, absent)
        if ignored:
            notes.ignored_rows += 1
        return self.result(answers, points)

    def failure(self, problems: list[Problem], answers: ChosenAnswers, row: int, absent: Iterable[str]) -> list[object]:
        """The result columns for a row that cannot be scored: empty results and every problem, in one text.

        Missing answers are those engine.missing_questions names, given the answers that were valid.
        """
        answered_badly = {problem.question for problem in problems}
        absent = set(absent)
        missing = [
            f"{q} (no '{q}' column)" if q in absent else q
            for q in engine.missing_questions(self.pack, answers)
            if q not in answered_badly
        ]
        messages = [problem.message for problem in problems]
        if missing:
            messages.append(f"missing answers for: {', '.join(missing)}")
        prefix = f"row {row}: "
        return [*self.empty_result, prefix + "; ".join(m.removeprefix(prefix) for m in messages)]


class Problem(NamedTuple):
    """Why one answer in a row (or the whole row, when `question` is empty) cannot be used."""

    question: str
    message: str


def _compile_rules(rules: Iterable[Any]) -> RuleList:
    return tuple((compile_condition(rule.when) if rule.when is not None else None, rule.target) for rule in rules)


def _first_target(rules: RuleList, answers: ChosenAnswers, role: str) -> str | None:
    """engine.first_rule with compiled conditions."""
    for holds, target in rules:
        if holds is None or holds(answers, role):
            return target
    return None


@lru_cache(maxsize=8)
def compiled(pack: Pack) -> CompiledPack:
    return CompiledPack(pack)


# Reading rows


class CsvLayout:
    """Where each question's answer sits in a CSV row, and which columns are carried through."""

    def __init__(self, pack: CompiledPack, header: list[str], name: str) -> None:
        names = [cell.strip() for cell in header]
        question_ids = {step.question.id for step in pack.steps}
        positions: dict[str, int] = {}
        for index, column in enumerate(names):
            if column in question_ids:
                if column in positions:
                    raise InputFileError(f"{name}: the header names the column '{column}' twice")
                positions[column] = index
        if not positions:
            known = ", ".join(step.question.id for step in pack.steps)
            hint = _header_hint(names, question_ids)
            raise InputFileError(f"{name}: the header row names no question (expected columns named: {known}){hint}")
        # Result columns in the input (a batch output read again) are replaced, not repeated.
        result_columns = set(pack.result_columns)
        carried = [i for i, column in enumerate(names) if column not in question_ids and column not in result_columns]
        self.pack = pack
        self.width = len(header)
        self.carried_names = [header[i] for i in carried]
        self.notes = ReadNotes(dict.fromkeys(column for column in names if column in result_columns))
        self.carried_cells = _cells_at(carried)
        self.absent = tuple(step.question.id for step in pack.steps if step.question.id not in positions)
        self.position_of = {step.question.id: positions.get(step.question.id) for step in pack.steps}
        # The fast path: an absent column gets an empty table, so rows that show its question take the full path.
        plan = []
        for step in pack.steps:
            position = self.position_of[step.question.id]
            present = position is not None
            plan.append((step.question.id, step.shown, step.by_text if present else {}, position or 0, step.read_by_conditions, present))
        self.plan = tuple(plan)

    def score(self, row: list[str], number: int) -> list[object]:
        """The result columns for one row of `width` cells.

        The fast path only looks cells up in the tables and keeps only the answers conditions read;
        anything else (a cell not in a table, an empty one, an absent column) is scored in full.
        """
        answers: dict[str, tuple[str, ...]] = {}
        points = [self.pack.zero_points]
        ignored = False
        for question_id, shown, by_text, position, read_by_conditions, has_column in self.plan:
            if shown is not None and not shown(answers, None):
                # Not asked, so its answer is ignored (the summary counts such rows); an empty cell is the usual case.
                if has_column and row[position] and split_choices(row[position], MULTI_SEPARATOR):
                    ignored = True
                continue
            answer = by_text.get(row[position])
            if answer is None:
                return self.score_fully(row, number)
            if read_by_conditions:
                answers[question_id] = answer.choices
            points.append(answer.points)
        if ignored:
            self.notes.ignored_rows += 1
        return self.pack.result(answers, points)

    def score_fully(self, row: list[str], number: int, problems: list[Problem] | None = None) -> list[object]:
        """Every answer checked and every problem named (the cells split at `;`; an absent column is unanswered)."""

        def written(step: Step) -> tuple[str, ...]:
            position = self.position_of[step.question.id]
            return split_choices(row[position], MULTI_SEPARATOR) if position is not None else ()

        return self.pack.score_fully(written, number, problems or [], self.absent, _comma_hint, notes=self.notes)

    def fitted(self, row: list[str], number: int) -> tuple[list[str], list[Problem]]:
        """Pad a short row (spreadsheets drop trailing empty cells); flag a row with extra non-empty cells."""
        if len(row) < self.width:
            return row + [""] * (self.width - len(row)), []
        if any(cell.strip() for cell in row[self.width :]):
            return row[: self.width], [Problem("", f"row {number}: {len(row)} cells, but the header has {self.width} columns")]
        return row[: self.width], []


def _header_hint(names: list[str], question_ids: set[str]) -> str:
    """Why a header might name no question: another separator, or ids in the wrong case."""
    if len(names) == 1 and ";" in names[0] and "," not in names[0]:
        return "; the file seems semicolon-separated, but batch expects commas"
    wrong_case = [column for column in names if column.lower() in question_ids]
    if wrong_case:
        return f"; question ids are lower-case (the header has {', '.join(wrong_case)})"
    return ""


def _comma_hint(question: Question, choices: tuple[str, ...]) -> str:
    """A hint for a cell like `rag_apps,evaluation`: valid choices separated the wrong way."""
    valid = question.choice_ids
    for choice in choices:
        parts = [part.strip() for part in choice.split(",")]
        if len(parts) > 1 and all(part in valid for part in parts):
            return f" (separate choices with '{MULTI_SEPARATOR}' in a CSV cell)"
    return ""


def _cells_at(positions: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """A fast picker of the cells at `positions` (itemgetter returns a bare value for one position)."""
    if not positions:
        return lambda row: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda row: (row[only],)
    return operator.itemgetter(*positions)


Carried = Any  # a sequence aligned with the carried column names (CSV input) or a dict (JSONL input)
ScoredRow = tuple[int, Carried, list[object]]

NOT_UTF8 = "not UTF-8 text (save the file as UTF-8; it may be Latin-1 / Windows-1252)"


@dataclass(slots=True)
class ReadNotes:
    """What reading the rows noticed, for the summary; complete once every row is read."""

    replaced: dict[str, None] = field(default_factory=dict)  # result columns found in the input
    ignored_rows: int = 0  # scored rows that answered questions their other answers do not ask

    def sentences(self) -> tuple[str, ...]:
        sentences = list(_replaced_note(self.replaced))
        if self.ignored_rows:
            their = "its" if self.ignored_rows == 1 else "their"
            sentences.append(
                f"{_count(self.ignored_rows, 'row')} answered questions {their} other answers do not ask (those answers were ignored)"
            )
        return tuple(sentences)


class InputRows(NamedTuple):
    """What a reader gives: the carried column names (None for JSONL, where each object carries its own), the
    scored rows, and what reading them noticed."""

    columns: list[str] | None
    scored: Iterator[ScoredRow]
    notes: ReadNotes


def read_csv(source: Source, pack: CompiledPack) -> InputRows:
    """The carried column names, and the scored rows. A header that cannot be used raises InputFileError."""
    reader = csv.reader(source.lines)
    try:
        number, header = _header(reader, source.name)
    except csv.Error as error:
        raise _unreadable(source.name, reader.line_num + 1, error) from None
    if source.decoded.ended:
        raise _unclosed_quote(source.name, number)
    if source.decoded.undecodable:
        raise InputFileError(f"{source.name}: row {number}: {NOT_UTF8}")
    layout = CsvLayout(pack, header, source.name)
    return InputRows(layout.carried_names, _scored_csv_rows(reader, layout, source, number + 1), layout.notes)


def _header(reader: Iterator[list[str]], name: str) -> tuple[int, list[str]]:
    """The first row with content, and its row number."""
    for number, row in enumerate(reader, start=1):
        if any(cell.strip() for cell in row):
            return number, row
    raise InputFileError(f"{name}: no header row (expected a first row of question ids)")


def _scored_csv_rows(reader: Iterator[list[str]], layout: CsvLayout, source: Source, first: int) -> Iterator[ScoredRow]:
    number = first - 1
    width = layout.width
    decoded = source.decoded
    try:
        for number, row in enumerate(reader, start=first):
            if decoded.ended:
                raise _unclosed_quote(source.name, number)
            if decoded.undecodable:
                decoded.undecodable = False
                cells, _ = layout.fitted(row, number)
                error = f"row {number}: {NOT_UTF8}"
                yield number, layout.carried_cells(_without_bad_bytes(cells)), [*layout.pack.empty_result, error]
                continue
            if len(row) == width:
                result = layout.score(row, number)
            else:
                row, problems = layout.fitted(row, number)
                result = layout.score_fully(row, number, problems)
            if result[-1] is not None and not any(cell.strip() for cell in row):
                continue  # a row with no content at all (a blank line, or only separators)
            yield number, layout.carried_cells(row), result
    except csv.Error as error:
        raise _unreadable(source.name, number + 1, error) from None


def _unreadable(name: str, row: int, error: csv.Error) -> InputFileError:
    # A quote never closed reads the rest of the file into one cell: in a long file, that cell outgrows the limit.
    too_long = str(error).startswith("field larger than field limit")
    hint = '; perhaps a quote (") opened here is never closed' if too_long else ""
    return InputFileError(f"{name}: row {row}: cannot read CSV ({error}){hint}")


def _unclosed_quote(name: str, row: int) -> InputFileError:
    # Only the end of the input completed the row, so every line after the quote was read into one cell.
    return InputFileError(
        f'{name}: row {row}: a quote (") opened here is never closed, so the rest of the file reads as one cell; '
        'stopped rather than drop those rows (close the quote, or write a quote inside a cell as "")'
    )


# Text decoded from bytes that are not UTF-8 holds lone surrogates in their place (errors="surrogateescape").
_BAD_BYTES = re.compile("[\udc80-\udcff]")


def _without_bad_bytes(cells: list[str]) -> list[str]:
    """The cells, those holding bytes that are not UTF-8 left empty: their text would be a guess."""
    return ["" if _BAD_BYTES.search(cell) else cell for cell in cells]


def json_choices(value: object) -> tuple[str, ...] | None:
    """A JSONL answer as choice ids, read as in answer files: () when unanswered, None when malformed."""
    if value is None:
        return ()
    try:
        return tuple(choice for choice in as_choices(value, "") if choice)
    except AnswerError:
        return None


def read_jsonl(source: Source, pack: CompiledPack) -> InputRows:
    """No fixed columns (each object carries its own), and the scored rows."""
    notes = ReadNotes()
    return InputRows(None, _scored_jsonl_rows(source, pack, notes), notes)


def _scored_jsonl_rows(source: Source, pack: CompiledPack, notes: ReadNotes) -> Iterator[ScoredRow]:
    """The scored rows; result columns found in the objects are noted as replaced."""
    dropped = {step.question.id for step in pack.steps} | set(pack.result_columns)
    result_columns = set(pack.result_columns)
    parser = StrictJson()
    first = True
    for number, line in enumerate(source.lines, start=1):
        if not line.strip():
            continue
        undecodable, source.decoded.undecodable = source.decoded.undecodable, False
        record = _json_object(parser, line, number, source.name, first, undecodable)
        first = False
        if isinstance(record, str):
            yield number, {}, [*pack.empty_result, record]
            continue
        problems = parser.problems(record, number)
        unusable = {problem.question for problem in problems}
        if undecodable:
            unusable.update(key for key, value in record.items() if _holds_bad_bytes(key, value))
        usable = {key: value for key, value in record.items() if key not in unusable} if unusable else record
        carried = {key: value for key, value in usable.items() if key not in dropped}
        notes.replaced.update((key, None) for key in record if key in result_columns)
        if undecodable:
            yield number, carried, [*pack.empty_result, f"row {number}: {NOT_UTF8}"]
            continue
        yield number, carried, score_record(pack, usable, number, problems, notes)


def score_record(
    pack: CompiledPack, record: Mapping[str, object], number: int, problems: list[Problem], notes: ReadNotes
) -> list[object]:
    """The result columns for one JSONL answers object (`problems`: those already found in it)."""
    return pack.score_fully(lambda step: json_choices(record.get(step.question.id)), number, problems, notes=notes)


def _holds_bad_bytes(key: str, value: object) -> bool:
    return bool(_BAD_BYTES.search(key) or _BAD_BYTES.search(json.dumps(value, ensure_ascii=False)))


def _json_object(
    parser: StrictJson, line: str, number: int, name: str, first: bool, undecodable: bool
) -> dict[str, object] | str:
    """The answers object on one line, or an error text for its row.

    A first line that is not a JSON object means the input is not JSON Lines at all (a JSON array,
    a pretty-printed object, another encoding): that is fatal. A bad line later is one bad row.
    """
    try:
        record = parser.parse(line)
        if isinstance(record, dict):
            return record
        problem = f"expected a JSON object, got {_json_kind(record)}"
    except json.JSONDecodeError as error:
        problem = f"not valid JSON ({error.msg})"
    except RecursionError:
        problem = "not valid JSON (nesting too deep)"
    if undecodable:  # bytes that are not UTF-8 are the likelier cause
        problem = NOT_UTF8
    if first:
        expected = "" if undecodable else "; expected JSON Lines (one answers object per line)"
        raise InputFileError(f"{name}: row {number}: {problem}{expected}")
    return f"row {number}: {problem}"


class Refused(NamedTuple):
    """A JSON value batch refuses, left in its place so that the rest of the object stays usable."""

    reason: str
    duplicate_key: bool = False


class StrictJson:
    """JSON as batch reads it: what no JSON writer may emit becomes a Refused value, and `problems` names it.

    Python's json keeps the last of two equal keys and reads NaN / Infinity; a number too large for a float
    or with too many digits for int() would raise and lose the whole object.
    """

    def __init__(self) -> None:
        self.refused = False  # the last object parsed holds a Refused value
        self.decoder = json.JSONDecoder(
            object_pairs_hook=self._object, parse_constant=self._constant, parse_float=self._float, parse_int=self._int
        )

    def parse(self, line: str) -> object:
        self.refused = False
        return self.decoder.decode(line)

    def problems(self, record: dict[str, object], number: int) -> list[Problem]:
        """One problem per field of `record` holding a refused value, named after the field."""
        if not self.refused:
            return []
        problems = []
        for key, value in record.items():
            refusal = _first_refusal(value)
            if refusal is None:
                continue
            if not refusal.duplicate_key:
                message = f"'{key}': {refusal.reason}"
            else:
                message = refusal.reason if refusal is value else f"{refusal.reason} (in '{key}')"
            problems.append(Problem(key, f"row {number}: {message}"))
        return problems

    def _refuse(self, reason: str, duplicate_key: bool = False) -> Refused:
        self.refused = True
        return Refused(reason, duplicate_key)

    def _object(self, pairs: list[tuple[str, object]]) -> dict[str, object]:
        record = dict(pairs)
        if len(record) < len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    record[key] = self._refuse(f"duplicate key '{key}'", duplicate_key=True)
                seen.add(key)
        return record

    def _constant(self, constant: str) -> Refused:
        return self._refuse(f"not valid JSON ({constant} is not a JSON number)")

    def _float(self, text: str) -> float | Refused:
        number = float(text)
        return self._refuse(f"the number {text} is out of range") if math.isinf(number) else number

    def _int(self, text: str) -> int | Refused:
        try:
            return int(text)
        except ValueError:  # int() refuses a number of over 4300 digits
            return self._refuse("a number has too many digits")


def _first_refusal(value: object) -> Refused | None:
    """A Refused value in `value`, however deep (a loop, not recursion: the nesting may be deep)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Refused):
            return item
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _json_kind(value: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


# Opening the input


class DecodedLines:
    """A byte stream's lines as UTF-8 text with their line endings (the csv module wants them), read as asked for.

    A byte order mark at the start is dropped (spreadsheet exports add one). A line that is not UTF-8 does not stop
    the reading: its bad bytes become lone surrogates (see _BAD_BYTES) and `undecodable` turns true, for the reader
    to make the row holding it an error and set it back. `ended` turns true once the last line has been read.
    Decoding line by line is as fast as a text wrapper.
    """

    def __init__(self, binary: Iterable[bytes]) -> None:
        self.undecodable = False
        self.ended = False
        self.lines = self._decoded(iter(binary))

    def _decoded(self, binary: Iterator[bytes]) -> Iterator[str]:
        for first in binary:
            yield self._text(first).removeprefix("\ufeff")
            break
        for line in binary:
            try:
                text = line.decode()
            except UnicodeDecodeError:
                text = self._text(line)
            yield text
        self.ended = True

    def _text(self, line: bytes) -> str:
        try:
            return line.decode()
        except UnicodeDecodeError:
            self.undecodable = True
            return line.decode(errors="surrogateescape")


@dataclass(frozen=True, slots=True)
class Source:
    """An opened input: its name for messages, its kind, its text lines (and their decoding), its bytes for progress."""

    name: str
    kind: str
    lines: Iterator[str]
    decoded: DecodedLines
    binary: IO[bytes] | None = None
    size: int | None = None


def kind_for(path: Path) -> str:
    kind = kind_of_suffix(path)
    if kind is not None:
        return kind
    suffix = path.suffix.lower()
    known = ", ".join(CSV_SUFFIXES + JSONL_SUFFIXES)
    named = f"the extension {suffix!r}" if suffix else "a name without an extension"
    raise InputFileError(f"{path}: cannot tell the format from {named} (expected {known}, or - for stdin)")


def kind_of_suffix(path: Path) -> str | None:
    """The kind (csv or jsonl) the file's extension names; None for any other extension."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    return None


def sniffed(lines: Iterator[str]) -> tuple[str, Iterator[str]]:
    """The kind of a stream by its first non-blank character (`{` is JSONL), and the lines, none lost."""
    seen = []
    for line in lines:
        seen.append(line)
        if line.strip():
            return ("jsonl" if line.lstrip().startswith("{") else "csv"), itertools.chain(seen, lines)
    return "csv", iter(seen)


@contextlib.contextmanager
def opened(input_name: str) -> Iterator[Source]:
    """The input by name: a CSV or JSONL file by its extension, or stdin (`-`) by its first character."""
    if input_name == "-":
        binary = getattr(sys.stdin, "buffer", None)
        if binary is None:  # stdin replaced by a text stream: its text as bytes again
            binary = (line.encode(errors="surrogateescape") for line in sys.stdin)
        decoded = DecodedLines(binary)
        kind, lines = sniffed(decoded.lines)
        yield Source("stdin", kind, lines, decoded)
        return
    path = Path(input_name)
    with open_input(path) as handle:
        kind = kind_for(path)
        decoded = DecodedLines(handle)
        yield Source(str(path), kind, decoded.lines, decoded, handle, os.fstat(handle.fileno()).st_size)


# Writing rows


class CsvSink:
    """Result rows as CSV: the carried columns, then the result columns."""

    def __init__(self, stream: TextIO, columns: list[str] | None, result_columns: tuple[str, ...]) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.columns = columns
        self.result_columns = result_columns
        self.left_out: dict[str, None] = {}
        if columns is not None:
            self.writer.writerow([*columns, *result_columns])

    def write(self, carried: Carried, result: list[object]) -> None:
        if isinstance(carried, dict):
            carried = self._cells(carried)
        self.writer.writerow([*carried, *result])

    def _cells(self, record: dict[str, object]) -> list[object]:
        """A JSONL object's carried fields as cells; the first object's fields set the columns."""
        if self.columns is None:
            self.columns = list(record)
            self.writer.writerow([*self.columns, *self.result_columns])
        for key in record:
            if key not in self.columns and len(self.left_out) < SUMMARY_ROWS:
                self.left_out[key] = None
        return [_cell(record.get(column)) for column in self.columns]

    def notes(self) -> tuple[str, ...]:
        if not self.left_out:
            return ()
        names = ", ".join(repr(key) for key in self.left_out)
        return (f"Fields not in the first row are not in the CSV output: {names}",)


def _cell(value: object) -> object:
    return value if value is None or isinstance(value, str) else json.dumps(value, ensure_ascii=False, allow_nan=False)


class JsonlSink:
    """Result rows as JSON Lines: the carried fields, then the result fields."""

    def __init__(self, stream: TextIO, columns: list[str] | None, result_columns: tuple[str, ...]) -> None:
        self.stream = stream
        self.columns = columns
        self.result_columns = result_columns

    def write(self, carried: Carried, result: list[object]) -> None:
        row = dict(carried) if isinstance(carried, dict) else dict(zip(self.columns or (), carried, strict=True))
        row.update(zip(self.result_columns, result, strict=True))
        # NaN and Infinity are not JSON; a reader of the output would choke on them.
        self.stream.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")

    def notes(self) -> tuple[str, ...]:
        return ()


@contextlib.contextmanager
def output_stream(output: Path | None) -> Iterator[TextIO]:
    """stdout, or a temp file beside `output` renamed over it only when the whole run succeeds."""
    if output is None:
        stdout = StdoutWriter()
        yield cast(TextIO, stdout)  # the writers need only write(), which StdoutWriter has
        stdout.flush()
        return
    with atomic_output(output) as stream:
        yield stream


@contextlib.contextmanager
def progress_bar(source: Source, enabled: bool) -> Iterator[Callable[[], None]]:
    """A function to call now and then that moves the bar to the bytes read so far (a no-op when off)."""
    binary, size = source.binary, source.size
    if not enabled or binary is None or not size:
        yield lambda: None
        return
    from roleadvisor.render import batch_progress

    with batch_progress(size) as advance:
        done = 0

        def update() -> None:
            nonlocal done
            position = binary.tell()
            advance(position - done)
            done = position

        yield update
        update()


# The run


def run_batch(
    pack: Pack,
    input_name: str,
    output: Path | None = None,
    fmt: str | None = None,
    progress: bool = False,
) -> BatchSummary:
    """Score every row of INPUT (a path, or - for stdin) to `output` (stdout if None or -) as `fmt`.

    Without `fmt`, the output format follows the output file's extension (.csv, .jsonl, ...), else the input's kind.
    """
    if fmt not in (None, "csv", "jsonl"):
        raise ValueError(f"unknown batch output format {fmt!r} (expected csv or jsonl)")
    if output == STDOUT:
        output = None
    refuse_overwriting_input(input_name, output)
    compiled_pack = compiled(pack)
    with opened(input_name) as source:
        read = read_csv if source.kind == "csv" else read_jsonl
        columns, rows, read_notes = read(source, compiled_pack)
        sink_type = CsvSink if output_kind(fmt, output, source.kind) == "csv" else JsonlSink
        with output_stream(output) as stream, progress_bar(source, progress) as update:
            sink = sink_type(stream, columns, compiled_pack.result_columns)
            count, error_count, error_rows = 0, 0, list[int]()
            for number, carried, result in rows:
                sink.write(carried, result)
                count += 1
                if result[-1] is not None:
                    error_count += 1
                    if len(error_rows) < SUMMARY_ROWS:
                        error_rows.append(number)
                if not count % PROGRESS_EVERY:
                    update()
    return BatchSummary(count, error_count, tuple(error_rows), (*sink.notes(), *read_notes.sentences()), output)


def refuse_overwriting_input(input_name: str, output: Path | None) -> None:
    """Refuse an output that is the input: the results would replace the answers they came from."""
    if output is None or input_name == "-":
        return
    try:
        same = os.path.samefile(input_name, output)
    except OSError:  # one of them does not exist, so writing the output cannot destroy the input
        same = False
    if same:
        raise InputFileError(f"{input_name}: --output is the input file; write the results elsewhere")


def output_kind(fmt: str | None, output: Path | None, input_kind: str) -> str:
    """The output format: `fmt` if given, else the output file's extension when it names one, else the input's."""
    if fmt is not None:
        return fmt
    return (kind_of_suffix(output) if output is not None else None) or input_kind


def _replaced_note(replaced: Iterable[str]) -> tuple[str, ...]:
    names = list(replaced)
    if not names:
        return ()
    were = "column {} was" if len(names) == 1 else "columns {} were"
    return (f"Input {were.format(', '.join(names))} replaced by results",)
