"""A batch run: read rows (batch_input), score each with the pack's scorer, write result rows (batch_output).

One result row per input row, in input order, in constant memory. Columns that are not question ids are
carried through; then come the result columns (`role` to start in, `target` to aim for, `confidence`, `label`,
`next_course`, `roadmap`, one `score_<role>` per role, `error`). A row that cannot be scored gets `error` filled and empty results, and the run
goes on. Answers to questions the other answers do not ask are ignored, as in the quiz, and the summary counts
the rows that gave them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from roleadvisor.batch_input import InputRow, kind_of_suffix, opened, read_csv, read_jsonl
from roleadvisor.batch_output import CsvSink, JsonlSink, output_stream, progress_bar
from roleadvisor.errors import InputFileError
from roleadvisor.pack import Pack
from roleadvisor.scoring import RowScore, Scorer, scorer_for

# How many error row numbers the summary names.
SUMMARY_ROWS = 5
# Rows between progress bar updates.
PROGRESS_EVERY = 2048
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
                f"Scored {scored} of {_plural(self.rows, 'row')}; {_plural(self.error_count, 'row')} had errors "
                f"({which} {named}{more}; see the error column)"
            )
        if self.output is not None:
            text += f"; wrote {self.output}"
        return ". ".join([text, *self.notes]) + "."


def _plural(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def result_columns(scorer: Scorer) -> tuple[str, ...]:
    return ("role", "target", "confidence", "label", "next_course", "roadmap", *(f"score_{role}" for role in scorer.role_ids), "error")


class RowResults:
    """Input rows -> result cells, counting what the summary reports (rows with ignored answers)."""

    def __init__(self, scorer: Scorer, absent: Iterable[str]) -> None:
        self.scorer = scorer
        self.absent = set(absent)
        self.empty = (None,) * (len(result_columns(scorer)) - 1)
        self.ignored_rows = 0

    def cells(self, row: InputRow) -> list[object]:
        if row.answers is None:
            return [*self.empty, "; ".join(row.problems)]
        scored = self.scorer.score_row(row.answers, f"row {row.number}")
        if scored.ignored and scored.outcome is not None and not row.problems:
            self.ignored_rows += 1
        if scored.outcome is None or row.problems:
            return [*self.empty, self._error(row, scored)]
        outcome = scored.outcome
        return [
            self.scorer.role_ids[outcome.start],
            self.scorer.role_ids[outcome.target],
            outcome.confidence,
            outcome.label,
            outcome.course_id,
            outcome.roadmap_id,
            *outcome.totals,
            None,
        ]

    def _error(self, row: InputRow, scored: RowScore) -> str:
        """Every problem of the row in one text, starting with its row number."""
        missing = [f"{q} (no '{q}' column)" if q in self.absent else q for q in scored.missing if q not in row.refused]
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
) -> BatchSummary:
    """Score every row of INPUT (a path, or - for stdin) to `output` (stdout if None or -) as `fmt`.

    Without `fmt`, the output format follows the output file's extension (.csv, .jsonl, ...), else the input's kind.
    """
    if fmt not in (None, "csv", "jsonl"):
        raise ValueError(f"unknown batch output format {fmt!r} (expected csv or jsonl)")
    if output == STDOUT:
        output = None
    refuse_overwriting_input(input_name, output)
    scorer = scorer_for(pack)
    columns = result_columns(scorer)
    question_ids = tuple(q.id for q in pack.questions)
    with opened(input_name) as source:
        read = read_csv if source.kind == "csv" else read_jsonl
        carried_names, absent, rows, read_notes = read(source, question_ids, columns)
        results = RowResults(scorer, absent)
        sink_type = CsvSink if output_kind(fmt, output, source.kind) == "csv" else JsonlSink
        with output_stream(output) as stream, progress_bar(source.binary, source.size, progress) as update:
            sink = sink_type(stream, carried_names, columns)
            count, error_count, error_rows = _write_rows(rows, results, sink, update)
    notes = (*sink.notes(), *_replaced_note(read_notes.replaced), *results.note())
    return BatchSummary(count, error_count, tuple(error_rows), notes, output)


def _write_rows(
    rows: Iterator[InputRow], results: RowResults, sink: CsvSink | JsonlSink, update: Callable[[], None]
) -> tuple[int, int, list[int]]:
    """Score and write every row: the row count, the error count and the first rows with errors."""
    count, error_count, error_rows = 0, 0, list[int]()
    for row in rows:
        cells = results.cells(row)
        sink.write(row.carried, cells)
        count += 1
        if cells[-1] is not None:
            error_count += 1
            if len(error_rows) < SUMMARY_ROWS:
                error_rows.append(row.number)
        if not count % PROGRESS_EVERY:
            update()
    return count, error_count, error_rows


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
