"""Opening input files with plain-worded errors, writing output files whole or not at all, and the standard streams.

Every file name in a message goes through safe_text.printable: a name can hold an escape sequence or a newline.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, TextIO

from roleadvisor.errors import InputFileError, OutputError, RoleAdvisorError
from roleadvisor.safe_text import printable


def open_input(path: Path, error: type[RoleAdvisorError] = InputFileError) -> BinaryIO:
    """The file opened for reading bytes; a missing, folder or unreadable path raises `error`."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise error(f"{printable(path)}: file not found") from None
    except IsADirectoryError:
        raise error(f"{printable(path)}: is a folder, not a file") from None
    except OSError as exc:
        raise error(f"{printable(path)}: cannot read ({exc.strerror})") from None


def cannot_write(path: Path, reason: str | None) -> InputFileError:
    return InputFileError(f"{printable(path)}: cannot write ({reason})")


def check_writable(path: Path) -> None:
    """Raise InputFileError unless `path` can be written as atomic_output writes it: not a folder, not read-only
    (a shell's `>` refuses one too), in a folder that exists and lets a temp file be made beside it.

    Run for every output before any is written, so that a run that could not save everything saves nothing.
    """
    status = _status(path)
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise cannot_write(path, "it is a folder")
    if status is not None and not os.access(path, os.W_OK):
        raise cannot_write(path, os.strerror(errno.EACCES))
    if status is not None and not stat.S_ISREG(status.st_mode):
        return  # a device or a pipe: written to directly
    folder = Path(os.path.realpath(path)).parent
    folder_status = _status(folder)
    if folder_status is None or not stat.S_ISDIR(folder_status.st_mode):
        raise cannot_write(path, f"no folder {printable(path.parent)}")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise cannot_write(path, os.strerror(errno.EACCES))


def _status(path: Path) -> os.stat_result | None:
    """What is at `path` (links followed), None when nothing is; a folder on the way that cannot be searched
    (mode 000) or a file on the way raise InputFileError."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise cannot_write(path, error.strerror) from None


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[TextIO]:
    """A text stream whose content replaces `path` only if the block finishes without an error.

    A symlink is followed (the file it points at is replaced, the link kept). A device or pipe
    (/dev/null, /dev/stdout, a FIFO) cannot be replaced, so it is written to directly.
    """
    check_writable(path)
    status = _status(path)
    if status is not None and not stat.S_ISREG(status.st_mode):
        with _opened_for_writing(path) as stream:
            yield stream
        return
    target = Path(os.path.realpath(path))
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as error:
        raise cannot_write(path, error.strerror) from None
    try:
        with _closed_after(os.fdopen(handle, "w", encoding="utf-8", newline=""), path) as stream:
            yield stream
        os.chmod(temp_name, _new_file_mode(target))
        os.replace(temp_name, target)
    except BaseException as error:  # a signal too (errors.Stopped): the temp file never outlives the run
        Path(temp_name).unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):  # stdout's reader gone: not ours
            raise cannot_write(path, error.strerror) from None
        raise


@contextlib.contextmanager
def _opened_for_writing(path: Path) -> Iterator[TextIO]:
    try:
        stream = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by _closed_after
    except OSError as error:
        raise cannot_write(path, error.strerror) from None
    try:
        with _closed_after(stream, path) as opened:
            yield opened
    except OSError as error:  # a device that takes no more (/dev/full), or fails
        if isinstance(error, BrokenPipeError):  # the reader went away, as stdout's may (`| head`)
            raise
        raise cannot_write(path, error.strerror) from None


@contextlib.contextmanager
def _closed_after(stream: TextIO, path: Path) -> Iterator[TextIO]:
    """`stream`, closed after the block. A failure of the block (stdout gone, a signal) goes on as it is, whatever
    closing then says; a failure to write out what is left when closing (a full disk, /dev/full) names `path`."""
    try:
        yield stream
    except BaseException:
        with contextlib.suppress(OSError):
            stream.close()
        raise
    try:
        stream.close()
    except OSError as error:
        raise cannot_write(path, error.strerror) from None


def write_atomic(path: Path, text: str) -> None:
    with written_together({path: text}):
        pass


@contextlib.contextmanager
def written_together(texts: Mapping[Path, str]) -> Iterator[None]:
    """Write each text to its path, all or none: every one is written out (to its temp file) before any
    replaces its path, and a failure in any of them, or in the block, leaves every path as it was.

    The block runs when all are written and none is in place yet: the place for output that cannot be
    taken back, such as stdout. Devices and pipes are written last, as what reaches them cannot be taken back.
    """
    for path in texts:  # every refusal before any temp file is made
        check_writable(path)
    with contextlib.ExitStack() as stack:
        for path in sorted(texts, key=_is_device):
            stream = stack.enter_context(atomic_output(path))
            try:
                stream.write(texts[path])
                stream.flush()
            except OSError as error:
                raise cannot_write(path, error.strerror) from None
        yield


def _is_device(path: Path) -> bool:
    status = _status(path)
    return status is not None and not stat.S_ISREG(status.st_mode)


def refuse_overwriting_stdin(output: Path | None) -> None:
    """Refuse an output that is the file stdin reads (`< file`): the results would replace what they came from.

    Stdin has no name to compare, so the two are compared by device and inode; only a plain file counts
    (`< /dev/null` with `-o /dev/null` loses nothing).
    """
    if output is None:
        return
    try:
        reading, writing = os.fstat(0), os.stat(output)
    except OSError:  # stdin closed, or no output file yet: nothing to overwrite
        return
    if _same_plain_file(reading, writing):
        raise InputFileError(f"{printable(output)}: --output is the file stdin reads; write the results elsewhere")


def stdout_is_the_input(input_name: str) -> bool:
    """Whether stdout writes to the plain file that is read (`batch x.csv > x.csv`, `batch - < x.csv >> x.csv`),
    compared by device and inode."""
    try:
        writing = os.fstat(sys.stdout.fileno())
        reading = os.fstat(0) if input_name == "-" else os.stat(input_name)
    except (OSError, ValueError, io.UnsupportedOperation):  # no such file (the reader says so), or no descriptor
        return False
    return _same_plain_file(reading, writing)


def _same_plain_file(one: os.stat_result, other: os.stat_result) -> bool:
    """Whether two descriptors or paths are one plain file (`< /dev/null` with `> /dev/null` loses nothing)."""
    return stat.S_ISREG(one.st_mode) and (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


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
    reason = "it is closed" if error.errno == errno.EBADF else error.strerror
    return OutputError(f"stdout: cannot write ({reason})")


def silence_stdout() -> None:
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def stdout_reaches_no_screen() -> bool:
    """Whether stdout is a plain file or a device that is not a terminal (/dev/null): then nothing it carries is
    shown on a screen. A terminal shows it, and so may a pipe's reader (`| head`)."""
    try:
        mode = os.fstat(sys.stdout.fileno()).st_mode
    except (OSError, ValueError, io.UnsupportedOperation):
        return False
    return stat.S_ISREG(mode) or (stat.S_ISCHR(mode) and not os.isatty(sys.stdout.fileno()))


@contextlib.contextmanager
def stdout_taken_back_on_failure() -> Iterator[None]:
    """When stdout is a plain file (`> results.csv`, `>> results.csv`), a block that fails leaves the file as it
    was before the block, as `--output` would: what the block wrote is cut off again, and stdout is pointed at
    /dev/null so that nothing left in its buffer lands there later. A pipe or a terminal cannot take back what
    reached it."""
    start = _plain_file_end(sys.stdout)
    if start is None:
        yield
        return
    # A descriptor of our own for the file: a failed write points stdout's at /dev/null (stdout_failed).
    file, end = start
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        with contextlib.suppress(OSError):
            silence_stdout()
            os.ftruncate(file, end)
            os.lseek(file, end, os.SEEK_SET)  # stdout's offset too, in case stderr writes to the same file (`2>&1`)
        raise
    finally:
        os.close(file)


def _plain_file_end(stream: TextIO) -> tuple[int, int] | None:
    """A new descriptor for stdout's file and where its data ends now, when it is a plain file; else None."""
    try:
        stream.flush()
        status = os.fstat(stream.fileno())
        if not stat.S_ISREG(status.st_mode):
            return None
        descriptor = stream.fileno()
        end = status.st_size if _appending(descriptor) else os.lseek(descriptor, 0, os.SEEK_CUR)
        return os.dup(descriptor), end
    except (OSError, ValueError, io.UnsupportedOperation):  # no descriptor (a test's stand-in stream), or closed
        return None


def _appending(descriptor: int) -> bool:
    """Whether the file was opened to append (`>>`): every write then goes to its end, wherever the offset is."""
    try:
        import fcntl
    except ImportError:  # Windows: no way to ask
        return False
    return bool(fcntl.fcntl(descriptor, fcntl.F_GETFL) & os.O_APPEND)


# A process started with stdin, stdout or stderr closed (`<&-`, `>&-`, `2>&-`)


def stand_in_for_closed_streams() -> None:
    """Give each standard stream that was closed at start a stand-in, before anything else opens a file.

    Python leaves a closed one None, which no library expects, and the first file opened would take its
    number, so that writes meant for stdout could land in an output file. The stand-ins hold the numbers:
    - stdin reads nothing, and a read raises InputFileError (`stdin: cannot read (it is closed)`), one line
      and exit 2, where batch or an answers file would read it;
    - stdout is /dev/null opened for reading, so that a write fails with EBADF, which stdout_failed names
      (`stdout: cannot write (it is closed)`), and silence_stdout can still point it at /dev/null;
    - stderr is /dev/null: a message has nowhere to go.
    """
    if sys.stdin is None:
        _hold_descriptor(0, os.O_RDONLY)
        sys.stdin = io.TextIOWrapper(io.BufferedReader(_ClosedStdin()), encoding="utf-8")
    if sys.stdout is None:
        sys.stdout = open(_hold_descriptor(1, os.O_RDONLY), "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        descriptor = _hold_descriptor(2, os.O_WRONLY)
        sys.stderr = open(descriptor, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115


def _hold_descriptor(number: int, flags: int) -> int:
    """/dev/null on descriptor `number` if that is free; else on a new one (something took it already)."""
    try:
        os.fstat(number)
    except OSError:
        opened = os.open(os.devnull, flags)
        if opened != number:
            os.dup2(opened, number)
            os.close(opened)
        return number
    return os.open(os.devnull, flags)


class _ClosedStdin(io.RawIOBase):
    def readable(self) -> bool:
        return True

    def readinto(self, buffer: object) -> int:
        raise InputFileError("stdin: cannot read (it is closed)")
