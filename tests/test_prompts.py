"""The interactive quiz, driven in-process with real key presses through a prompt_toolkit pipe."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.application.current import create_app_session
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput, Output
from prompt_toolkit.output.plain_text import PlainTextOutput

from keys import CTRL_C, CTRL_D, DOWN, ENTER, FIRST_CHOICES, SPACE, UP
from roleadvisor.engine import missing_questions, score_answers
from roleadvisor.errors import Cancelled
from roleadvisor.loader import load_pack
from roleadvisor.pack import ChosenAnswers, Pack
from roleadvisor.prompts import checkbox_validator, run_quiz

STUDENT_RUN = tuple(FIRST_CHOICES)  # the prompts of a student's run, in order
QUESTIONS_FOR_A_STUDENT = len(STUDENT_RUN)
MULTI_SELECT = "interests"
CONFIRM = ENTER  # "Confirm and score" is preselected on the review screen
TICKED = "●"
UNTICKED = "○"
NARROW = 50  # columns
LONG_TEXT = "Words that run well past the edge of a narrow terminal, and so must wrap onto further lines instead of being cut off."


class SizedPlainTextOutput(PlainTextOutput):
    """Plain text, as from a terminal this many columns wide (PlainTextOutput says 80)."""

    def __init__(self, screen: io.StringIO, columns: int) -> None:
        super().__init__(screen)
        self.columns = columns

    def get_size(self) -> Size:
        return Size(rows=40, columns=self.columns)


def answer_quiz(
    pack: Pack, keys: str, preanswered: ChosenAnswers | None = None, screen: io.StringIO | None = None, columns: int = 80
) -> dict[str, tuple[str, ...]]:
    """Run the quiz on these key presses; what it draws goes to `screen` as plain text, if given."""
    output: Output = SizedPlainTextOutput(screen, columns) if screen is not None else DummyOutput()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # when the keys run out the quiz sees end of input (Cancelled), so a test never hangs
        with create_app_session(input=pipe, output=output):
            return run_quiz(pack, preanswered or {})


def screen_after(pack: Pack, keys: str, preanswered: ChosenAnswers | None = None, columns: int = 80) -> str:
    """The plain text the quiz has drawn by the time these keys run out (it then cancels)."""
    screen = io.StringIO()
    with pytest.raises(Cancelled):
        answer_quiz(pack, keys, preanswered, screen=screen, columns=columns)
    return screen.getvalue()


def words_on(screen: str) -> str:
    """The text with every run of whitespace (line breaks and indents included) made one space."""
    return " ".join(screen.split())


def take_first(*question_ids: str) -> str:
    """Keys that take the first choice at each of these fresh prompts (Space ticks it on the multi-select)."""
    return "".join(SPACE + ENTER if question_id == MULTI_SELECT else ENTER for question_id in question_ids)


def choose(pack: Pack, question_id: str, choice_id: str) -> str:
    """Keys that pick `choice_id` on a select prompt whose pointer starts on the first choice."""
    question = pack.question(question_id)
    assert question is not None
    return DOWN * question.choice_ids.index(choice_id) + ENTER


def go_back(pack: Pack, question_id: str, from_choice: int = 0) -> str:
    """Keys that pick "← Back" on a select prompt (it follows the choices and a blank separator)."""
    question = pack.question(question_id)
    assert question is not None
    return DOWN * (len(question.choices) - from_choice) + ENTER


def change_in_review(pack: Pack, answers: ChosenAnswers, question_id: str) -> str:
    """Keys that pick "Change: <question>" on the review screen (after Confirm and a separator)."""
    shown = [q.id for q in pack.questions if q.id in answers]
    return DOWN * (shown.index(question_id) + 1) + ENTER


# The first choice everywhere


def test_first_choice_at_every_prompt_gives_a_complete_answer_set(pack: Pack) -> None:
    answers = answer_quiz(pack, take_first(*STUDENT_RUN) + CONFIRM)
    assert answers == FIRST_CHOICES
    assert missing_questions(pack, answers) == ()


def test_first_choice_at_every_prompt_recommends_developer(pack: Pack) -> None:
    result = score_answers(pack, answer_quiz(pack, take_first(*STUDENT_RUN) + CONFIRM))
    assert result.recommendation.role == "developer"
    assert result.next_course is not None


# Choosing with the arrow keys


def test_arrow_keys_choose_those_choice_ids(pack: Pack) -> None:
    keys = (
        choose(pack, "background", "experienced_engineer")
        + choose(pack, "production_experience", "no")
        + choose(pack, "goal", "own_systems")
        + choose(pack, "work_style", "design_first")
        # interests: tick the 8th and the 10th
        + DOWN * 7 + SPACE + DOWN * 2 + SPACE + ENTER
        + choose(pack, "deployment", "full_ownership")
        + choose(pack, "model_depth", "serving_and_evaluation")
        + choose(pack, "first_project", "scalable_backend")
        + CONFIRM
    )
    assert answer_quiz(pack, keys) == {
        "background": ("experienced_engineer",),
        "production_experience": ("no",),
        "goal": ("own_systems",),
        "work_style": ("design_first",),
        "interests": ("evaluation", "monitoring"),
        "deployment": ("full_ownership",),
        "model_depth": ("serving_and_evaluation",),
        "first_project": ("scalable_backend",),
    }


@pytest.mark.parametrize(
    ("background", "asked"),
    [("student", False), ("career_switcher", False), ("software_developer", True), ("experienced_engineer", True)],
)
def test_production_experience_is_asked_only_of_developers_and_engineers(pack: Pack, background: str, asked: bool) -> None:
    # The key count is exact: one Enter too many or too few would end in Cancelled.
    keys = choose(pack, "background", background) + ENTER * asked + take_first(*STUDENT_RUN[1:]) + CONFIRM
    assert ("production_experience" in answer_quiz(pack, keys)) is asked


def test_progress_counts_the_questions_currently_shown(pack: Pack) -> None:
    assert "[1/7] Which best describes" in screen_after(pack, "")
    assert "[2/8] Have you run software" in screen_after(pack, choose(pack, "background", "software_developer"))


@pytest.mark.parametrize("position", range(QUESTIONS_FOR_A_STUDENT))
def test_each_prompt_shows_progress_question_and_help(pack: Pack, position: int) -> None:
    question = [q for q in pack.questions if q.id in FIRST_CHOICES][position]
    screen = screen_after(pack, take_first(*STUDENT_RUN[:position]))
    # The first 40 characters only: longer lines wrap on the 80-column plain-text screen.
    assert f"[{position + 1}/{QUESTIONS_FOR_A_STUDENT}] {question.prompt[:40]}" in screen
    assert question.help[:40] in screen


# Back


def test_back_returns_to_the_previous_question_with_its_answer_preselected(pack: Pack) -> None:
    keys = (
        choose(pack, "background", "software_developer")
        + go_back(pack, "production_experience")
        + ENTER  # background again: the pointer is on "software_developer"
        + take_first("production_experience", *STUDENT_RUN[1:])
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["background"] == ("software_developer",)


def test_going_back_keeps_the_later_answer(pack: Pack) -> None:
    keys = (
        choose(pack, "background", "software_developer")
        + choose(pack, "production_experience", "no")
        + go_back(pack, "goal")
        + ENTER  # production_experience again: "no" is preselected
        + take_first(*STUDENT_RUN[1:])
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["production_experience"] == ("no",)


def test_going_back_to_a_student_background_drops_production_experience(pack: Pack) -> None:
    keys = (
        choose(pack, "background", "software_developer")
        + choose(pack, "production_experience", "no")
        + go_back(pack, "goal")
        + go_back(pack, "production_experience", from_choice=1)
        + UP * 2 + ENTER  # background: from "software_developer" up to "student"
        + take_first(*STUDENT_RUN[1:])
        + CONFIRM
    )
    answers = answer_quiz(pack, keys)
    assert answers["background"] == ("student",)
    assert "production_experience" not in answers


CHECKBOX_BACK = pytest.mark.parametrize(
    "at_interests",
    [
        pytest.param(DOWN * 12 + SPACE + ENTER, id="ticking back alone"),
        # As in the one-choice questions: questionary alone would submit the ticks and go on.
        pytest.param(SPACE + DOWN * 12 + ENTER, id="enter on back with a choice ticked"),
    ],
)


@CHECKBOX_BACK
def test_a_checkbox_left_by_back_leaves_the_same_line_either_way(pack: Pack, at_interests: str) -> None:
    screen = words_on(screen_after(pack, take_first(*STUDENT_RUN[:3]) + at_interests))
    assert "[4/7] Which skills would you most like to practise? (pick 1 to 3) [← Back]" in screen


@CHECKBOX_BACK
def test_a_checkbox_goes_back(pack: Pack, at_interests: str) -> None:
    keys = (
        take_first(*STUDENT_RUN[:3])  # background, goal, work_style
        + at_interests
        + choose(pack, "work_style", "balanced")
        + take_first(*STUDENT_RUN[3:])  # interests is still unanswered: nothing ticked
        + CONFIRM
    )
    answers = answer_quiz(pack, keys)
    assert answers["work_style"] == ("balanced",)
    assert answers["interests"] == ("prompt_design",)


def test_back_ticked_with_other_choices_is_refused(pack: Pack) -> None:
    refused = take_first(*STUDENT_RUN[:3]) + SPACE + DOWN * 12 + SPACE + UP + ENTER  # both ticked, Enter elsewhere
    assert "Press Enter on ← Back to go back, or untick it to keep your choices." in words_on(screen_after(pack, refused))
    keys = (
        refused
        + DOWN + SPACE + UP + ENTER  # untick "← Back", Enter on a choice: accepted
        + take_first(*STUDENT_RUN[4:])
        + CONFIRM
    )
    answers = answer_quiz(pack, keys)
    assert answers["work_style"] == FIRST_CHOICES["work_style"]
    assert answers["interests"] == ("prompt_design",)


def test_the_first_prompt_has_no_back(pack: Pack) -> None:
    # One step past the last choice wraps to the first instead of landing on "← Back".
    keys = DOWN * 4 + ENTER + take_first(*STUDENT_RUN[1:]) + CONFIRM
    assert answer_quiz(pack, keys)["background"] == ("student",)


# Review


def test_review_lists_every_answer_then_offers_confirm_and_changes(pack: Pack) -> None:
    review = screen_after(pack, take_first(*STUDENT_RUN)).split("Your answers:")[-1]
    assert "7. Which project would you most like to build first?\r\n     AI study assistant for students" in review
    assert "Confirm and score" in review
    assert "Change: How do you like to work?" in review


def test_review_changes_an_answer(pack: Pack) -> None:
    keys = (
        take_first(*STUDENT_RUN)
        + change_in_review(pack, FIRST_CHOICES, "goal")
        + choose(pack, "goal", "own_systems")
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["goal"] == ("own_systems",)


def test_changing_background_to_student_in_review_drops_production_experience(pack: Pack) -> None:
    developer_answers = {"background": ("software_developer",), "production_experience": ("yes",), **FIRST_CHOICES}
    keys = (
        choose(pack, "background", "software_developer")
        + take_first("production_experience", *STUDENT_RUN[1:])
        + change_in_review(pack, developer_answers, "background")
        + UP * 2 + ENTER  # from "software_developer" up to "student"
        + CONFIRM
    )
    answers = answer_quiz(pack, keys)
    assert answers == FIRST_CHOICES


def test_an_answer_dropped_by_a_change_is_asked_afresh_when_revealed_again(pack: Pack) -> None:
    developer_answers = {"background": ("software_developer",), "production_experience": ("no",), **FIRST_CHOICES}
    keys = (
        choose(pack, "background", "software_developer")
        + choose(pack, "production_experience", "no")
        + take_first(*STUDENT_RUN[1:])
        + change_in_review(pack, developer_answers, "background")
        + UP * 2 + ENTER  # to "student": production_experience is hidden and its answer dropped
        + change_in_review(pack, FIRST_CHOICES, "background")
        + DOWN * 2 + ENTER  # back to "software_developer"
        + ENTER  # production_experience is asked again, with nothing preselected but the first choice
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["production_experience"] == ("yes",)


def test_a_question_revealed_in_review_is_asked_before_returning_to_review(pack: Pack) -> None:
    keys = (
        take_first(*STUDENT_RUN)
        + change_in_review(pack, FIRST_CHOICES, "background")
        + choose(pack, "background", "experienced_engineer")
        + choose(pack, "production_experience", "no")
        + CONFIRM
    )
    answers = answer_quiz(pack, keys)
    assert answers["production_experience"] == ("no",)
    assert missing_questions(pack, answers) == ()


# Pre-answered questions


def test_preanswered_questions_are_not_asked_but_kept(pack: Pack) -> None:
    preanswered = {"background": ("experienced_engineer",), "interests": ("evaluation", "monitoring")}
    # Asked: production_experience, goal, work_style, deployment, model_depth, first_project.
    answers = answer_quiz(pack, ENTER * 6 + CONFIRM, preanswered=preanswered)
    assert answers["background"] == ("experienced_engineer",)
    assert answers["interests"] == ("evaluation", "monitoring")
    assert answers["production_experience"] == ("yes",)


def test_preanswered_questions_appear_on_the_review_screen(pack: Pack) -> None:
    keys = take_first(*STUDENT_RUN[1:])
    review = screen_after(pack, keys, preanswered={"background": ("career_switcher",)}).split("Your answers:")[-1]
    assert "Which best describes where you are starting from?\r\n     Career switcher coming from another field" in review


def test_nothing_is_asked_when_every_question_is_preanswered(pack: Pack) -> None:
    # No keys at all: a single prompt would meet end of input and cancel.
    assert answer_quiz(pack, "", preanswered=FIRST_CHOICES) == FIRST_CHOICES


# The multi-select


def test_a_fresh_multi_select_has_nothing_ticked(pack: Pack) -> None:
    interests = screen_after(pack, take_first(*STUDENT_RUN[:3])).split("[4/7]")[1]  # its first drawing
    assert f"{UNTICKED} Prompt design" in interests
    assert TICKED not in interests


@pytest.mark.parametrize("columns", [80, NARROW])
def test_enter_with_nothing_ticked_says_to_tick_with_space(pack: Pack, columns: int) -> None:
    screen = screen_after(pack, take_first(*STUDENT_RUN[:3]) + ENTER, columns=columns)
    assert "Tick at least 1 choice with Space (up to 3), then press Enter." in words_on(screen)


def test_enter_with_nothing_ticked_stays_on_the_multi_select_until_one_is_ticked(pack: Pack) -> None:
    keys = (
        take_first(*STUDENT_RUN[:3])
        + ENTER  # nothing ticked: refused, still on interests
        + SPACE + ENTER  # the first choice ticked: accepted
        + take_first(*STUDENT_RUN[4:])
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["interests"] == ("prompt_design",)


def test_ticking_three_choices_gives_exactly_those_three(pack: Pack) -> None:
    keys = (
        take_first(*STUDENT_RUN[:3])
        + DOWN * 7 + SPACE + DOWN + SPACE + DOWN + SPACE + ENTER  # the 8th, 9th and 10th
        + take_first(*STUDENT_RUN[4:])
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["interests"] == ("evaluation", "inference_pipelines", "monitoring")


def test_changing_the_multi_select_in_review_starts_from_the_current_answer(pack: Pack) -> None:
    keys = (
        take_first(*STUDENT_RUN)
        + change_in_review(pack, FIRST_CHOICES, "interests")
        + DOWN + SPACE + ENTER  # "prompt_design" is still ticked; tick the second as well
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["interests"] == ("prompt_design", "llm_api_integration")


def test_multi_select_refuses_more_than_three(pack: Pack) -> None:
    keys = (
        take_first(*STUDENT_RUN[:3])
        + SPACE + (DOWN + SPACE) * 3 + ENTER  # four ticked: refused
        + SPACE + ENTER  # untick the fourth: accepted
        + take_first(*STUDENT_RUN[4:])
        + CONFIRM
    )
    assert answer_quiz(pack, keys)["interests"] == ("prompt_design", "llm_api_integration", "rag_apps")


def test_a_multi_choice_answered_line_lists_the_ticked_labels(pack: Pack) -> None:
    keys = take_first(*STUDENT_RUN[:3]) + SPACE + DOWN * 2 + SPACE + ENTER  # the 1st and the 3rd
    screen = words_on(screen_after(pack, keys))
    assert "(pick 1 to 3) [Prompt design and workflow logic; RAG application building]" in screen
    assert "selections" not in screen


def test_a_long_answered_line_is_shortened_to_fit_a_narrow_terminal(pack: Pack) -> None:
    keys = take_first(*STUDENT_RUN[:3]) + SPACE + DOWN + SPACE + DOWN + SPACE + ENTER  # the first three
    answered = screen_after(pack, keys, columns=NARROW).split("[5/7]")[0].split("[4/7]")[-1]
    lines = answered.split("\r\n")
    assert "[Prompt design and workflow logic; LLM API …]" in answered
    assert max(len(line) for line in lines) <= NARROW


def test_a_refused_tick_count_is_said_above_the_choices(pack: Pack) -> None:
    screen = screen_after(pack, take_first(*STUDENT_RUN[:3]) + ENTER)
    refusal = screen.rindex("Tick at least 1 choice with Space")
    assert refusal < screen.rindex("Prompt design and workflow logic") < screen.rindex("← Back")


@pytest.mark.parametrize(
    ("ticked", "verdict"),
    [
        ([], "Tick at least 1 choice with Space (up to 3), then press Enter."),
        (["prompt_design"], True),
        (["prompt_design", "rag_apps", "evaluation"], True),
        (["prompt_design", "rag_apps", "evaluation", "monitoring"], "Tick 1 to 3 choices (4 ticked)."),
    ],
)
def test_multi_select_validator_states_the_limits(pack: Pack, ticked: list[str], verdict: bool | str) -> None:
    question = pack.question("interests")
    assert question is not None
    assert checkbox_validator(question)(ticked) == verdict


# Long texts at a narrow terminal


def pack_with_long_text(pack_copy: Path, field: str) -> Pack:
    """The shipped pack with one text of the first question (prompt, help or first choice label) made long."""
    questions_file = pack_copy / "questions.yaml"
    content = yaml.safe_load(questions_file.read_text(encoding="utf-8"))
    first_question = content["questions"][0]
    if field == "label":
        first_question["choices"][0]["label"] = LONG_TEXT
    else:
        first_question[field] = LONG_TEXT
    questions_file.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return load_pack(pack_copy)


@pytest.mark.parametrize("field", ["prompt", "help", "label"])
def test_a_long_text_wraps_whole_at_a_narrow_terminal(pack_copy: Path, field: str) -> None:
    screen = screen_after(pack_with_long_text(pack_copy, field), "", columns=NARROW)
    assert words_on(LONG_TEXT) in words_on(screen)


@pytest.mark.parametrize("field", ["prompt", "help", "label"])
def test_wrapped_lines_fit_a_narrow_terminal(pack_copy: Path, field: str) -> None:
    screen = screen_after(pack_with_long_text(pack_copy, field), "", columns=NARROW)
    first_drawing = screen.split("[1/7]")[1]  # a second drawing follows, on cancelling
    lines = first_drawing.split("\r\n")[:-1]  # the last one ends in the moves to the second drawing
    assert max(len(line) for line in lines) <= NARROW


def test_the_review_wraps_a_long_question_whole_at_a_narrow_terminal(pack_copy: Path) -> None:
    review = screen_after(pack_with_long_text(pack_copy, "prompt"), take_first(*STUDENT_RUN), columns=NARROW)
    listed, offered = review.split("Your answers:")[-1].split("[review]")[:2]  # the list, then the choices
    assert f"1. {words_on(LONG_TEXT)}" in words_on(listed)
    assert f"Change: {words_on(LONG_TEXT)}" in words_on(offered)


# Cancelling


@pytest.mark.parametrize("key", [CTRL_C, CTRL_D], ids=["ctrl-c", "ctrl-d"])
@pytest.mark.parametrize("answered_first", [0, 3, QUESTIONS_FOR_A_STUDENT], ids=["first prompt", "multi-select", "review"])
def test_ctrl_c_and_ctrl_d_cancel_the_quiz(pack: Pack, key: str, answered_first: int) -> None:
    # The keys that follow would finish the quiz, so only the key itself can cancel it.
    keys = take_first(*STUDENT_RUN[:answered_first]) + key + take_first(*STUDENT_RUN[answered_first:]) + CONFIRM
    with pytest.raises(Cancelled, match="Quiz cancelled."):
        answer_quiz(pack, keys)
