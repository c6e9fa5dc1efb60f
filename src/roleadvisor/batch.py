"""Streaming CSV / JSONL scoring: one result row per input row, in input order, in constant memory.

Input is read a line at a time and each result row is written as soon as it is scored, so memory
does not grow with the row count. Columns that are not question ids are carried through; then come
the result columns (`role`, `confidence`, `label`, `next_course`, `roadmap`, one `score_<role>` per
role, `error`). Input columns with those names (a batch output read again) are replaced, and the summary
says so. A row that cannot be scored gets `error` filled and empty results; it never stops the run (in JSONL,
a key written twice and NaN / Infinity are row errors too). Input that cannot be read at all raises
InputFileError, and so does an output that is the input file.

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
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any, NamedTuple, Optional, TextIO

from roleadvisor import engine
from roleadvisor.answers import check_answer, split_choices
from roleadvisor.errors import AnswerError, InputFileError
from roleadvisor.files import atomic_output
from roleadvisor.pack import AllOf, AnswerIn, AnyOf, Condition, Not, Pack, Question, Recommended

CSV_SUFFIXES = (".csv",)
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
MULTI_SEPARATOR = ";"
# How many error row numbers the summary names.
SUMMARY_ROWS = 5
# Rows between progress bar updates.
PROGRESS_EVERY = 2048

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


# Beyond this many valid answers a question's table is not built; its answers are checked row by row.
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
            confidence = 0.0
            if margin > 0 and self.best_margin[winner] > 0:
                confidence = round(min(1.0, margin / self.best_margin[winner]), 3)
            known = self._outcomes[(winner, margin)] = (confidence, engine.label_for(self.pack, confidence))
        return known

    def score_fully(
        self,
        written: Callable[[Step], tuple[str, ...] | None],
        row: int,
        problems: list[Problem],
        absent: Iterable[str] = (),
        hint: Callable[[Question, tuple[str, ...]], str] | None = None,
    ) -> list[object]:
        """Check every shown answer and collect every problem: the path for rows the tables do not cover.

        `written(step)` gives a question's choices as the row has them: () when unanswered, None when the value
        is not a choice id or a list of them. `hint(question, choices)` adds to a bad answer's message.
        """
        answers: dict[str, tuple[str, ...]] = {}
        points = [self.zero_points]
        missing = False
        for step in self.steps:
            if step.shown is not None and not step.shown(answers, None):
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
        return self.result(answers, points)

    def failure(self, problems: list[Problem], answers: ChosenAnswers, row: int, absent: Iterable[str] = ()) -> list[object]:
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
        self.replaced = dict.fromkeys(column for column in names if column in result_columns)
        self.carried_cells = _cells_at(carried)
        self.absent = tuple(step.question.id for step in pack.steps if step.question.id not in positions)
        self.position_of = {step.question.id: positions.get(step.question.id) for step in pack.steps}
        # The fast path: an absent column gets an empty table, so its rows always take the full path.
        self.plan = tuple(
            (question_id, step.shown, step.by_text if position is not None else {}, position or 0, step.read_by_conditions)
            for step, (question_id, position) in zip(pack.steps, self.position_of.items(), strict=True)
        )

    def score(self, row: list[str], number: int) -> list[object]:
        """The result columns for one row of `width` cells.

        The fast path only looks cells up in the tables and keeps only the answers conditions read;
        anything else (a cell not in a table, an empty one, an absent column) is scored in full.
        """
        answers: dict[str, tuple[str, ...]] = {}
        points = [self.pack.zero_points]
        for question_id, shown, by_text, position, read_by_conditions in self.plan:
            if shown is not None and not shown(answers, None):
                continue
            answer = by_text.get(row[position])
            if answer is None:
                return self.score_fully(row, number)
            if read_by_conditions:
                answers[question_id] = answer.choices
            points.append(answer.points)
        return self.pack.result(answers, points)

    def score_fully(self, row: list[str], number: int, problems: list[Problem] | None = None) -> list[object]:
        """Every answer checked and every problem named (the cells split at `;`; an absent column is unanswered)."""

        def written(step: Step) -> tuple[str, ...]:
            position = self.position_of[step.question.id]
            return split_choices(row[position], MULTI_SEPARATOR) if position is not None else ()

        return self.pack.score_fully(written, number, problems or [], self.absent, _comma_hint)

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


class InputRows(NamedTuple):
    """What a reader gives: the carried column names (None for JSONL, where each object carries its own), the
    scored rows, and the result columns found in the input (replaced; complete once the rows are read)."""

    columns: list[str] | None
    scored: Iterator[ScoredRow]
    replaced: dict[str, None]


def read_csv(lines: Iterator[str], pack: CompiledPack, name: str) -> InputRows:
    """The carried column names, and the scored rows. A header that cannot be used raises InputFileError."""
    reader = csv.reader(lines)
    try:
        number, header = _header(reader, name)
    except (csv.Error, UnicodeDecodeError) as error:
        raise _unreadable(name, reader.line_num + 1, error) from None
    layout = CsvLayout(pack, header, name)
    return InputRows(layout.carried_names, _scored_csv_rows(reader, layout, name, number + 1), layout.replaced)


def _header(reader: Iterator[list[str]], name: str) -> tuple[int, list[str]]:
    """The first row with content, and its row number."""
    for number, row in enumerate(reader, start=1):
        if any(cell.strip() for cell in row):
            return number, row
    raise InputFileError(f"{name}: no header row (expected a first row of question ids)")


def _scored_csv_rows(reader: Iterator[list[str]], layout: CsvLayout, name: str, first: int) -> Iterator[ScoredRow]:
    number = first - 1
    width = layout.width
    try:
        for number, row in enumerate(reader, start=first):
            if len(row) == width:
                result = layout.score(row, number)
            else:
                row, problems = layout.fitted(row, number)
                result = layout.score_fully(row, number, problems)
            if result[-1] is not None and not any(cell.strip() for cell in row):
                continue  # a row with no content at all (a blank line, or only separators)
            yield number, layout.carried_cells(row), result
    except (csv.Error, UnicodeDecodeError) as error:
        raise _unreadable(name, number + 1, error) from None


def _unreadable(name: str, row: int, error: Exception) -> InputFileError:
    if isinstance(error, UnicodeDecodeError):
        return InputFileError(f"{name}: row {row}: not UTF-8 text")
    return InputFileError(f"{name}: row {row}: cannot read CSV ({error})")


def json_choices(value: object) -> tuple[str, ...] | None:
    """A JSONL answer as choice ids (as in answer files): () when unanswered, None when malformed."""
    # JSON's true/false and YAML-minded exports mean the "yes"/"no" choices.
    if isinstance(value, bool):
        return ("yes" if value else "no",)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),) if value.strip() else ()
    if isinstance(value, list) and all(isinstance(item, (str, bool)) for item in value):
        return tuple(choice for item in value for choice in json_choices(item) or ())
    return None


def score_record(pack: CompiledPack, record: Mapping[str, object], number: int) -> list[object]:
    """The result columns for one JSONL answers object."""
    return pack.score_fully(lambda step: json_choices(record.get(step.question.id)), number, [])


def read_jsonl(lines: Iterator[str], pack: CompiledPack, name: str) -> InputRows:
    """No fixed columns (each object carries its own), and the scored rows."""
    replaced: dict[str, None] = {}
    return InputRows(None, _scored_jsonl_rows(lines, pack, name, replaced), replaced)


def _scored_jsonl_rows(
    lines: Iterator[str], pack: CompiledPack, name: str, replaced: dict[str, None]
) -> Iterator[ScoredRow]:
    """The scored rows; result columns found in the objects are added to `replaced`."""
    dropped = {step.question.id for step in pack.steps} | set(pack.result_columns)
    result_columns = set(pack.result_columns)
    first = True
    number = 0
    try:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = _json_object(line, number, name, first)
            first = False
            if isinstance(record, str):
                yield number, {}, [*pack.empty_result, record]
                continue
            carried = {key: value for key, value in record.items() if key not in dropped}
            if len(carried) < len(record):
                replaced.update((key, None) for key in record if key in result_columns)
            yield number, carried, score_record(pack, record, number)
    except UnicodeDecodeError as error:
        raise _unreadable(name, number + 1, error) from None


class _RefusedValue(Exception):
    """A line that parses, but as something batch refuses: a key written twice, NaN, Infinity."""


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    record = dict(pairs)
    if len(record) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _RefusedValue(f"duplicate key '{key}'")
            seen.add(key)
    return record


def _no_constant(constant: str) -> object:
    raise _RefusedValue(f"not valid JSON ({constant} is not a JSON number)")


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise _RefusedValue(f"the number {text} is out of range")
    return number


# Python's json keeps the last of two equal keys and reads NaN / Infinity, which no JSON writer may emit.
_STRICT_JSON = json.JSONDecoder(object_pairs_hook=_unique_keys, parse_constant=_no_constant, parse_float=_finite_float)


def _json_object(line: str, number: int, name: str, first: bool) -> dict[str, object] | str:
    """The answers object on one line, or an error text for its row.

    A first line that is not a JSON object means the input is not JSON Lines at all (a JSON array,
    a pretty-printed object): that is fatal. A bad line later, or a refused value on any line, is one bad row.
    """
    try:
        record = _STRICT_JSON.decode(line)
        problem = "" if isinstance(record, dict) else f"expected a JSON object, got {_json_kind(record)}"
    except json.JSONDecodeError as error:
        problem = f"not valid JSON ({error.msg})"
    except RecursionError:
        problem = "not valid JSON (nesting too deep)"
    except _RefusedValue as error:
        return f"row {number}: {error}"
    except ValueError:  # int() refuses a number of over 4300 digits
        return f"row {number}: a number has too many digits"
    if not problem:
        return record
    if first:
        raise InputFileError(f"{name}: row {number}: {problem}; expected JSON Lines (one answers object per line)")
    return f"row {number}: {problem}"


def _json_kind(value: object) -> str:
    kinds = {list: "a list", str: "a string", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


# Opening the input


@dataclass(frozen=True, slots=True)
class Source:
    """An opened input: its name for messages, its kind, its text lines, and its bytes for progress."""

    name: str
    kind: str
    lines: Iterator[str]
    binary: IO[bytes] | None = None
    size: int | None = None


def decoded_lines(binary: Iterable[bytes]) -> Iterator[str]:
    """UTF-8 lines with their line endings (the csv module wants them).

    Decoding line by line is as fast as a text wrapper and lets a bad byte raise at its own row.
    """
    return map(bytes.decode, binary)


def without_bom(lines: Iterator[str]) -> Iterator[str]:
    """The lines, a byte order mark at the start of the first one dropped (spreadsheet exports add one)."""
    for first in lines:
        yield first.removeprefix("\ufeff")
        break
    yield from lines


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


def sniffed(lines: Iterator[str], name: str) -> tuple[str, Iterator[str]]:
    """The kind of a stream by its first non-blank character (`{` is JSONL), and the lines, none lost."""
    seen = []
    try:
        for line in lines:
            seen.append(line)
            if line.strip():
                return ("jsonl" if line.lstrip().startswith("{") else "csv"), itertools.chain(seen, lines)
    except UnicodeDecodeError:
        raise InputFileError(f"{name}: row {len(seen) + 1}: not UTF-8 text") from None
    return "csv", iter(seen)


@contextlib.contextmanager
def opened(input_name: str) -> Iterator[Source]:
    """The input by name: a CSV or JSONL file by its extension, or stdin (`-`) by its first character."""
    if input_name == "-":
        binary = getattr(sys.stdin, "buffer", None)
        kind, lines = sniffed(without_bom(decoded_lines(binary) if binary is not None else iter(sys.stdin)), "stdin")
        yield Source("stdin", kind, lines)
        return
    path = Path(input_name)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise InputFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise InputFileError(f"{path}: is a folder, not a file") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot read ({error.strerror})") from None
    with handle:
        kind = kind_for(path)
        yield Source(str(path), kind, without_bom(decoded_lines(handle)), handle, os.fstat(handle.fileno()).st_size)


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
        yield sys.stdout
        sys.stdout.flush()
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
    """Score every row of INPUT (a path, or - for stdin) to `output` (stdout if None) as `fmt`.

    Without `fmt`, the output format follows the output file's extension (.csv, .jsonl, ...), else the input's kind.
    """
    if fmt not in (None, "csv", "jsonl"):
        raise ValueError(f"unknown batch output format {fmt!r} (expected csv or jsonl)")
    refuse_overwriting_input(input_name, output)
    compiled_pack = compiled(pack)
    with opened(input_name) as source:
        read = read_csv if source.kind == "csv" else read_jsonl
        columns, rows, replaced = read(source.lines, compiled_pack, source.name)
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
    return BatchSummary(count, error_count, tuple(error_rows), (*sink.notes(), *_replaced_note(replaced)), output)


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
