"""Writing batch results: CSV or JSON Lines sinks, the output stream (stdout, or a file written whole or not at
all), and the progress bar on stderr.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TextIO, cast

from roleadvisor.batch_input import Carried
from roleadvisor.files import StdoutWriter, atomic_output

# How many field names a note about left-out JSONL fields names.
NOTE_NAMES = 5


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
            if key not in self.columns and len(self.left_out) < NOTE_NAMES:
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
def progress_bar(binary: IO[bytes] | None, size: int | None, enabled: bool) -> Iterator[Callable[[], None]]:
    """A function to call now and then that moves the bar to the bytes read so far (a no-op when off)."""
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
