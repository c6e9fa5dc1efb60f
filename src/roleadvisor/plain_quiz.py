"""The plain quiz: questions printed once as numbered lists, answers read a line at a time.

For screen readers, dumb terminals and piped input: no cursor movement, no redraw, no colour, and lines are not
wrapped (a terminal wraps them; a screen reader reads each as one line). Back, review and `?` work as in the
full-screen quiz, through the same quiz_flow and explanations. Never imports questionary or prompt_toolkit.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import TextIO

from roleadvisor.engine import missing_questions, shown_questions, visible_answers
from roleadvisor.errors import Cancelled
from roleadvisor.explanations import explain_question
from roleadvisor.pack import ChosenAnswers, Pack, Question, choice_spelled
from roleadvisor.quiz_flow import Asker, Reply, Step, progress, walk_quiz

PLAIN_SWITCHES = ("ROLEADVISOR_PLAIN", "ACCESSIBLE")  # set to a non-empty value, either turns plain mode on
BACK_ENTRIES = ("<", "b")
WHY_ENTRY = "?"
INTRODUCTION = "Type the number of your answer and press Enter; < goes back, ? says why a question is asked, Ctrl-C stops."


def plain_requested(environ: Mapping[str, str]) -> bool:
    """Plain mode asked for by the environment: a dumb terminal, or ROLEADVISOR_PLAIN / ACCESSIBLE set."""
    return environ.get("TERM") == "dumb" or any(environ.get(name) for name in PLAIN_SWITCHES)


def run_plain_quiz(
    pack: Pack, preanswered: Mapping[str, tuple[str, ...]], lines: TextIO | None = None, out: TextIO | None = None
) -> dict[str, tuple[str, ...]]:
    """Ask every visible question not answered yet, then review; return the visible answers.

    Reads `lines` (stdin); writes to `out` (stdout at a terminal, else stderr, so a redirected stdout holds only
    the report). Raises Cancelled on Ctrl-C or end of input. With nothing left to ask, reads nothing.
    """
    answers = {question_id: tuple(choices) for question_id, choices in preanswered.items()}
    if not missing_questions(pack, answers):
        return visible_answers(pack, answers)
    quiz = LineQuiz(lines or sys.stdin, out or (sys.stdout if sys.stdout.isatty() else sys.stderr))
    try:
        quiz.say(INTRODUCTION)
        answers = walk_quiz(pack, answers, skip=set(preanswered), asker=Asker(quiz.ask_question, quiz.ask_review))
    except KeyboardInterrupt:
        quiz.say("")  # end the prompt's line (the terminal shows ^C there) before the message on stderr
        raise Cancelled() from None
    quiz.say("")
    return visible_answers(pack, answers)


class LineQuiz:
    """Asks on a line-oriented terminal or pipe: prints a block, reads a line, says what was wrong and reads again."""

    def __init__(self, lines: TextIO, out: TextIO) -> None:
        self.lines = lines
        self.out = out

    def say(self, *texts: str) -> None:
        self.out.write("".join(f"{text}\n" for text in texts))
        self.out.flush()

    def read(self, prompt: str) -> str:
        """One line, stripped; end of input cancels the quiz."""
        self.out.write(prompt)
        self.out.flush()
        line = self.lines.readline()
        if not line:
            self.say("")  # end the prompt's line before the message on stderr
            raise Cancelled()
        if not self.lines.isatty():
            self.say(line.rstrip("\r\n"))  # a terminal echoes what is typed; piped input is shown the same way
        return line.strip()

    def ask_question(self, pack: Pack, question: Question, answers: ChosenAnswers, can_go_back: bool) -> Reply:
        """Print the question once, then read until a valid entry: choices, back, or `?` (which explains)."""
        current = answers.get(question.id, ())
        self.say("", *question_block(question, progress(pack, question, answers)))
        while True:
            entry = self.read(entry_prompt(question, current, can_go_back))
            if entry == WHY_ENTRY:
                self.say(*why_block(pack, question, answers))
            elif can_go_back and entry.lower() in BACK_ENTRIES:
                return Step.BACK
            elif not entry and current:
                return current
            elif (chosen := parse_choices(question, entry)) is not None:
                return chosen
            else:
                self.say(valid_entries(question, current, can_go_back))

    def ask_review(self, pack: Pack, answers: ChosenAnswers) -> str | Step:
        """List the numbered answers; Enter confirms, a number names the question to change."""
        shown = shown_questions(pack, answers)
        self.say("", *review_block(shown, answers))
        while True:
            entry = self.read(f"Press Enter to confirm and score, or type a number (1-{len(shown)}) to change that answer: ")
            if not entry:
                return Step.CONFIRM
            if (number := listed_number(entry, len(shown))) is not None:
                return shown[number - 1].id
            self.say(f"Type a number from 1 to {len(shown)} to change that answer, or press Enter on an empty line to confirm.")


# What is printed


def question_block(question: Question, where: str) -> list[str]:
    lines = [f"{where} {question.prompt}"]
    if question.help:
        lines.append(f"  {question.help}")
    return lines + [f"  {number}. {choice.label}" for number, choice in enumerate(question.choices, start=1)]


def entry_prompt(question: Question, current: tuple[str, ...], can_go_back: bool) -> str:
    if question.multiple:
        wanted = f"{limits_text(question)} numbers, like 1,3"
    else:
        wanted = f"1-{len(question.choices)}"
    keys = f"{wanted}; < back, ? why" if can_go_back else f"{wanted}; ? why"
    default = f" [{numbers_of(question, current)}]" if current else ""
    return f"Answer ({keys}){default}: "


def valid_entries(question: Question, current: tuple[str, ...], can_go_back: bool) -> str:
    """The one line printed under a wrong entry: everything that would have been accepted."""
    count = len(question.choices)
    if question.multiple:
        valid = [f"{limits_text(question)} numbers from 1 to {count} (like 1,3 or 1 3) or choice ids"]
    else:
        valid = [f"a number from 1 to {count} or a choice id"]
    if current:
        valid.append(f"Enter alone to keep {numbers_of(question, current)}")
    if can_go_back:
        valid.append("< to go back")
    valid.append("? for why this is asked")
    return "Not valid here. Type " + ", ".join(valid[:-1]) + f" or {valid[-1]}."


def why_block(pack: Pack, question: Question, answers: ChosenAnswers) -> list[str]:
    explanation = explain_question(pack, question, answers)
    leanings = [f"  {number}. {line}" for number, line in enumerate(explanation.leanings, start=1)]
    return [*explanation.why, "What each choice leans toward:", *leanings]


def review_block(shown: list[Question], answers: ChosenAnswers) -> list[str]:
    lines = ["Your answers:"]
    for number, question in enumerate(shown, start=1):
        labels = [choice.label for choice in question.choices if choice.id in answers.get(question.id, ())]
        lines += [f"  {number}. {question.prompt}", f"     {'; '.join(labels) or '(no answer)'}"]
    return lines


def limits_text(question: Question) -> str:
    if question.min_choices == question.max_choices:
        return f"{question.min_choices}"
    return f"{question.min_choices} to {question.max_choices}"


def numbers_of(question: Question, chosen: tuple[str, ...]) -> str:
    return ",".join(str(question.choice_ids.index(choice_id) + 1) for choice_id in chosen)


# What is read


def parse_choices(question: Question, entry: str) -> tuple[str, ...] | None:
    """Numbers or choice ids, separated by commas or spaces, or one choice's label, in the question's order; None
    unless valid."""
    whole = choice_spelled(question, entry) if listed_number(entry.strip(), len(question.choices)) is None else None
    if whole is not None and (not question.multiple or question.min_choices <= 1):
        return (whole,)
    chosen = set()
    for word in re.split(r"[,\s]+", entry.strip()):
        choice_id = choice_named(question, word)
        if choice_id is None:
            return None
        chosen.add(choice_id)
    fewest, most = (question.min_choices, question.max_choices) if question.multiple else (1, 1)
    if not fewest <= len(chosen) <= most:
        return None
    return tuple(choice_id for choice_id in question.choice_ids if choice_id in chosen)


def choice_named(question: Question, word: str) -> str | None:
    """The choice a word names: its number in the list, or its id (in any letter case)."""
    number = listed_number(word, len(question.choices))
    if number is not None:
        return question.choice_ids[number - 1]
    return choice_spelled(question, word)


def listed_number(word: str, count: int) -> int | None:
    """`word` as a number from 1 to `count`, else None (ASCII digits only: int() would take "٣" too)."""
    if re.fullmatch(r"[0-9]{1,9}", word) and 1 <= int(word) <= count:
        return int(word)
    return None
