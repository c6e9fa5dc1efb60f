"""Reading batch input: CSV or JSONL rows as raw answer mappings, with their row numbers and carried columns.

A reader yields one `InputRow` per row with content, in input order, reading a line at a time (memory does not
grow with the row count). It checks only what reading can see: the header, the row's width, bytes that are not
UTF-8, JSON that no writer may emit. Whether the answers are valid is the scorer's business.

Row numbers are what a spreadsheet or an editor shows: in a CSV the header is row 1, in JSONL each line is a
row. Input that cannot be read at all raises InputFileError: a header that is not UTF-8 or names no question,
a CSV quote never closed (the rest of the file would be one cell), a first JSONL line that is not an object.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import itertools
import json
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from roleadvisor.errors import InputFileError
from roleadvisor.files import open_input
from roleadvisor.safe_text import printable
from roleadvisor.scoring import values_at

CSV_SUFFIXES = (".csv",)
# Spreadsheet workbooks (binary, or zipped XML), which batch does not read or write.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".numbers")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
NOT_UTF8 = "not UTF-8 text (save the file as UTF-8; it may be Latin-1 / Windows-1252)"

Carried = Any  # a sequence aligned with the carried column names (CSV input) or a dict (JSONL input)


@dataclass(slots=True)
class InputRow:
    """One row as read: its number, its carried cells, its raw answers (one value per question, in the pack's
    question order, None where the row has none) and reading problems.

    `answers` is None when the row cannot be read at all (its problems say why); `refused` names the fields whose
    values reading refused (their problems say why), so they are not also reported as unanswered.

    Not frozen, though nothing changes a row once read: a frozen dataclass or a NamedTuple takes three times as
    long to build, and batch builds one per row.
    """

    number: int
    carried: Carried
    answers: tuple[object, ...] | None
    problems: tuple[str, ...] = ()
    refused: frozenset[str] = frozenset()


@dataclass(slots=True)
class ReadNotes:
    """What reading noticed, for the summary: result columns found in the input (replaced by the results)."""

    replaced: dict[str, None] = field(default_factory=dict)


class InputRows(NamedTuple):
    """What a reader gives: the carried column names (None for JSONL, where each object carries its own), the
    question columns the input lacks, the rows, and what reading them noticed."""

    columns: list[str] | None
    absent: tuple[str, ...]
    rows: Iterator[InputRow]
    notes: ReadNotes


# CSV


class CsvLayout:
    """Where each question's answer sits in a CSV row, and which columns are carried through."""

    def __init__(self, header: list[str], name: str, question_ids: tuple[str, ...], result_columns: tuple[str, ...]) -> None:
        # A column names a question by its id in any letter case (`Background`, `GOAL`), as spreadsheets write them.
        by_folded = {question_id.casefold(): question_id for question_id in question_ids}
        names = [by_folded.get(cell.strip().casefold(), cell.strip()) for cell in header]
        positions: dict[str, int] = {}
        for index, column in enumerate(names):
            if column in question_ids:
                if column in positions:
                    raise InputFileError(f"{name}: the header names the column '{column}' twice")
                positions[column] = index
        if not positions:
            hint = _header_hint(names)
            raise InputFileError(f"{name}: the header row names no question (expected columns named: {', '.join(question_ids)}){hint}")
        # Result columns in the input (a batch output read again) are replaced, not repeated.
        dropped = set(question_ids) | set(result_columns)
        carried = [i for i, column in enumerate(names) if column not in dropped]
        self.width = len(header)
        self.carried_names = [header[i] for i in carried]
        self.replaced = dict.fromkeys(column for column in names if column in result_columns)
        self.carried_cells = _cells_at(carried)
        self.absent = tuple(q for q in question_ids if q not in positions)
        self.answers = _cells_at([positions.get(q) for q in question_ids])

    def fitted(self, row: list[str], number: int) -> tuple[list[str], tuple[str, ...]]:
        """Pad a short row (spreadsheets drop trailing empty cells); flag a row with extra non-empty cells."""
        if len(row) < self.width:
            return row + [""] * (self.width - len(row)), ()
        if any(cell.strip() for cell in row[self.width :]):
            return row[: self.width], (f"row {number}: {len(row)} cells, but the header has {self.width} columns",)
        return row[: self.width], ()


def read_csv(source: Source, question_ids: tuple[str, ...], result_columns: tuple[str, ...]) -> InputRows:
    """The carried column names and the rows. A header that cannot be used raises InputFileError."""
    reader = csv.reader(source.lines)
    try:
        number, header = _header(reader, source.name)
    except (csv.Error, LineError) as error:
        # The line it failed on: the csv module has counted it; a line DecodedLines refused never reached it.
        raise _unreadable(source, reader.line_num + isinstance(error, LineError), error) from None
    if source.decoded.ended:
        raise _unclosed_quote(source.name, number)
    if source.decoded.undecodable:
        raise InputFileError(f"{source.name}: row {number}: {NOT_UTF8}")
    layout = CsvLayout(header, source.name, question_ids, result_columns)
    notes = ReadNotes(layout.replaced)
    return InputRows(layout.carried_names, layout.absent, _csv_rows(reader, layout, source, number + 1), notes)


def _header(reader: Iterator[list[str]], name: str) -> tuple[int, list[str]]:
    """The first row with content, and its row number."""
    for number, row in enumerate(reader, start=1):
        if any(cell.strip() for cell in row):
            return number, row
    raise InputFileError(f"{name}: no header row (expected a first row of question ids)")


def _csv_rows(reader: Any, layout: CsvLayout, source: Source, first: int) -> Iterator[InputRow]:
    """The rows after the header (`reader` is a csv reader). A line with a cell over the field limit is one row in
    error (the csv module drops the rest of that line and reads on from the next); anything else it cannot read
    ends the input, and so does a quoted cell that has swallowed lines that look like rows."""
    number = first - 1
    width = layout.width
    decoded = source.decoded
    lines_read = reader.line_num
    while True:
        next_number = number + 1
        try:
            for number, row in enumerate(reader, start=next_number):
                if decoded.ended:
                    raise _unclosed_quote(source.name, number)
                if reader.line_num > lines_read + 1:  # a cell with line breaks: rare, and looked at closely
                    _refuse_swallowed_rows(row, width, source.name, number)
                lines_read = reader.line_num
                if len(row) != width:
                    row, problems = layout.fitted(row, number)
                else:
                    problems = ()
                if not any(map(str.strip, row)):
                    continue  # a row with no content at all (a blank line, or only separators)
                if decoded.undecodable:
                    decoded.undecodable = False
                    yield InputRow(number, layout.carried_cells(_without_bad_bytes(row)), None, (f"row {number}: {NOT_UTF8}",))
                    continue
                yield InputRow(number, layout.carried_cells(row), layout.answers(row), problems)
            return
        except (csv.Error, LineError) as error:
            if not _over_the_field_limit(source, error):
                raise _unreadable(source, number + 1, error) from None
        decoded.long_line = decoded.undecodable = False
        number += 1
        yield InputRow(number, layout.carried_cells([""] * width), None, (f"row {number}: {LONG_CELL}",))


def _refuse_swallowed_rows(row: list[str], width: int, name: str, number: int) -> None:
    """InputFileError when a cell's later lines look like whole rows (as many commas as the header has): a quote
    opened in this row and closed rows later, which would hide those rows inside one cell."""
    if width < 3:
        return
    for cell in row:
        swallowed = [line for line in cell.split("\n")[1:] if line.count(",") >= width - 1]
        if swallowed:
            raise InputFileError(
                f'{name}: row {number}: a quoted cell holds {len(swallowed)} more line(s) that look like rows; a quote (") '
                "opened here closes too late, so those rows would be lost (close the quote, or write a quote inside a "
                'cell as "")'
            )


def _header_hint(names: list[str]) -> str:
    """Why a header might name no question: another separator."""
    if len(names) == 1 and ";" in names[0] and "," not in names[0]:
        return "; the file seems semicolon-separated, but batch expects commas"
    return ""


def _cells_at(positions: Sequence[int | None]) -> Callable[[list[str]], tuple[str | None, ...]]:
    """A fast picker of the cells at `positions` (None: no cell, the value None), as a tuple."""
    present = [i for i in positions if i is not None]
    if len(present) < len(positions):  # a question without a column: every row is an error, so speed does not matter
        return lambda row: tuple(None if i is None else row[i] for i in positions)
    return values_at(present)


def _unreadable(source: Source, row: int, error: csv.Error | LineError) -> InputFileError:
    """The error for input the csv module (or DecodedLines) cannot read, with the likely cause."""
    problem = f"cannot read CSV ({error})"
    if isinstance(error, LineError):
        problem = str(error)
    elif str(error).startswith("new-line character seen in unquoted field"):
        problem = CR_ONLY
    elif _over_the_field_limit(source, error):
        problem = LONG_CELL
    elif str(error).startswith("field larger than field limit"):
        # A quote never closed reads the rest of the file into one cell: in a long file, that cell outgrows the limit.
        problem += '; perhaps a quote (") opened here is never closed'
    return InputFileError(f"{source.name}: row {row}: {problem}")


def _over_the_field_limit(source: Source, error: csv.Error | LineError) -> bool:
    """A cell on one line (not a quote left open over many) outgrew the csv module's field limit."""
    return isinstance(error, csv.Error) and source.decoded.long_line and str(error).startswith("field larger than field limit")


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


# JSONL


def read_jsonl(source: Source, question_ids: tuple[str, ...], result_columns: tuple[str, ...]) -> InputRows:
    """No fixed columns (each object carries its own), and the rows."""
    reader = JsonlReader(source, question_ids, result_columns)
    return InputRows(None, (), reader.rows(), reader.notes)


class JsonlReader:
    """JSON Lines rows: one object per line, its refused values named, result fields found noted as replaced."""

    def __init__(self, source: Source, question_ids: tuple[str, ...], result_columns: tuple[str, ...]) -> None:
        self.source = source
        self.result_columns = result_columns
        self.question_ids = question_ids
        self.dropped = set(question_ids) | set(result_columns)
        self.parser = StrictJson()
        self.notes = ReadNotes()

    def rows(self) -> Iterator[InputRow]:
        number, first = 0, True
        try:
            for number, line in enumerate(self.source.lines, start=1):
                if line.strip():
                    yield self._row(line, number, first)
                    first = False
        except LineError as error:
            raise InputFileError(f"{self.source.name}: row {number + 1}: {error}") from None

    def _row(self, line: str, number: int, first: bool) -> InputRow:
        """One line's row: its answers, the fields it carries, and the fields refused (problems name each)."""
        decoded = self.source.decoded
        undecodable, decoded.undecodable = decoded.undecodable, False
        record = _json_object(self.parser, line, number, self.source.name, first, undecodable)
        if isinstance(record, str):
            return InputRow(number, {}, None, (record,))
        self.notes.replaced.update((key, None) for key in record if key in self.result_columns)
        problems = self.parser.problems(record, number)
        unusable = {key for key, _ in problems}
        if undecodable:
            unusable.update(key for key, value in record.items() if _holds(_BAD_BYTES, key, value))
        if "\\u" in line:  # only a JSON escape can put a lone surrogate in text decoded from UTF-8
            problems += _lone_surrogates(record, unusable, number)
            unusable.update(key for key, _ in problems)
        usable = {key: value for key, value in record.items() if key not in unusable} if unusable else record
        carried = {key: value for key, value in usable.items() if key not in self.dropped}
        if undecodable:
            return InputRow(number, carried, None, (f"row {number}: {NOT_UTF8}",))
        answers = tuple(map(usable.get, self.question_ids))
        return InputRow(number, carried, answers, tuple(message for _, message in problems), frozenset(unusable))


def _holds(pattern: re.Pattern[str], key: str, value: object) -> bool:
    return bool(pattern.search(key) or pattern.search(json.dumps(value, ensure_ascii=False)))


# Half of a UTF-16 pair, alone: JSON may spell one (`"\\ud83d"`, an emoji cut in two), but it is no character.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogates(record: dict[str, object], unusable: set[str], number: int) -> list[tuple[str, str]]:
    """A problem for each field (not already refused) whose key or value holds a lone surrogate."""
    return [
        (key, f"row {number}: {printable(key, quote=True)}: holds half of a character (a lone surrogate; an emoji cut in two?)")
        for key, value in record.items()
        if key not in unusable and _holds(_LONE_SURROGATE, key, value)
    ]


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
        problem = f"not valid JSON ({error.msg.removesuffix(' at')} at column {error.colno})"
    except RecursionError:
        problem = "not valid JSON (nesting too deep)"
    if undecodable:  # bytes that are not UTF-8 are the likelier cause
        problem = NOT_UTF8
    if first and "\r" in line.rstrip("\r\n"):  # every line of an old Mac file read as one
        raise InputFileError(f"{name}: row {number}: {CR_ONLY}")
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

    def problems(self, record: dict[str, object], number: int) -> list[tuple[str, str]]:
        """One problem per field of `record` holding a refused value, named after the field."""
        if not self.refused:
            return []
        problems = []
        for key, value in record.items():
            refusal = _first_refusal(value)
            if refusal is None:
                continue
            if not refusal.duplicate_key:
                message = f"{printable(key, quote=True)}: {refusal.reason}"
            else:
                message = refusal.reason if refusal is value else f"{refusal.reason} (in {printable(key, quote=True)})"
            problems.append((key, f"row {number}: {message}"))
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
                    record[key] = self._refuse(f"duplicate key {printable(key, quote=True)}", duplicate_key=True)
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

# Lines longer than this (the csv module's limit on a cell) are checked before they are parsed; see DecodedLines.
LONG_LINE = csv.field_size_limit()
# Cells a row may have: Excel's column limit.
MAX_CELLS = 16_384
LONG_CELL = f"a cell longer than the CSV field limit ({LONG_LINE:,} characters); batch reads no longer cells"
CR_ONLY = "lines end in a lone CR (an old Mac format); save the file with LF or CRLF line endings"


class LineError(Exception):
    """A line batch will not parse (the reader names its row)."""



class DecodedLines:
    """A byte stream's lines as UTF-8 text with their line endings (the csv module wants them), read as asked for.

    A byte order mark at the start is dropped (spreadsheet exports add one). A line that is not UTF-8 does not stop
    the reading: its bad bytes become lone surrogates (see _BAD_BYTES) and `undecodable` turns true, for the reader
    to make the row holding it an error and set it back. `ended` turns true once the last line has been read.
    Decoding line by line is as fast as a text wrapper.

    A line longer than the csv module's field limit is looked at before anyone parses it: LineError when it holds
    more commas than a row may have cells (the csv module would make a list of them all) or a CR that ends no line
    (an old Mac file, read as one line); else `long_line` turns true, for the error of a cell over the limit.
    UTF-16 text (a BOM that says so) is refused at once, naming `name`.
    """

    def __init__(self, binary: Iterable[bytes], name: str) -> None:
        self.name = name
        self.undecodable = False
        self.ended = False
        self.long_line = False
        self.lines = self._decoded(iter(binary))

    def _decoded(self, binary: Iterator[bytes]) -> Iterator[str]:
        for first in binary:
            if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise InputFileError(f"{self.name}: row 1: UTF-16 text (save the file as UTF-8)")
            yield self._checked(self._text(first).removeprefix("\ufeff"))
            break
        for line in binary:
            try:
                text = line.decode()
            except UnicodeDecodeError:
                text = self._text(line)
            yield text if len(text) <= LONG_LINE else self._checked(text)
        self.ended = True

    def _checked(self, text: str) -> str:
        if len(text) <= LONG_LINE:
            return text
        if 0 <= text.find("\r") < len(text) - 2:  # a CR before the line's end (a copy of 50 MB would be the cost of rstrip)
            raise LineError(CR_ONLY)
        if text.count(",") >= MAX_CELLS:
            raise LineError(f"more than {MAX_CELLS:,} cells (commas) on one line; batch reads no wider rows")
        self.long_line = True
        return text

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
    if suffix in WORKBOOK_SUFFIXES:
        raise InputFileError(f"{printable(path)}: a spreadsheet workbook; save it as CSV UTF-8 (File > Save As) and give batch the .csv")
    known = ", ".join(CSV_SUFFIXES + JSONL_SUFFIXES)
    named = f"the extension {printable(suffix, quote=True)}" if suffix else "a name without an extension"
    raise InputFileError(
        f"{printable(path)}: cannot tell the format from {named} (expected {known}; or give it on stdin, "
        f"`roleadvisor batch - < {printable(path)}`, where a first '{{' means JSON Lines)"
    )


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
            lines = (line.encode(errors="surrogateescape") for line in sys.stdin)
            decoded = DecodedLines(lines, "stdin")
            yield Source("stdin", *sniffed(decoded.lines), decoded)
            return
        decoded = DecodedLines(binary, "stdin")
        yield Source("stdin", *sniffed(decoded.lines), decoded, binary, _file_size(binary))
        return
    path = Path(input_name)
    with open_input(path) as handle:
        kind = kind_for(path)
        decoded = DecodedLines(handle, printable(path))
        yield Source(printable(path), kind, decoded.lines, decoded, handle, _file_size(handle))


def _file_size(binary: IO[bytes]) -> int | None:
    """The size of a plain file (`< rows.csv` on stdin too), for the progress bar; None for a pipe or a terminal."""
    try:
        status = os.fstat(binary.fileno())
    except (OSError, ValueError):  # no descriptor (a test's stand-in stream)
        return None
    return status.st_size if stat.S_ISREG(status.st_mode) else None


