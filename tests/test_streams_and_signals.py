"""The real program with a standard stream closed, a folder it may not search, and a signal mid-run.

Each case runs `python -m roleadvisor` in its own process: closed streams and signal handlers belong to the
process, which CliRunner does not start. Waits are on output (pexpect's expect) or on a pipe, never on a clock.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX streams, signals and pseudo-terminals")

ANSWERS = {
    "background": "student", "goal": "first_portfolio", "work_style": "ship_fast", "interests": "rag_apps",
    "deployment": "shared", "model_depth": "application_level", "first_project": "study_assistant",
}  # fmt: skip
ANSWER_FLAGS = " ".join(f"--answer={question}={choice}" for question, choice in ANSWERS.items())
ROWS = ",".join(ANSWERS) + "\n" + ",".join(ANSWERS.values()) + "\n"
PROGRAM = f"{shlex.quote(sys.executable)} -m roleadvisor"
TIMEOUT = 30


def program_env(tmp_path: Path) -> dict[str, str]:
    # TMPDIR: a crash file (roleadvisor-crash-*.txt) would land in tmp_path, where a test can see it.
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "TMPDIR": str(tmp_path)}
    env.pop("ROLEADVISOR_DATA", None)
    return env


def shell(command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`command` run by sh in tmp_path, where PROGRAM runs the program, with output captured."""
    return subprocess.run(
        ["/bin/sh", "-c", "exec " + command.replace("PROGRAM", PROGRAM)],
        cwd=tmp_path, env=program_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT, check=False,
    )  # fmt: skip


def crash_files(tmp_path: Path) -> list[str]:
    return [path.name for path in tmp_path.glob("roleadvisor-crash-*")]


# Closed streams


def test_a_closed_stdin_is_not_missed_when_every_answer_is_given(tmp_path: Path) -> None:
    result = shell(f"PROGRAM quiz {ANSWER_FLAGS} <&-", tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert "Start as: AI Developer" in result.stdout


@pytest.mark.parametrize("command", ["batch -", "quiz --answers-file -"])
def test_reading_a_closed_stdin_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    result = shell(f"PROGRAM {command} <&-", tmp_path)
    assert (result.returncode, result.stderr, result.stdout) == (2, "roleadvisor: stdin: cannot read (it is closed)\n", "")
    assert crash_files(tmp_path) == []


@pytest.mark.parametrize("command", [f"quiz {ANSWER_FLAGS}", "compare", "--help", "--version", "batch rows.csv"])
def test_writing_a_closed_stdout_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    (tmp_path / "rows.csv").write_text(ROWS)
    result = shell(f"PROGRAM {command} >&-", tmp_path)
    assert (result.returncode, result.stderr.splitlines()[-1:]) == (2, ["roleadvisor: stdout: cannot write (it is closed)"])
    assert crash_files(tmp_path) == []


def test_a_closed_stdout_is_not_missed_when_the_report_goes_to_a_file(tmp_path: Path) -> None:
    result = shell(f"PROGRAM quiz {ANSWER_FLAGS} -o report.txt >&-", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Start as: AI Developer" in (tmp_path / "report.txt").read_text()


def test_with_stderr_closed_batch_still_writes_its_results(tmp_path: Path) -> None:
    (tmp_path / "rows.csv").write_text(ROWS)
    result = shell("PROGRAM batch rows.csv -o out.csv 2>&-", tmp_path)
    assert result.returncode == 0
    assert (tmp_path / "out.csv").read_text().splitlines()[1].startswith("developer,")


def test_with_stderr_closed_an_error_is_quiet_and_exit_2(tmp_path: Path) -> None:
    result = shell("PROGRAM quiz --no-input --answer=goal=nonsense 2>&-", tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert crash_files(tmp_path) == []


# stdout redirected to a file: all or nothing, as --output


def rows_then_an_unclosed_quote(tmp_path: Path) -> Path:
    """Far more good rows than stdout's buffer holds, so that some reach the file, then a quote never closed."""
    good = ROWS.splitlines(keepends=True)[1]
    path = tmp_path / "in.csv"
    path.write_text(ROWS + good * 5_000 + '"' + good)
    return path


@pytest.mark.parametrize(("redirect", "before"), [(">", ""), (">>", "kept,from,before\n")], ids=["write", "append"])
def test_a_run_that_fails_leaves_a_redirected_stdout_file_as_it_was(tmp_path: Path, redirect: str, before: str) -> None:
    rows_then_an_unclosed_quote(tmp_path)
    (tmp_path / "out.csv").write_text(before)
    result = shell(f"PROGRAM batch in.csv {redirect} out.csv", tmp_path)
    assert result.returncode == 2 and "is never closed" in result.stderr
    assert (tmp_path / "out.csv").read_text() == before


def test_with_stderr_in_the_same_file_a_failed_run_leaves_only_the_message(tmp_path: Path) -> None:
    rows_then_an_unclosed_quote(tmp_path)
    result = shell("PROGRAM batch in.csv > out.csv 2>&1", tmp_path)
    assert result.returncode == 2
    written = (tmp_path / "out.csv").read_text()
    assert written.startswith("roleadvisor: in.csv: row 5003: a quote") and written.count("\n") == 1  # no rows, no gap of NULs


@pytest.mark.parametrize(
    ("command", "named"),
    [("PROGRAM batch in.csv > in.csv", "in.csv: stdout is the input file"), ("PROGRAM batch in.csv >> in.csv", "in.csv: stdout is the input file"),
     ("PROGRAM batch - < in.csv >> in.csv", "stdin: stdout is the file stdin reads")],
    ids=["write", "append", "stdin-append"],
)  # fmt: skip
def test_stdout_redirected_to_the_input_file_is_refused(tmp_path: Path, command: str, named: str) -> None:
    """`>` has emptied the input before batch starts; `>>` would feed batch its own results, without end."""
    (tmp_path / "in.csv").write_text(ROWS)
    result = shell(command, tmp_path)
    assert result.returncode == 2 and result.stderr.startswith(f"roleadvisor: {named} (`> file` empties it")
    assert len(result.stderr.splitlines()) == 1
    assert (tmp_path / "in.csv").read_text() == ("" if " > " in command else ROWS)


def test_a_run_that_succeeds_writes_every_row_to_a_redirected_stdout_file(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text(ROWS + ROWS.splitlines(keepends=True)[1] * 5_000)
    result = shell("PROGRAM batch in.csv >> out.csv", tmp_path)
    assert result.returncode == 0
    lines = (tmp_path / "out.csv").read_text().splitlines()
    assert len(lines) == 5_002 and lines[0].startswith("role,") and lines[-1].startswith("developer,")


# A folder that cannot be searched


def without_permission_bypass() -> str:
    """What to put before a command so that it meets permission bits: nothing for a plain user; for root, which
    ignores them, setpriv dropping the two capabilities that let it (emulating a user without the bypass)."""
    if os.geteuid() != 0:
        return ""
    if shutil.which("setpriv") is None:
        pytest.skip("running as root, and no setpriv to drop the permission bypass")
    return "setpriv --bounding-set -dac_override,-dac_read_search "


@pytest.mark.parametrize("command", [f"quiz --no-input {ANSWER_FLAGS}", "batch rows.csv"], ids=["quiz", "batch"])
def test_an_output_in_a_folder_that_cannot_be_searched_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    prefix = without_permission_bypass()
    (tmp_path / "rows.csv").write_text(ROWS)
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o000)
    try:
        result = shell(f"{prefix}PROGRAM {command} -o locked/x.csv", tmp_path)
    finally:
        locked.chmod(0o755)
    assert (result.returncode, result.stderr) == (2, "roleadvisor: locked/x.csv: cannot write (Permission denied)\n")
    assert list(locked.iterdir()) == []


@pytest.mark.parametrize("command", [f"quiz --no-input {ANSWER_FLAGS}", "batch rows.csv"], ids=["quiz", "batch"])
def test_a_read_only_output_is_refused_as_a_shell_would(tmp_path: Path, command: str) -> None:
    prefix = without_permission_bypass()
    (tmp_path / "rows.csv").write_text(ROWS)
    target = tmp_path / "kept.txt"
    target.write_text("kept")
    target.chmod(0o444)
    result = shell(f"{prefix}PROGRAM {command} -o kept.txt", tmp_path)
    assert (result.returncode, result.stderr) == (2, "roleadvisor: kept.txt: cannot write (Permission denied)\n")
    assert target.read_text() == "kept"


# Signals


def terminal_env(tmp_path: Path) -> dict[str, str]:
    # No cursor-position request (pexpect never answers it, and prompt_toolkit would wait for it).
    return {**program_env(tmp_path), "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "100", "LINES": "40"}


def quiz_in_a_script(tmp_path: Path) -> tuple[pexpect.spawn, int]:
    """The interactive quiz run by a script at a terminal, which then prints its exit status and the terminal's
    settings; and the quiz's process id."""
    quiz = shlex.quote(f"echo pid=$$; exec {PROGRAM} quiz")
    script = f"sh -c {quiz}; echo status=$?; stty -a"
    child = pexpect.spawn("/bin/sh", ["-c", script], env=terminal_env(tmp_path), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100))
    child.expect(r"pid=(\d+)")
    return child, int(child.match.group(1))


@pytest.mark.parametrize(("signal_number", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"])
def test_a_stopping_signal_during_the_quiz_restores_the_terminal(tmp_path: Path, signal_number: int, status: int) -> None:
    child, pid = quiz_in_a_script(tmp_path)
    child.expect_exact("[1/7]")
    os.kill(pid, signal_number)
    child.expect(r"status=(\d+)")
    assert int(child.match.group(1)) == status
    child.expect(pexpect.EOF)
    settings = child.before.split()
    assert {"icanon", "echo", "isig"} <= set(settings), child.before  # `-icanon` would be raw mode left behind
    assert "Traceback" not in child.before


def test_sigint_from_kill_cancels_the_quiz_like_ctrl_c(tmp_path: Path) -> None:
    child, pid = quiz_in_a_script(tmp_path)
    child.expect_exact("[1/7]")
    os.kill(pid, signal.SIGINT)
    child.expect_exact("Quiz cancelled.")
    child.expect(r"status=(\d+)")
    assert int(child.match.group(1)) == 130
    child.expect(pexpect.EOF)
    assert "icanon" in child.before.split()


@pytest.mark.parametrize(("signal_number", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)], ids=["TERM", "HUP"])
def test_a_stopping_signal_during_batch_leaves_no_temp_file(tmp_path: Path, signal_number: int, status: int) -> None:
    batch = subprocess.Popen(
        [sys.executable, "-m", "roleadvisor", "batch", "-", "-o", "out.csv"],
        cwd=tmp_path, env=program_env(tmp_path), stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert batch.stdin is not None and batch.stderr is not None
    # A pipe holds 64 KiB and the reader reads ahead 8 KiB at most, so once a write of 1 MiB returns, batch is
    # reading rows: past the header, with its temp file open. (No clock: the write itself waits for it.)
    rows = ROWS.splitlines(keepends=True)[1] * (2**20 // len(ROWS))
    batch.stdin.write(ROWS + rows)
    batch.stdin.flush()
    assert any(re.fullmatch(r"\.out\.csv\..*\.tmp", path.name) for path in tmp_path.iterdir())
    batch.send_signal(signal_number)
    assert batch.wait(timeout=TIMEOUT) == status
    assert batch.stderr.read() == ""
    batch.stdin.close()
    assert sorted(path.name for path in tmp_path.iterdir()) == []


def test_a_stopping_signal_during_batch_leaves_a_redirected_stdout_file_empty(tmp_path: Path) -> None:
    with (tmp_path / "out.csv").open("w") as out:
        batch = subprocess.Popen(
            [sys.executable, "-m", "roleadvisor", "batch", "-"],
            cwd=tmp_path, env=program_env(tmp_path), stdin=subprocess.PIPE, stdout=out, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert batch.stdin is not None and batch.stderr is not None
        rows = ROWS.splitlines(keepends=True)[1] * (2**20 // len(ROWS))
        batch.stdin.write(ROWS + rows)  # returns once batch has read most of it, so rows have reached the file
        batch.stdin.flush()
        assert (tmp_path / "out.csv").stat().st_size > 0
        batch.send_signal(signal.SIGTERM)
        assert batch.wait(timeout=TIMEOUT) == 143
        batch.stdin.close()
        assert batch.stderr.read() == ""
    assert (tmp_path / "out.csv").read_text() == ""
