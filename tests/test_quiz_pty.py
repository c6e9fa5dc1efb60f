"""The real `roleadvisor quiz` at a pseudo-terminal (pexpect), and without a terminal at all."""

from __future__ import annotations

import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from keys import CTRL_C, DOWN, ENTER, FIRST_CHOICES, SPACE, UP
from roleadvisor.engine import missing_questions, score_answers
from roleadvisor.pack import Pack

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")

TIMEOUT = 10  # seconds for each expected piece of output

MULTI_SELECT_AT = 4  # interests, in a student's run of 7 prompts: nothing is ticked until Space
LONG_HELP = "Words that run well past the edge of a narrow terminal, and so must wrap onto further lines instead of being cut off."
ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def terminal_env(columns: int = 100, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    # No cursor-position request (pexpect never answers it, and prompt_toolkit would wait for it).
    env.update(PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm", NO_COLOR="1", COLUMNS=str(columns), LINES="40", **extra)
    return env


def spawn(command: str, args: list[str], screen: io.StringIO, columns: int = 100, **extra_env: str) -> pexpect.spawn:
    env = terminal_env(columns, **extra_env)
    child = pexpect.spawn(command, args, env=env, encoding="utf-8", timeout=TIMEOUT, dimensions=(40, columns))
    child.logfile_read = screen
    return child


def spawn_quiz(*args: str, screen: io.StringIO, columns: int = 100, **extra_env: str) -> pexpect.spawn:
    return spawn(sys.executable, ["-m", "roleadvisor", "quiz", *args], screen, columns, **extra_env)


def answer(child: pexpect.spawn, progress: str, keys: str = ENTER) -> None:
    """Wait for the prompt marked `progress` (e.g. "[2/7]"), then press `keys`."""
    child.expect_exact(progress)
    child.send(keys)


def take_first_choices(child: pexpect.spawn, first: int, total: int) -> None:
    """Take the first choice at prompts `first`..`total` of a student's run, then confirm on the review screen."""
    for number in range(first, total + 1):
        answer(child, f"[{number}/{total}]", SPACE + ENTER if number == MULTI_SELECT_AT else ENTER)
    answer(child, "Confirm and score")


def exit_status(child: pexpect.spawn) -> int | None:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def words_on(screen: str) -> str:
    """The text without terminal escape sequences, every run of whitespace made one space."""
    return " ".join(ESCAPE_SEQUENCE.sub("", screen).split())


def give_first_question_long_help(pack_folder: Path) -> None:
    questions_file = pack_folder / "questions.yaml"
    content = yaml.safe_load(questions_file.read_text(encoding="utf-8"))
    content["questions"][0]["help"] = LONG_HELP
    questions_file.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")


def test_first_choice_at_every_prompt_prints_the_report(pack: Pack) -> None:
    screen = io.StringIO()
    child = spawn_quiz(screen=screen)
    take_first_choices(child, 1, 7)
    child.expect_exact("Start as:")
    next_course = score_answers(pack, FIRST_CHOICES).next_course
    assert next_course is not None
    child.expect_exact(next_course.title)
    assert exit_status(child) == 0
    assert "Traceback" not in screen.getvalue()


def test_going_back_and_changing_an_answer_is_what_gets_scored(tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    child = spawn_quiz("--save-answers", str(saved), screen=io.StringIO())
    answer(child, "[1/7]", DOWN * 2 + ENTER)  # software_developer: production_experience appears
    answer(child, "[2/8]", DOWN * 2 + ENTER)  # past "Yes" and "Not yet" to "← Back"
    answer(child, "[1/8]", UP * 2 + ENTER)  # from software_developer up to student
    take_first_choices(child, 2, 7)
    assert exit_status(child) == 0
    answers = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert answers["background"] == "student"
    assert "production_experience" not in answers


def test_question_mark_explains_the_highlighted_choice_and_stays_on_the_question(pack: Pack) -> None:
    child = spawn_quiz(screen=io.StringIO())
    answer(child, "[1/7]", DOWN * 3 + "?")  # "Experienced engineer", then ?
    child.expect_exact("This choice: Experienced engineer (backend, platform, data or ML): no points to any role")
    child.send(ENTER)  # still the same question: Enter takes the highlighted choice
    answer(child, "[2/8]", CTRL_C)  # production_experience: shown for an experienced engineer
    assert exit_status(child) == 130


def test_ctrl_c_mid_quiz_cancels_with_exit_130(pack: Pack) -> None:
    screen = io.StringIO()
    child = spawn_quiz(screen=screen)
    answer(child, "[1/7]")
    answer(child, "[2/7]", CTRL_C)
    child.expect_exact("Quiz cancelled.")
    assert exit_status(child) == 130
    assert "Traceback" not in screen.getvalue()


def test_a_long_help_line_wraps_whole_at_a_50_column_terminal(pack_copy: Path) -> None:
    give_first_question_long_help(pack_copy)
    screen = io.StringIO()
    child = spawn_quiz(screen=screen, columns=50, ROLEADVISOR_DATA=str(pack_copy))
    answer(child, "Enter chooses)", CTRL_C)
    assert exit_status(child) == 130
    assert words_on(LONG_HELP) in words_on(screen.getvalue())


def test_with_stdout_redirected_the_prompts_go_to_the_terminal_and_the_file_holds_only_the_report(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    command = f"exec {shlex.quote(sys.executable)} -m roleadvisor quiz > {shlex.quote(str(report))}"
    screen = io.StringIO()
    child = spawn("/bin/sh", ["-c", command], screen)
    take_first_choices(child, 1, 7)
    assert exit_status(child) == 0
    text = report.read_text(encoding="utf-8")
    assert "Start as:" in text
    assert "[1/7]" not in text and "Confirm and score" not in text
    assert "Start as:" not in screen.getvalue()


def test_without_a_terminal_missing_answers_exit_2_naming_them(pack: Pack) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "roleadvisor", "quiz", "--answer", "background=student"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=terminal_env(),
        timeout=30,  # a prompt waiting for input would fail here rather than hang the suite
    )
    assert result.returncode == 2
    missing = missing_questions(pack, {"background": ("student",)})
    assert f"missing answers for: {', '.join(missing)}" in result.stderr
    assert result.stdout == ""


def test_with_stdout_and_stderr_both_redirected_the_quiz_does_not_prompt(tmp_path: Path) -> None:
    """Nowhere to draw prompts: act as without a terminal (exit 2 naming the missing answers)."""
    out, err = tmp_path / "out.txt", tmp_path / "err.txt"
    command = f"{shlex.quote(sys.executable)} -m roleadvisor quiz > {shlex.quote(str(out))} 2> {shlex.quote(str(err))}"
    child = spawn("/bin/sh", ["-c", command], io.StringIO())
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert out.read_text() == ""
    assert "missing answers for: background, goal" in err.read_text()


def test_the_quiz_under_the_c_locale_prints_the_report_in_ascii() -> None:
    """LC_ALL=C without UTF-8 mode: stdout is ASCII, and the report is drawn for it rather than failing at the end."""
    screen = io.StringIO()
    child = spawn_quiz(screen=screen, LC_ALL="C", LANG="C", PYTHONUTF8="0", PYTHONIOENCODING="")
    take_first_choices(child, 1, 7)
    child.expect_exact("Pull: ")
    child.expect(r"[#.]{10} \(")  # the strength bar, drawn in ASCII
    assert exit_status(child) == 0
    assert "internal error" not in screen.getvalue()
