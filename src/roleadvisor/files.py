"""Opening input files with plain-worded errors, and writing output files whole or not at all."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from roleadvisor.errors import InputFileError, OutputError, RoleAdvisorError


def open_input(path: Path, error: type[RoleAdvisorError] = InputFileError) -> BinaryIO:
    """The file opened for reading bytes; a missing, folder or unreadable path raises `error`."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except IsADirectoryError:
        raise error(f"{path}: is a folder, not a file") from None
    except OSError as exc:
        raise error(f"{path}: cannot read ({exc.strerror})") from None


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A text stream whose content replaces `path` only if the block finishes without an error.

    A symlink is followed (the file it points at is replaced, the link kept). A device or pipe
    (/dev/null, /dev/stdout, a FIFO) cannot be replaced, so it is written to directly.
    """
    if path.is_dir():
        raise InputFileError(f"{path}: cannot write (it is a folder)")
    if path.exists() and not path.is_file():
        with _opened_for_writing(path) as stream:
            yield stream
        return
    target = Path(os.path.realpath(path))
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise InputFileError(f"{path}: cannot write ({error.strerror})") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            yield stream
        os.chmod(temp_name, _new_file_mode(target))
        os.replace(temp_name, target)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise InputFileError(f"{path}: cannot write ({error.strerror})") from None
        raise


@contextlib.contextmanager
def _opened_for_writing(path: Path) -> Iterator[TextIO]:
    try:
        stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed below
    except OSError as error:
        raise InputFileError(f"{path}: cannot write ({error.strerror})") from None
    try:
        with stream:
            yield stream
    except OSError as error:  # a device that takes no more (/dev/full), or fails
        raise InputFileError(f"{path}: cannot write ({error.strerror})") from None


def write_atomic(path: Path, text: str) -> None:
    with atomic_output(path) as stream:
        stream.write(text)


def _new_file_mode(path: Path) -> int:
    """The mode a plain open() would give (mkstemp makes files private): the old file's, or 0o666 less the umask."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class StdoutWriter:
    """Results to sys.stdout. A write that fails (a full disk, `> /dev/full`) raises OutputError naming stdout;
    a reader that went away (BrokenPipeError, `| head`) is left to the caller, as that is no error."""

    def write(self, text: str) -> int:
        with _failures_named_stdout():
            return sys.stdout.write(text)

    def flush(self) -> None:
        with _failures_named_stdout():
            sys.stdout.flush()


@contextlib.contextmanager
def _failures_named_stdout() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError:
        raise
    except OSError as error:
        raise stdout_failed(error) from None


def stdout_failed(error: OSError) -> OutputError:
    """The error to raise for a failed write to stdout, which is pointed at /dev/null first, so that flushing
    what is left of it at exit cannot fail again, noisily."""
    silence_stdout()
    return OutputError(f"stdout: cannot write ({error.strerror})")


def silence_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
