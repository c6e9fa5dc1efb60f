"""The plain quiz at a pseudo-terminal with TERM=dumb (no --plain: the terminal type turns it on), driven by pexpect."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from keys import CTRL_C, CTRL_D, FIRST_CHOICES

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")

TIMEOUT = 10  # seconds for each expected piece of output
CURSOR_OR_COLOUR = "\x1b["
ANSWER_LINE = "why): "  # ends every line that reads an answer
REVIEW_LINE = "to change that answer: "


def spawn_dumb_quiz(*args: str, screen: io.StringIO) -> pexpect.spawn:
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)  # plain mode must leave colour out by itself
    child = pexpect.spawn(
        sys.executable, ["-m", "roleadvisor", "quiz", *args], env=env, encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 80)
    )
    child.logfile_read = screen
    return child


def reply(child: pexpect.spawn, expected: str, entry: str) -> None:
    """Wait for `expected` (the end of an answer line), then type `entry` and Enter."""
    child.expect_exact(expected)
    child.sendline(entry)


def answer_each(child: pexpect.spawn, *entries: str) -> None:
    for entry in entries:
        reply(child, ANSWER_LINE, entry)


def exit_status(child: pexpect.spawn) -> int | None:
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_a_full_run_at_a_dumb_terminal_prints_a_plain_report_without_escape_sequences(tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    screen = io.StringIO()
    child = spawn_dumb_quiz("--save-answers", str(saved), screen=screen)
    child.expect_exact("[1/7] Which best describes where you are starting from?")
    answer_each(child, *["1"] * 7)
    reply(child, REVIEW_LINE, "")
    child.expect_exact("Start as: AI Developer")
    assert exit_status(child) == 0
    assert CURSOR_OR_COLOUR not in screen.getvalue()
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["first_project"] == FIRST_CHOICES["first_project"][0]


def test_going_back_twice_offers_each_earlier_answer_as_the_default(tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    child = spawn_dumb_quiz("--save-answers", str(saved), screen=io.StringIO())
    answer_each(child, "3", "2", "<")  # software developer, not yet in production, back from goal
    reply(child, "(1-2; < back, ? why) [2]: ", "<")  # production_experience, its answer the default
    reply(child, "(1-4; ? why) [3]: ", "1")  # background, its answer the default: now a student
    answer_each(child, *["1"] * 6)
    reply(child, REVIEW_LINE, "")
    assert exit_status(child) == 0
    answers = yaml.safe_load(saved.read_text(encoding="utf-8"))
    assert answers["background"] == "student"
    assert "production_experience" not in answers


def test_a_question_mark_explains_the_question_and_its_choices() -> None:
    child = spawn_dumb_quiz(screen=io.StringIO())
    reply(child, ANSWER_LINE, "?")
    child.expect_exact("What each choice leans toward:")
    child.expect_exact("  1. Student or fresher: no points to any role")
    child.expect_exact(ANSWER_LINE)  # asked again, still the first question
    child.send(CTRL_C)
    assert exit_status(child) == 130


def test_a_wrong_entry_says_what_is_valid_and_asks_again() -> None:
    child = spawn_dumb_quiz(screen=io.StringIO())
    reply(child, ANSWER_LINE, "7")
    child.expect_exact("Not valid here. Type a number from 1 to 4 or a choice id or ? for why this is asked.")
    reply(child, "Answer (1-4; ? why): ", "2")
    child.expect_exact("[2/7] What do you want")
    child.send(CTRL_C)
    assert exit_status(child) == 130


def test_a_number_in_the_review_changes_that_answer(tmp_path: Path) -> None:
    saved = tmp_path / "answers.yaml"
    child = spawn_dumb_quiz("--save-answers", str(saved), screen=io.StringIO())
    answer_each(child, *["1"] * 7)
    reply(child, REVIEW_LINE, "2")  # goal
    reply(child, "(1-4; ? why) [1]: ", "3")  # own reliable AI systems
    child.expect_exact("Own reliable AI systems, not only demos")  # listed in the review again
    reply(child, REVIEW_LINE, "")
    assert exit_status(child) == 0
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["goal"] == "own_systems"


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "end of input"])
@pytest.mark.parametrize("answered", [0, 3], ids=["first prompt", "middle prompt"])
def test_ctrl_c_and_end_of_input_cancel_with_exit_130_and_write_nothing(tmp_path: Path, key: str, answered: int) -> None:
    saved, report = tmp_path / "answers.yaml", tmp_path / "report.txt"
    screen = io.StringIO()
    child = spawn_dumb_quiz("--save-answers", str(saved), "--output", str(report), screen=screen)
    answer_each(child, *["1"] * answered)
    child.expect_exact(ANSWER_LINE)
    child.send(key)
    child.expect_exact("Quiz cancelled.")
    assert exit_status(child) == 130
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in screen.getvalue()
    assert "\nQuiz cancelled." in screen.getvalue().replace("\r\n", "\n")  # on a line of its own, not after the prompt
