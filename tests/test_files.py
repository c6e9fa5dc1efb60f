"""Output files are written whole or not at all, without clobbering links, devices or pipes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from roleadvisor.errors import InputFileError
from roleadvisor.files import atomic_output, write_atomic


def test_write_replaces_the_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    write_atomic(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_a_failure_midway_leaves_the_old_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_output(target) as stream:
        stream.write("half")
        raise RuntimeError("stopped")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_new_files_get_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    write_atomic(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink()
    assert real.read_text() == "new"


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(timeout=10)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="cannot write"):
        write_atomic(tmp_path / "missing" / "report.txt", "x")


FULL = Path("/dev/full")
needs_dev_full = pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")


@needs_dev_full
def test_a_device_that_takes_no_more_is_a_clean_write_error() -> None:
    with pytest.raises(InputFileError, match=r"^/dev/full: cannot write \(No space left on device\)$"):
        write_atomic(FULL, "x" * 100_000)


@needs_dev_full
@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["compare"], "roleadvisor: stdout: cannot write (No space left on device)", id="stdout"),
        pytest.param(["roles", "--format", "json"], "roleadvisor: stdout: cannot write (No space left on device)", id="stdout json"),
        pytest.param(["batch", "-", "--output", "/dev/full"], "roleadvisor: /dev/full: cannot write (No space left on device)", id="batch output"),
    ],
)
def test_a_full_output_exits_2_with_one_line_and_no_crash_file(args: list[str], message: str, tmp_path: Path) -> None:
    rows = "background,goal\nstudent,first_portfolio\n"
    with FULL.open("w") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "roleadvisor", *args],
            input=rows, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
            env={**os.environ, "TMPDIR": str(tmp_path)},
        )
    assert (completed.returncode, completed.stderr.strip().splitlines()[-1]) == (2, message)
    assert "Traceback" not in completed.stderr
    assert list(tmp_path.iterdir()) == []  # no roleadvisor-crash-*.txt


@needs_dev_full
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["compare", "--help"]])
def test_help_and_version_into_a_full_stdout_are_one_line_too(args: list[str], tmp_path: Path) -> None:
    with FULL.open("w") as full:
        completed = subprocess.run(
            [sys.executable, "-m", "roleadvisor", *args], stdout=full, stderr=subprocess.PIPE, text=True, timeout=60, check=False,
        )
    assert (completed.returncode, completed.stderr) == (2, "roleadvisor: stdout: cannot write (No space left on device)\n")


def test_a_folder_is_refused_as_an_output_in_the_same_words_everywhere(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=rf"^{tmp_path}: cannot write \(it is a folder\)$"):
        write_atomic(tmp_path, "text")
