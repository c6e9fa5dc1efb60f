"""Writing batch results: CSV or JSON Lines sinks, the output stream (stdout, or a file written whole or not at
all), and the progress display on stderr.

A CSV cell that a spreadsheet would run as a formula is written with a leading `'` unless raw cells are asked for;
on a terminal, a cell holding control characters is shown escaped. Files keep the data as it is otherwise.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TextIO, cast

from roleadvisor.batch_input import Carried
from roleadvisor.files import StdoutWriter, atomic_output, stdout_taken_back_on_failure
from roleadvisor.safe_text import printable

# How many field names a note about left-out JSONL fields names.
NOTE_NAMES = 5
# A cell starting with one of these is a formula to a spreadsheet (tab and CR: once it trims them). OWASP's advice
# on CSV injection: write it with a leading ' so that it shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CellText = Callable[[str], str]
# What makes a carried cell need a closer look than writing it as it is: a CR anywhere (see CsvSink._write_with_cr),
# or a formula character opening it. A row's cells are searched at once, joined by LF: a cell holding an LF
# before such a character is looked at closely for nothing, which costs only time.
_CLOSER_LOOK = re.compile("\r|(?:^|\n)[" + re.escape("".join(FORMULA_STARTS)) + "]")


def neutralised(text: str) -> str:
    """`text` as a spreadsheet cell that shows, never runs: a leading ' before what would start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def shown_on_a_terminal(text: str) -> str:
    """A cell as a terminal may show it: one with control or invisible characters escaped (and shortened)."""
    return text if text.isprintable() else printable(text)


def cell_text(neutralise: bool, terminal: bool) -> CellText | None:
    """What becomes of every text cell a CSV sink writes; None when cells are written as they are."""
    if neutralise and terminal:
        return lambda text: shown_on_a_terminal(neutralised(text))
    if terminal:
        return shown_on_a_terminal
    return neutralised if neutralise else None


class CsvSink:
    """Result rows as CSV: the carried columns, then the result columns. Every text cell goes through `text`."""

    def __init__(self, stream: TextIO, columns: list[str] | None, result_columns: tuple[str, ...], text: CellText | None = None) -> None:
        self.stream = stream
        self.writerow = csv.writer(stream, lineterminator="\n").writerow
        self.text = text
        # Whether a row whose carried cells _CLOSER_LOOK passes may be written as it is: only if `text` changes
        # no other cell (a terminal's escaping looks at every character).
        self.screened = text is None or text is neutralised
        self.columns = columns
        self.result_columns = result_columns
        self.left_out: dict[str, None] = {}
        if columns is not None:
            self._header()

    def _header(self) -> None:
        names = self.prepared([*(self.columns or ()), *self.result_columns])
        if "\r" in "".join(names):
            self._write_with_cr(names)
        else:
            self.writerow(names)

    def prepared(self, values: Sequence[object]) -> tuple[str, ...]:
        """Result values as this sink writes them (computed once per distinct outcome, see batch.RowResults)."""
        return tuple(self._cell(value) for value in values)

    def write(self, carried: Carried, result: tuple[object, ...]) -> None:
        if isinstance(carried, dict):
            cells = self._cells(carried)
        elif self.screened and not _CLOSER_LOOK.search("\n".join(carried)):
            self.writerow(carried + result)  # the usual row: nothing in it to neutralise, no CR
            return
        elif self.text is not None:
            cells = tuple(map(self.text, carried))
        else:
            cells = carried
        if "\r" in "".join(cells):  # only carried cells can hold one: results are ours
            self._write_with_cr(cells + result)
        else:
            self.writerow(cells + result)

    def _write_with_cr(self, row: tuple[object, ...]) -> None:
        """csv quotes a cell holding a lone CR only when the line terminator has one; bare, the CR would end the row
        for a spreadsheet (and could start a formula there). So the row is written with CRLF, then ended as all are."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerow(row)
        self.stream.write(buffer.getvalue()[:-2] + "\n")

    def _cells(self, record: dict[str, object]) -> tuple[str, ...]:
        """A JSONL object's carried fields as cells; the first object's fields set the columns."""
        if self.columns is None:
            self.columns = list(record)
            self._header()
        for key in record:
            if key not in self.columns and len(self.left_out) < NOTE_NAMES:
                self.left_out[key] = None
        return tuple(self._cell(record.get(column)) for column in self.columns)

    def _cell(self, value: object) -> str:
        """None as an empty cell, a number as its digits, text through `text`, anything else as JSON."""
        if value is None:
            return ""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, allow_nan=False)
        return text if self.text is None else self.text(text)

    def notes(self) -> tuple[str, ...]:
        if not self.left_out:
            return ()
        names = ", ".join(printable(key, quote=True) for key in self.left_out)
        return (f"Fields not in the first row are not in the CSV output: {names}",)


class JsonlSink:
    """Result rows as JSON Lines: the carried fields, then the result fields.

    `ascii_only` writes every character beyond ASCII as a JSON escape: for a terminal, where a C1 control or a
    bidirectional override in the data would otherwise reach the screen as it is.
    """

    def __init__(self, stream: TextIO, columns: list[str] | None, result_columns: tuple[str, ...], ascii_only: bool = False) -> None:
        self.stream = stream
        self.columns = kept_apart(columns) if columns is not None else None
        self.renamed = {new: old for old, new in zip(columns or (), self.columns or (), strict=True) if old != new}
        self.result_columns = result_columns
        self.ascii_only = ascii_only

    def prepared(self, values: Sequence[object]) -> tuple[object, ...]:
        return tuple(values)

    def write(self, carried: Carried, result: Sequence[object]) -> None:
        row = dict(carried) if isinstance(carried, dict) else dict(zip(self.columns or (), carried, strict=True))
        row.update(zip(self.result_columns, result, strict=True))
        # NaN and Infinity are not JSON; a reader of the output would choke on them.
        self.stream.write(json.dumps(row, ensure_ascii=self.ascii_only, allow_nan=False) + "\n")

    def notes(self) -> tuple[str, ...]:
        if not self.renamed:
            return ()
        pairs = ", ".join(f"{printable(old, quote=True)} as {printable(new, quote=True)}" for new, old in self.renamed.items())
        return (f"Columns named twice are kept apart in the JSONL output: {pairs}",)


def kept_apart(names: list[str]) -> list[str]:
    """Column names made unique for JSON objects, where a second `name` would replace the first: the second
    becomes `name_2` (or the next free number), the first keeps its name."""
    taken = set(names)
    seen: set[str] = set()
    unique = []
    for name in names:
        if name in seen:
            number = 2
            while f"{name}_{number}" in taken:
                number += 1
            name = f"{name}_{number}"
            taken.add(name)
        seen.add(name)
        unique.append(name)
    return unique


@contextlib.contextmanager
def output_stream(output: Path | None, bom: bool = False) -> Iterator[TextIO]:
    """stdout, or a temp file beside `output` renamed over it only when the whole run succeeds; with `bom`, the
    text starts with a byte order mark (spreadsheets then read it as UTF-8). stdout redirected to a file is
    likewise left as it was when the run fails."""
    if output is None:
        _write_utf8_to_stdout()
        stdout = StdoutWriter()
        with stdout_taken_back_on_failure():
            if bom:
                stdout.write("\ufeff")
            yield cast(TextIO, stdout)  # the writers need only write(), which StdoutWriter has
            stdout.flush()
        return
    with atomic_output(output) as stream:
        if bom:
            stream.write("\ufeff")
        yield stream


def _write_utf8_to_stdout() -> None:
    """Rows reach stdout as UTF-8, as they reach a file, whatever the locale says (an ASCII stdout could not
    take `José`); a replaced stdout (a test's, a notebook's) is left as it is."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None and (sys.stdout.encoding or "").lower().replace("-", "") != "utf8":
        reconfigure(encoding="utf-8")


@contextlib.contextmanager
def progress_display(binary: IO[bytes] | None, size: int | None, enabled: bool) -> Iterator[Callable[[int], None]]:
    """A function to call now and then with the rows done so far: it moves a bar to the bytes read when the input's
    size is known, else a spinner counting rows (a no-op when off)."""
    if not enabled:
        yield lambda rows: None
        return
    from roleadvisor.render import batch_progress, batch_spinner

    if binary is None or not size:
        with batch_spinner() as show_rows:
            yield show_rows
        return
    with batch_progress(size) as advance:
        done = 0

        def update(rows: int) -> None:
            nonlocal done
            position = binary.tell()
            advance(position - done)
            done = position

        yield update
