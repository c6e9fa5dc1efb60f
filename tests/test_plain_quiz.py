"""The plain quiz: lines in, lines out. In-process with text streams, and the real CLI with piped stdin."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from keys import FIRST_CHOICES
from roleadvisor.errors import Cancelled
from roleadvisor.explanations import explain_question
from roleadvisor.pack import ChosenAnswers, Pack
from roleadvisor.plain_quiz import plain_requested, run_plain_quiz

FIRST_EVERYWHERE = ["1"] * 7  # a student's run: seven questions, the first choice at each
CONFIRM = ""  # Enter on an empty line at the review
QUESTION_PROMPT = "Answer ("  # starts every line that reads an answer

# Software developer (production_experience appears), then choices that exercise ids, numbers and multi-choice.
DEVELOPER_ENTRIES = ["3", "no", "4", "balanced", "3,8", "2", "2", "7", CONFIRM]
DEVELOPER_FLAGS = [
    "-a", "background=software_developer",
    "-a", "production_experience=no",
    "-a", "goal=undecided",
    "-a", "work_style=balanced",
    "-a", "interests=rag_apps,evaluation",
    "-a", "deployment=shared",
    "-a", "model_depth=serving_and_evaluation",
    "-a", "first_project=agent_observability",
]  # fmt: skip


def plain_quiz(pack: Pack, entries: list[str], preanswered: ChosenAnswers | None = None) -> tuple[dict[str, tuple[str, ...]], str]:
    """The answers after typing these lines, and everything the quiz printed."""
    out = io.StringIO()
    answers = run_plain_quiz(pack, preanswered or {}, io.StringIO("".join(f"{entry}\n" for entry in entries)), out)
    return answers, out.getvalue()


def printed_before_input_ran_out(pack: Pack, entries: list[str]) -> str:
    """What the quiz printed by the time these lines ran out (it then cancels)."""
    out = io.StringIO()
    with pytest.raises(Cancelled):
        run_plain_quiz(pack, {}, io.StringIO("".join(f"{entry}\n" for entry in entries)), out)
    return out.getvalue()


def lines_after(transcript: str, marker: str) -> list[str]:
    """The lines printed after the last line that contains `marker`, that line included."""
    lines = transcript.splitlines()
    last = max(number for number, line in enumerate(lines) if marker in line)
    return lines[last:]


# A whole run


def test_the_first_choice_at_every_question_gives_a_complete_answer_set(pack: Pack) -> None:
    answers, _ = plain_quiz(pack, [*FIRST_EVERYWHERE, CONFIRM])
    assert answers == FIRST_CHOICES


def test_numbers_ids_and_a_multi_choice_give_those_answers(pack: Pack) -> None:
    answers, _ = plain_quiz(pack, DEVELOPER_ENTRIES)
    assert answers["background"] == ("software_developer",)
    assert answers["production_experience"] == ("no",)
    assert answers["work_style"] == ("balanced",)
    assert answers["interests"] == ("rag_apps", "evaluation")


def test_a_choice_may_be_typed_as_its_label_or_its_id_in_capitals(pack: Pack) -> None:
    answers, _ = plain_quiz(pack, ["career switcher coming from ANOTHER field", "UNDECIDED", *FIRST_EVERYWHERE[2:3], "RAG application building", *FIRST_EVERYWHERE[4:], CONFIRM])
    assert (answers["background"], answers["goal"], answers["interests"]) == (("career_switcher",), ("undecided",), ("rag_apps",))


@pytest.mark.parametrize("entry", ["8,10", "8 10", "10, 8", "evaluation monitoring", "8,monitoring"])
def test_a_multi_choice_takes_numbers_or_ids_separated_by_commas_or_spaces(pack: Pack, entry: str) -> None:
    answers, _ = plain_quiz(pack, [*FIRST_EVERYWHERE[:3], entry, *FIRST_EVERYWHERE[4:], CONFIRM])
    assert answers["interests"] == ("evaluation", "monitoring")


def test_each_question_is_printed_once_with_progress_help_and_numbered_choices(pack: Pack) -> None:
    _, transcript = plain_quiz(pack, [*FIRST_EVERYWHERE, CONFIRM])
    block = (
        "[2/7] What do you want from the next year of AI work?\n"
        "  Pick the outcome that matters most to you right now.\n"
        "  1. A first serious AI portfolio\n"
        "  2. Build AI products and features people use\n"
        "  3. Own reliable AI systems, not only demos\n"
        "  4. I am torn between app-building and platform-building\n"
    )
    assert transcript.count(block) == 1


@pytest.mark.parametrize(("background", "asked"), [("1", False), ("2", False), ("3", True), ("4", True)])
def test_production_experience_is_asked_only_of_developers_and_engineers(pack: Pack, background: str, asked: bool) -> None:
    entries = [background, *(["1"] if asked else []), *FIRST_EVERYWHERE[1:], CONFIRM]
    answers, transcript = plain_quiz(pack, entries)
    assert ("production_experience" in answers) is asked
    assert ("Have you run software in production?" in transcript) is asked


def test_progress_counts_the_questions_shown_now(pack: Pack) -> None:
    _, transcript = plain_quiz(pack, ["3", *["1"] * 7, CONFIRM])
    assert "[2/8] Have you run software in production?" in transcript


# Back, defaults and wrong entries


def test_back_twice_shows_each_earlier_answer_as_the_default_and_enter_keeps_it(pack: Pack) -> None:
    entries = ["3", "2", "<", "b", "", "", *FIRST_EVERYWHERE[1:], CONFIRM]
    answers, transcript = plain_quiz(pack, entries)
    assert answers["background"] == ("software_developer",)
    assert answers["production_experience"] == ("no",)
    assert transcript.count("[1/8] Which best describes") == 1  # the first pass showed [1/7]
    assert "Answer (1-4; ? why) [3]: " in transcript
    assert "Answer (1-2; < back, ? why) [2]: " in transcript


def test_going_back_to_a_student_background_drops_production_experience(pack: Pack) -> None:
    entries = ["3", "2", "<", "<", "1", *FIRST_EVERYWHERE[1:], CONFIRM]
    answers, _ = plain_quiz(pack, entries)
    assert answers == FIRST_CHOICES


def test_there_is_no_back_from_the_first_question(pack: Pack) -> None:
    transcript = printed_before_input_ran_out(pack, ["<"])
    assert transcript.splitlines()[-2] == (
        "Not valid here. Type a number from 1 to 4 or a choice id or ? for why this is asked."
    )


@pytest.mark.parametrize(
    ("entries", "refusal"),
    [
        (["5"], "Not valid here. Type a number from 1 to 4 or a choice id or ? for why this is asked."),
        (["1,2"], "Not valid here. Type a number from 1 to 4 or a choice id or ? for why this is asked."),
        ([""], "Not valid here. Type a number from 1 to 4 or a choice id or ? for why this is asked."),
        (["1", "x"], "Not valid here. Type a number from 1 to 4 or a choice id, < to go back or ? for why this is asked."),
        (
            ["1", "1", "1", "1,2,3,4"],
            "Not valid here. Type 1 to 3 numbers from 1 to 12 (like 1,3 or 1 3) or choice ids, < to go back or ? for "
            "why this is asked.",
        ),
    ],
    ids=["number too big", "two for one", "empty without default", "unknown word", "four of at most three"],
)
def test_a_wrong_entry_gets_one_line_saying_what_is_valid_then_the_question_is_asked_again(
    pack: Pack, entries: list[str], refusal: str
) -> None:
    prompt, refused, asked_again = printed_before_input_ran_out(pack, entries).splitlines()[-3:]
    assert prompt == asked_again + entries[-1]  # piped input is echoed after the prompt
    assert refused == refusal
    assert asked_again.startswith(QUESTION_PROMPT)  # only the answer line again, not the whole question


def test_a_wrong_entry_with_a_default_mentions_enter_keeps_it(pack: Pack) -> None:
    transcript = printed_before_input_ran_out(pack, ["2", "<", "9"])
    assert "Not valid here. Type a number from 1 to 4 or a choice id, Enter alone to keep 2 or ? for why this is asked." in transcript


def test_after_a_wrong_entry_a_right_one_is_taken(pack: Pack) -> None:
    answers, _ = plain_quiz(pack, ["9", "2", *FIRST_EVERYWHERE[1:], CONFIRM])
    assert answers["background"] == ("career_switcher",)


def test_a_question_mark_prints_why_and_where_each_choice_leans_then_asks_again(pack: Pack) -> None:
    transcript = printed_before_input_ran_out(pack, ["?"])
    background = pack.question("background")
    assert background is not None
    explanation = explain_question(pack, background)
    expected = [*explanation.why, "What each choice leans toward:"]
    expected += [f"  {number}. {line}" for number, line in enumerate(explanation.leanings, start=1)]
    prompt, *printed, asked_again = lines_after(transcript, "? why): ?")
    assert printed == expected
    assert asked_again == prompt.removesuffix("?")


# The review


def test_the_review_lists_numbered_answers(pack: Pack) -> None:
    _, transcript = plain_quiz(pack, [*FIRST_EVERYWHERE, CONFIRM])
    assert "Your answers:\n  1. Which best describes where you are starting from?\n     Student or fresher\n" in transcript
    assert "  7. Which project would you most like to build first?\n     AI study assistant for students\n" in transcript


def test_a_number_in_the_review_changes_that_answer(pack: Pack) -> None:
    answers, transcript = plain_quiz(pack, [*FIRST_EVERYWHERE, "2", "3", CONFIRM])
    assert answers["goal"] == ("own_systems",)
    assert transcript.count("Your answers:") == 2
    assert "Answer (1-4; ? why) [1]: " in transcript  # the change shows the answer it replaces


def test_a_change_in_the_review_that_reveals_a_question_asks_it_before_the_review(pack: Pack) -> None:
    answers, _ = plain_quiz(pack, [*FIRST_EVERYWHERE, "1", "4", "2", CONFIRM])
    assert answers["background"] == ("experienced_engineer",)
    assert answers["production_experience"] == ("no",)


def test_a_wrong_entry_in_the_review_says_what_is_valid(pack: Pack) -> None:
    transcript = printed_before_input_ran_out(pack, [*FIRST_EVERYWHERE, "8"])
    assert transcript.splitlines()[-2] == (
        "Type a number from 1 to 7 to change that answer, or press Enter on an empty line to confirm."
    )


# Cancelling, and answers given beforehand


@pytest.mark.parametrize("answered", [0, 3, 7], ids=["first question", "middle question", "review"])
def test_end_of_input_cancels_the_quiz(pack: Pack, answered: int) -> None:
    with pytest.raises(Cancelled, match="Quiz cancelled."):
        plain_quiz(pack, FIRST_EVERYWHERE[:answered])


def test_questions_answered_beforehand_are_not_asked_but_reviewed(pack: Pack) -> None:
    answers, transcript = plain_quiz(pack, [*FIRST_EVERYWHERE[1:], CONFIRM], preanswered={"background": ("career_switcher",)})
    assert answers["background"] == ("career_switcher",)
    assert "[1/7] Which best describes" not in transcript
    assert "Career switcher coming from another field" in transcript.split("Your answers:")[1]


def test_nothing_is_read_when_every_question_is_answered_beforehand(pack: Pack) -> None:
    answers, transcript = plain_quiz(pack, [], preanswered=FIRST_CHOICES)
    assert answers == FIRST_CHOICES
    assert transcript == ""


@pytest.mark.parametrize(
    ("environ", "plain"),
    [
        ({"TERM": "dumb"}, True),
        ({"TERM": "xterm"}, False),
        ({"ROLEADVISOR_PLAIN": "1"}, True),
        ({"ACCESSIBLE": "yes"}, True),
        ({"ACCESSIBLE": ""}, False),
        ({}, False),
    ],
)
def test_the_environment_asks_for_plain_mode(environ: dict[str, str], plain: bool) -> None:
    assert plain_requested(environ) is plain


# The real command, stdin piped


def roleadvisor(*args: str, entries: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "roleadvisor", "quiz", *args],
        input="".join(f"{entry}\n" for entry in entries),
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **env},
        timeout=60,
    )


def test_piped_plain_answers_give_the_same_json_bytes_as_no_input() -> None:
    piped = roleadvisor("--plain", "--format", "json", entries=DEVELOPER_ENTRIES)
    scripted = roleadvisor("--no-input", *DEVELOPER_FLAGS, "--format", "json", entries=[])
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == scripted.stdout
    assert json.loads(piped.stdout)["answers"]["interests"] == ["rag_apps", "evaluation"]


def test_piped_prompts_go_to_stderr_so_stdout_holds_only_the_report() -> None:
    piped = roleadvisor("--plain", entries=[*FIRST_EVERYWHERE, CONFIRM])
    assert "[1/7] Which best describes" in piped.stderr
    assert piped.stdout.startswith("Start as: AI Developer")


@pytest.mark.parametrize("answered", [0, 3], ids=["first question", "middle question"])
def test_piped_input_that_ends_early_cancels_with_exit_130_and_writes_nothing(tmp_path: Path, answered: int) -> None:
    report, saved = tmp_path / "report.txt", tmp_path / "answers.yaml"
    args = ["--plain", "--output", str(report), "--save-answers", str(saved)]
    piped = roleadvisor(*args, entries=FIRST_EVERYWHERE[:answered])
    assert piped.returncode == 130
    assert piped.stderr.endswith("Quiz cancelled.\n")
    assert piped.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_piped_plain_run_saves_answers_that_replay_to_the_same_report(tmp_path: Path) -> None:
    report, saved = tmp_path / "report.json", tmp_path / "answers.json"
    args = ["--format", "json", "--output", str(report), "--save-answers", str(saved)]
    piped = roleadvisor("--plain", *args, entries=DEVELOPER_ENTRIES)
    replayed = roleadvisor("--no-input", "--answers-file", str(saved), "--format", "json", entries=[])
    assert piped.returncode == 0, piped.stderr
    assert report.read_text(encoding="utf-8") == replayed.stdout


BOX_AND_BLOCK_CHARACTERS = range(0x2500, 0x25A0)  # Unicode's box drawing and block elements


@pytest.mark.parametrize("explain", [[], ["--explain"]], ids=["report", "with --explain"])
def test_the_report_after_a_plain_quiz_has_no_box_drawing_or_bars(explain: list[str]) -> None:
    piped = roleadvisor("--plain", *explain, entries=[*FIRST_EVERYWHERE, CONFIRM])
    drawn = [unicodedata.name(c) for c in piped.stdout if ord(c) in BOX_AND_BLOCK_CHARACTERS]
    assert drawn == []
    assert "Next course: AI Developers Course" in piped.stdout


def test_the_plain_report_lists_the_comparison_one_role_a_line() -> None:
    piped = roleadvisor("--plain", entries=[*FIRST_EVERYWHERE, CONFIRM])
    assert "  Main focus\n    AI Developer: Build AI-powered applications" in piped.stdout


def test_an_environment_switch_without_a_terminal_does_not_read_stdin() -> None:
    """Scripts keep their contract: without a terminal a missing answer is exit 2, whatever ACCESSIBLE says."""
    piped = roleadvisor(entries=[*FIRST_EVERYWHERE, CONFIRM], ACCESSIBLE="1", ROLEADVISOR_PLAIN="1")
    assert piped.returncode == 2
    assert "missing answers for: background" in piped.stderr


README = Path(__file__).resolve().parents[1] / "README.md"
README_SESSION_ENTRIES = ["3", "?", "maybe", "2", "<", "", "4", CONFIRM]


def test_the_readme_session_is_what_the_plain_quiz_prints() -> None:
    """The README's session, up to its closing '...', is the start of what these typed lines give (echoed as typed)."""
    block = README.read_text(encoding="utf-8").split("<!-- plain session: checked by tests/test_plain_quiz.py -->\n```text\n")[1]
    command, shown = block.split("\n...\n```")[0].split("\n", 1)
    args = command.removeprefix("$ roleadvisor quiz ").split()
    piped = roleadvisor(*args, entries=README_SESSION_ENTRIES)
    assert (piped.stderr + piped.stdout).startswith(shown + "\n")
