"""A batch run: read rows (batch_input), score each with the pack's scorer, write result rows (batch_output).

One result row per input row, in input order, in constant memory. Columns that are not question ids are
carried through; then come the result columns (`role` to start in, `target` to aim for, `confidence`, `label`,
`next_course`, `roadmap`, one `score_<role>` per role, `error`). A row that cannot be scored gets `error` filled and empty results, and the run
goes on. Answers to questions the other answers do not ask are ignored, as in the quiz, and the summary counts
the rows that gave them.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from roleadvisor.batch_input import WORKBOOK_SUFFIXES, InputRow, kind_of_suffix, opened, read_csv, read_jsonl
from roleadvisor.batch_output import CsvSink, JsonlSink, cell_text, output_stream, progress_display
from roleadvisor.errors import InputFileError, UsageError
from roleadvisor.files import refuse_overwriting_stdin, stdout_is_the_input
from roleadvisor.pack import Pack
from roleadvisor.safe_text import printable
from roleadvisor.scoring import Outcome, RowScore, Scorer, scorer_for

# How many error row numbers the summary names.
SUMMARY_ROWS = 5
# Rows between progress updates.
PROGRESS_EVERY = 1024
# Distinct outcomes whose result cells are kept (the scorer keeps at most as many outcomes).
MAX_REMEMBERED_CELLS = 65_536
# --output - means stdout, as INPUT - means stdin.
STDOUT = Path("-")


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
        text = f"Scored {_plural(self.rows, 'row')}"
        if self.error_count:
            scored = self.rows - self.error_count
            named = ", ".join(str(n) for n in self.first_error_rows)
            more = ", ..." if self.error_count > len(self.first_error_rows) else ""
            which = "row" if self.error_count == 1 else "rows"
            text = (
                f"Scored {scored:,} of {_plural(self.rows, 'row')}; {_plural(self.error_count, 'row')} had errors "
                f"({which} {named}{more}; see the error column)"
            )
        if self.output is not None:
            text += f"; wrote {printable(self.output)}"
        return ". ".join([text, *self.notes]) + "."


def _plural(number: int, noun: str) -> str:
    return f"{number:,} {noun}" if number == 1 else f"{number:,} {noun}s"


def result_columns(scorer: Scorer) -> tuple[str, ...]:
    return ("role", "target", "confidence", "label", "next_course", "roadmap", *(f"score_{role}" for role in scorer.role_ids), "error")


class RowResults:
    """Input rows -> result cells as the sink writes them, counting what the summary reports: rows with errors
    (and the first of their numbers), rows with ignored answers.

    A good row's cells depend only on its outcome, and the scorer hands out the same Outcome object for the same
    decision, so each distinct outcome's cells are made once and kept, keyed by the object's identity (the kept
    entry holds the object, so its id cannot be reused).
    """

    def __init__(self, scorer: Scorer, absent: Iterable[str], prepared: Callable[[Sequence[object]], tuple[object, ...]]) -> None:
        self.scorer = scorer
        self.absent = set(absent)
        self.prepared = prepared
        self.empty = (None,) * (len(result_columns(scorer)) - 1)
        self.known: dict[int, tuple[Outcome, tuple[object, ...]]] = {}
        self.ignored_rows = 0
        self.absent_needed: dict[str, None] = {}  # questions without a column that some row needed, in order met
        self.error_count = 0
        self.first_error_rows: list[int] = []

    def cells(self, row: InputRow) -> tuple[object, ...]:
        if row.answers is None:
            return self._error(row, "; ".join(row.problems))
        scored = self.scorer.score_known(row.answers) or self.scorer.score_values(row.answers, f"row {row.number}")
        outcome = scored.outcome
        if outcome is None or row.problems:
            return self._error(row, self._problems(row, scored))
        if scored.ignored:
            self.ignored_rows += 1
        known = self.known.get(id(outcome))
        if known is None:
            known = (outcome, self.prepared(self._values(outcome)))
            if len(self.known) < MAX_REMEMBERED_CELLS:
                self.known[id(outcome)] = known
        return known[1]

    def _values(self, outcome: Outcome) -> tuple[object, ...]:
        role_ids = self.scorer.role_ids
        return (
            role_ids[outcome.start], role_ids[outcome.target], outcome.confidence, outcome.label,
            outcome.course_id, outcome.roadmap_id, *outcome.totals, None,
        )  # fmt: skip

    def _error(self, row: InputRow, message: str) -> tuple[object, ...]:
        self.error_count += 1
        if len(self.first_error_rows) < SUMMARY_ROWS:
            self.first_error_rows.append(row.number)
        return self.prepared((*self.empty, message))

    def _problems(self, row: InputRow, scored: RowScore) -> str:
        """Every problem of the row in one text, starting with its row number."""
        missing = [f"{q} (no '{q}' column)" if q in self.absent else q for q in scored.missing if q not in row.refused]
        self.absent_needed.update((q, None) for q in scored.missing if q in self.absent)
        messages = [*row.problems, *scored.problems]
        if missing:
            messages.append(f"missing answers for: {', '.join(missing)}")
        prefix = f"row {row.number}: "
        return prefix + "; ".join(message.removeprefix(prefix) for message in messages)

    def note(self) -> tuple[str, ...]:
        if not self.ignored_rows:
            return ()
        their = "its" if self.ignored_rows == 1 else "their"
        return (f"{_plural(self.ignored_rows, 'row')} answered questions {their} other answers do not ask (those answers were ignored)",)


def run_batch(
    pack: Pack,
    input_name: str,
    output: Path | None = None,
    fmt: str | None = None,
    progress: bool = False,
    raw_cells: bool = False,
    bom: bool = False,
) -> BatchSummary:
    """Score every row of INPUT (a path, or - for stdin) to `output` (stdout if None or -) as `fmt`.

    Without `fmt`, the output format follows the output file's extension (.csv, .jsonl, ...), else the input's kind.
    CSV cells that would start a spreadsheet formula get a leading ' unless `raw_cells`; `bom` starts CSV output
    with a byte order mark. Output to a terminal shows data with control characters escaped.
    """
    if fmt not in (None, "csv", "jsonl"):
        raise ValueError(f"unknown batch output format {fmt!r} (expected csv or jsonl)")
    if output == STDOUT:
        output = None
    refuse_overwriting_input(input_name, output)
    refuse_workbook_name(output)
    scorer = scorer_for(pack)
    columns = result_columns(scorer)
    question_ids = scorer.question_ids  # readers hand each row's answers over in this order (Scorer.score_values)
    terminal = output is None and sys.stdout.isatty()
    with opened(input_name) as source:
        read = read_csv if source.kind == "csv" else read_jsonl
        carried_names, absent, rows, read_notes = read(source, question_ids, columns)
        kind = output_kind(fmt, output, source.kind)
        if bom and kind != "csv":
            raise UsageError("--bom is for CSV output (a byte order mark is not valid at the start of JSON Lines)")
        with output_stream(output, bom) as stream, progress_display(source.binary, source.size, progress) as update:
            if kind == "csv":
                sink: CsvSink | JsonlSink = CsvSink(stream, carried_names, columns, cell_text(not raw_cells, terminal))
            else:
                sink = JsonlSink(stream, carried_names, columns, ascii_only=terminal)
            results = RowResults(scorer, absent, sink.prepared)
            count = _write_rows(rows, results, sink, update)
    notes = (*_absent_note(results.absent_needed, carried_names or ()), *sink.notes(), *_replaced_note(read_notes.replaced), *results.note())
    return BatchSummary(count, results.error_count, tuple(results.first_error_rows), notes, output)


def _write_rows(rows: Iterator[InputRow], results: RowResults, sink: CsvSink | JsonlSink, update: Callable[[int], None]) -> int:
    """Score and write every row; the row count."""
    count = 0
    write, cells = sink.write, results.cells
    for count, row in enumerate(rows, start=1):
        write(row.carried, cells(row))
        if not count % PROGRESS_EVERY:
            update(count)
    update(count)
    return count


def refuse_overwriting_input(input_name: str, output: Path | None) -> None:
    """Refuse an output that is the input: the results would replace the answers they came from (or, appended,
    be read again as input without end)."""
    if output is None and stdout_is_the_input(input_name):
        name, which = ("stdin", "the file stdin reads") if input_name == "-" else (printable(input_name), "the input file")
        raise InputFileError(
            f"{name}: stdout is {which} (`> file` empties it before batch starts, `>> file` would feed "
            "batch its own results); write the results elsewhere"
        )
    if input_name == "-":
        refuse_overwriting_stdin(output)
        return
    if output is None:
        return
    try:
        same = os.path.samefile(input_name, output)
    except OSError:  # one of them does not exist, so writing the output cannot destroy the input
        same = False
    if same:
        raise InputFileError(f"{printable(input_name)}: --output is the input file; write the results elsewhere")


def refuse_workbook_name(output: Path | None) -> None:
    """Refuse an output named as a spreadsheet workbook: text in a file named .xlsx is a file the spreadsheet
    will not open."""
    if output is not None and output.suffix.lower() in WORKBOOK_SUFFIXES:
        raise UsageError(
            f"--output {printable(output)}: batch writes CSV or JSON Lines, not a workbook ({output.suffix}); "
            "name the file .csv, which spreadsheets open"
        )


def output_kind(fmt: str | None, output: Path | None, input_kind: str) -> str:
    """The output format: `fmt` if given, else the output file's extension when it names one, else the input's."""
    if fmt is not None:
        return fmt
    return (kind_of_suffix(output) if output is not None else None) or input_kind


def _absent_note(absent: Iterable[str], columns: Iterable[str]) -> tuple[str, ...]:
    """The question columns the input lacks that rows needed, once (each such row says so too), with a near miss."""
    names = [name.strip() for name in columns]
    described = []
    for question_id in absent:
        near = difflib.get_close_matches(question_id, names, n=1, cutoff=0.75)
        described.append(f"{question_id} (did you mean {printable(near[0], quote=True)}?)" if near else question_id)
    if not described:
        return ()
    return (f"The input has no column for {', '.join(described)}",)


def _replaced_note(replaced: Iterable[str]) -> tuple[str, ...]:
    names = list(replaced)
    if not names:
        return ()
    were = "column {} was" if len(names) == 1 else "columns {} were"
    return (f"Input {were.format(', '.join(names))} replaced by results",)
