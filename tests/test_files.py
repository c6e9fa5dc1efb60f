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
from roleadvisor.files import atomic_output, check_writable, refuse_overwriting_stdin, write_atomic, written_together


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


# Every output checked, and written, before any is put in place (issue 14)


def test_outputs_written_together_are_all_put_in_place(tmp_path: Path) -> None:
    report, answers = tmp_path / "report.txt", tmp_path / "answers.yaml"
    with written_together({report: "report", answers: "answers"}):
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == []
    assert (report.read_text(), answers.read_text()) == ("report", "answers")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yaml", "report.txt"]


def test_a_failure_inside_the_block_puts_no_output_in_place(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("old")
    with pytest.raises(OSError), written_together({report: "new", tmp_path / "answers.yaml": "new"}):
        raise BrokenPipeError  # stdout went away while the report was printed
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]
    assert report.read_text() == "old"


@needs_dev_full
def test_a_full_device_among_the_outputs_puts_none_in_place(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    with pytest.raises(InputFileError, match=r"^/dev/full: cannot write \(No space left on device\)$"):
        with written_together({FULL: "x", report: "report"}):
            pass
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing/report.txt", "no folder {tmp}/missing"), ("file.txt/report.txt", "Not a directory"), ("", "it is a folder")],
    ids=["missing folder", "a file as a folder", "a folder"],
)
def test_an_output_that_cannot_be_written_is_refused_before_any_is_made(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "file.txt").write_text("")
    target = tmp_path / name
    with pytest.raises(InputFileError, match=rf"^{target}: cannot write \({message.format(tmp=tmp_path)}\)$"):
        check_writable(target)


# The output is the file stdin reads


def run_with_stdin_from(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    with path.open() as stdin:
        return subprocess.run(
            [sys.executable, "-m", "roleadvisor", *args], stdin=stdin, capture_output=True, text=True, timeout=60,
            check=False, cwd=path.parent, env={**os.environ, "NO_COLOR": "1", "TMPDIR": str(path.parent)},
        )  # fmt: skip


@pytest.mark.parametrize("name", ["rows.csv", "link.csv"], ids=["the same name", "a link to it"])
def test_batch_refuses_to_write_over_the_file_stdin_reads(tmp_path: Path, name: str) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("background,goal\nstudent,first_portfolio\n")
    (tmp_path / "link.csv").symlink_to(rows)
    completed = run_with_stdin_from(rows, "batch", "-", "-o", name)
    assert (completed.returncode, completed.stdout) == (2, "")
    assert completed.stderr == f"roleadvisor: {name}: --output is the file stdin reads; write the results elsewhere\n"
    assert rows.read_text() == "background,goal\nstudent,first_portfolio\n"


def test_the_quiz_refuses_to_write_its_report_over_the_answers_stdin_reads(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("background: student\n")
    completed = run_with_stdin_from(answers, "quiz", "--no-input", "--answers-file", "-", "-o", "answers.yaml")
    assert completed.returncode == 2
    assert completed.stderr == "roleadvisor: answers.yaml: --output is the file stdin reads; write the results elsewhere\n"
    assert answers.read_text() == "background: student\n"


def test_an_output_that_stdin_does_not_read_is_written(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("background,goal\nstudent,first_portfolio\n")
    completed = run_with_stdin_from(rows, "batch", "-", "-o", "out.csv")
    assert completed.returncode == 1  # the rows lack answers: scored with errors, but written
    assert (tmp_path / "out.csv").read_text().startswith("role,target,confidence,")


def test_stdin_from_dev_null_is_no_reason_to_refuse_dev_null() -> None:
    refuse_overwriting_stdin(Path(os.devnull))  # stdin may be /dev/null under pytest; /dev/null loses nothing
