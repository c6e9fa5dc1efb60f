"""The full-screen quiz: one questionary prompt per visible question, a back step, and a review before scoring.

The only module that imports questionary (and prompt_toolkit). The order of the questions, back and review are
quiz_flow's; this module draws each prompt.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Union

import questionary
from prompt_toolkit.application.current import create_app_session, get_app_session
from prompt_toolkit.filters import is_done
from prompt_toolkit.formatted_text import AnyFormattedText, StyleAndTextTuples, to_formatted_text
from prompt_toolkit.formatted_text.utils import fragment_list_width, split_lines
from prompt_toolkit.key_binding import KeyBindings, KeyBindingsBase, KeyPressEvent, merge_key_bindings
from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Window
from prompt_toolkit.output import create_output
from prompt_toolkit.utils import get_cwidth
from questionary.prompts.common import InquirerControl

from roleadvisor.engine import missing_questions, shown_questions, visible_answers
from roleadvisor.errors import Cancelled
from roleadvisor.explanations import Explanation, explain_question
from roleadvisor.pack import ChosenAnswers, Pack, Question
from roleadvisor.quiz_flow import Asker, Reply, Step, progress, walk_quiz

BACK_LABEL = "← Back"
CONFIRM_LABEL = "Confirm and score"
CHANGE_LABEL = "Change: "
SELECT_KEYS = "↑/↓ move, ? why, Enter chooses"
CHECKBOX_KEYS = "↑/↓ move, Space ticks {limits}, ? why, Enter confirms"
REVIEW_KEYS = "↑/↓ move, Enter chooses"
SELECT_LABEL_INDENT = 3  # " » " before a select prompt's label
CHECKBOX_LABEL_INDENT = 5  # " » ○ " before a checkbox label
NARROWEST_WRAP = 20  # columns; a smaller or unknown size wraps as if this wide
NARROWEST_ANSWER = 20  # columns; an answered line with less room after the question puts the answer under it


def run_quiz(pack: Pack, preanswered: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Ask every visible question not answered yet, then review; return the visible answers.

    Raises Cancelled on Ctrl-C or Ctrl-D. With nothing left to ask, returns without prompting.
    """
    answers = {question_id: tuple(choices) for question_id, choices in preanswered.items()}
    if not missing_questions(pack, answers):
        return visible_answers(pack, answers)
    with prompts_on_terminal(), terminal_settings_kept():
        answers = walk_quiz(pack, answers, skip=set(preanswered), asker=Asker(ask_question, ask_review))
    return visible_answers(pack, answers)


@contextmanager
def terminal_settings_kept() -> Iterator[None]:
    """Put the keyboard's terminal settings back however the quiz ends. A stopping signal (errors.Stopped) can
    leave asyncio's loop between steps, where prompt_toolkit's own restore of the settings never runs."""
    try:
        import termios

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
    except (ImportError, OSError, ValueError):  # not a POSIX terminal: nothing to keep
        yield
        return
    try:
        yield
    finally:
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        except (OSError, termios.error):
            pass  # the terminal is gone (SIGHUP after a hang-up)


@contextmanager
def prompts_on_terminal() -> Iterator[None]:
    """Draw on stderr when stdout is redirected (`quiz > report.txt`), so stdout holds only the report."""
    if sys.stdout.isatty() or not sys.stderr.isatty():
        yield
        return
    with create_app_session(output=create_output(stdout=sys.stderr)):
        yield


# One prompt per question


def ask_question(pack: Pack, question: Question, answers: ChosenAnswers, can_go_back: bool) -> Reply:
    """Ask one question, its current answer preselected; Step.BACK if the person went back."""
    where = progress(pack, question, answers)
    explanation = explain_question(pack, question, answers)
    if question.multiple:
        return ask_checkbox(question, answers.get(question.id), where, can_go_back, explanation)
    return ask_select(question, answers.get(question.id), where, can_go_back, explanation)


def ask_select(
    question: Question, current: tuple[str, ...] | None, progress: str, can_go_back: bool, explanation: Explanation
) -> Reply:
    choices: list[Any] = [questionary.Choice(choice.label, value=choice.id) for choice in question.choices]
    if can_go_back:
        choices += back_choices()
    width = screen_width()
    prompt = questionary.select(
        question_text(progress, question.prompt, width),
        choices=choices,
        default=current[0] if current else None,
        qmark=progress,
        instruction=instruction(question.help, SELECT_KEYS, width),
    )
    why = ExplanationOnRequest(question, explanation, choice_control(prompt))
    wrap_choice_labels(prompt, SELECT_LABEL_INDENT, below=why.fragments)
    reply = ask(prompt, why.key_bindings())
    return reply if reply is Step.BACK else (reply,)


def ask_checkbox(
    question: Question, current: tuple[str, ...] | None, progress: str, can_go_back: bool, explanation: Explanation
) -> Reply:
    # With no answer yet nothing is ticked: Enter alone must not choose for the person.
    ticked = current or ()
    choices: list[Any] = [
        questionary.Choice(choice.label, value=choice.id, checked=choice.id in ticked) for choice in question.choices
    ]
    if can_go_back:
        choices += back_choices()
    width = screen_width()
    message = question_text(progress, question.prompt, width)
    prompt = questionary.checkbox(
        message,
        choices=choices,
        qmark=progress,
        instruction=instruction(question.help, CHECKBOX_KEYS.format(limits=limits_text(question)), width),
    )
    control = choice_control(prompt)
    why = ExplanationOnRequest(question, explanation, control)
    enter = CheckboxEnter(question, control)
    wrap_choice_labels(prompt, CHECKBOX_LABEL_INDENT, above=enter.refusal, below=why.fragments)
    answered_line_lists_labels(prompt, progress, message, control)
    reply = ask(prompt, why.key_bindings(), enter.key_bindings())
    if reply == [Step.BACK]:
        return Step.BACK
    return tuple(choice_id for choice_id in question.choice_ids if choice_id in reply)


def choice_control(prompt: questionary.Question) -> InquirerControl:
    """The control that draws a prompt's choices."""
    return next(
        window.content for window in prompt.application.layout.find_all_windows() if isinstance(window.content, InquirerControl)
    )


class CheckboxEnter:
    """Enter on a checkbox: submit the ticks, or refuse them with a line right above the choices (questionary
    would put it on the screen's bottom line); Enter on "← Back" goes back, as in the one-choice questions."""

    def __init__(self, question: Question, control: InquirerControl) -> None:
        self.validate = checkbox_validator(question)
        self.control = control
        self.attempted = False

    def ticked(self) -> list[Any]:
        return [choice.value for choice in self.control.get_selected_values()]

    def refusal(self) -> StyleAndTextTuples:
        """After a refused Enter, what is wrong with the ticks as they are now (nothing once they are right)."""
        verdict = self.validate(self.ticked()) if self.attempted else True
        return [] if verdict is True else [("class:validation-toolbar", f"{verdict}\n")]

    def key_bindings(self) -> KeyBindings:
        bindings = KeyBindings()

        @bindings.add("enter", eager=True)
        def _(event: KeyPressEvent) -> None:
            if self.control.get_pointed_at().value is Step.BACK:
                # Answered with "← Back" alone, so the line left on screen reads as when Back is ticked alone.
                self.control.selected_options = [Step.BACK]
            self.attempted = True
            if self.validate(self.ticked()) is True:
                self.control.is_answered = True
                event.app.exit(result=self.ticked())

        return bindings


class ExplanationOnRequest:
    """`?` shows why the question is asked and where the highlighted choice leans, under the choices; `?` again
    hides it."""

    def __init__(self, question: Question, explanation: Explanation, control: InquirerControl) -> None:
        self.why = explanation.why
        self.leanings = dict(zip(question.choice_ids, explanation.leanings, strict=True))
        self.control = control
        self.shown = False

    def fragments(self) -> StyleAndTextTuples:
        if not self.shown:
            return []
        pointed = self.control.get_pointed_at().value
        leaning = self.leanings.get(pointed) if isinstance(pointed, str) else None
        lines = [*self.why, *([f"This choice: {leaning}"] if leaning else []), "(? hides this)"]
        return [("class:instruction", "".join(f"\n  {line}" for line in lines))]

    def key_bindings(self) -> KeyBindings:
        bindings = KeyBindings()

        @bindings.add("?", eager=True)
        def _(event: KeyPressEvent) -> None:
            self.shown = not self.shown

        return bindings


def answered_line_lists_labels(prompt: questionary.Question, progress: str, message: str, control: InquirerControl) -> None:
    """Once answered, the question's line lists the ticked labels (questionary says "done (3 selections)")."""
    container = prompt.application.layout.container
    assert isinstance(container, HSplit)  # questionary's layout: the question, then the choices and toolbars
    answered = Window(FormattedTextControl(lambda: answered_fragments(progress, message, control)), dont_extend_height=True)
    container.children[0] = ConditionalContainer(container.children[0], filter=~is_done)
    container.children.insert(1, ConditionalContainer(answered, filter=is_done))


def answered_fragments(progress: str, message: str, control: InquirerControl) -> StyleAndTextTuples:
    """`[2/7] The question? [First label; Second label]`, the labels shortened to fit the line."""
    labels = "; ".join(str(choice.title) for choice in control.get_selected_values())
    if not labels:  # cancelled with nothing ticked
        return [("class:qmark", progress), ("class:question", f" {message}")]
    width = screen_width()
    room = width - get_cwidth(f"{progress} {message} ".split("\n")[-1]) - 2
    gap = " "
    if room < NARROWEST_ANSWER:
        gap, room = "\n  ", width - 4
    return [("class:qmark", progress), ("class:question", f" {message}{gap}"), ("class:answer", f"[{shortened(labels, room)}]")]


def shortened(text: str, width: int) -> str:
    """`text`, cut after a word and ended with "…" when wider than `width` columns."""
    if get_cwidth(text) <= width:
        return text
    return textwrap.shorten(text, max(width, 1), placeholder=" …")


def back_choices() -> list[Any]:
    return [questionary.Separator(" "), questionary.Choice(BACK_LABEL, value=Step.BACK)]


def instruction(help_text: str, keys: str, width: int) -> str:
    """The help and key hints, on their own lines under the question while it is open."""
    paragraphs = [help_text] if help_text else []
    lines = [line for paragraph in [*paragraphs, f"({keys})"] for line in wrap_words(paragraph, width, indent="  ")]
    return "".join(f"\n{line}" for line in lines)


def limits_text(question: Question) -> str:
    if question.min_choices == question.max_choices:
        return f"{question.min_choices}"
    return f"{question.min_choices} to {question.max_choices}"


def too_few_text(question: Question) -> str:
    """The refusal when too few are ticked: it says how to tick, as Enter alone ticks nothing."""
    fewest = question.min_choices
    count = f"{fewest} choice" if fewest == 1 else f"{fewest} choices"
    if fewest == question.max_choices:
        return f"Tick {count} with Space, then press Enter."
    return f"Tick at least {count} with Space (up to {question.max_choices}), then press Enter."


def checkbox_validator(question: Question) -> Callable[[list[Any]], Union[bool, str]]:
    def validate(ticked: list[Any]) -> Union[bool, str]:
        if Step.BACK in ticked:
            return len(ticked) == 1 or f"Press Enter on {BACK_LABEL} to go back, or untick it to keep your choices."
        if len(ticked) < question.min_choices:
            return too_few_text(question)
        if len(ticked) <= question.max_choices:
            return True
        return f"Tick {limits_text(question)} choices ({len(ticked)} ticked)."

    return validate


# Fitting the screen: prompt_toolkit cuts long lines in the question, help and choice windows.


def screen_width() -> int:
    """Columns to wrap to: the width of the output the prompts draw on, less its last column."""
    # Writing into the last column leaves a terminal's cursor pending a wrap; prompt_toolkit draws it indirectly.
    return max(get_app_session().output.get_size().columns - 1, NARROWEST_WRAP)


def wrap_words(text: str, width: int, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent) or [indent]


def hanging_lines(head: str, text: str, width: int) -> list[str]:
    """`head` then `text`, wrapped to `width`, later lines lined up under the text's first word."""
    indent = " " * len(head)
    first, *rest = wrap_words(text, width, indent)
    return [head + first[len(indent) :], *rest]


def question_text(progress: str, prompt: str, width: int) -> str:
    """The question as questionary's message: it puts the progress and a space before it."""
    head = f"{progress} "
    return "\n".join(hanging_lines(head, prompt, width))[len(head) :]


def no_fragments() -> StyleAndTextTuples:
    return []


def wrap_choice_labels(
    prompt: questionary.Question,
    indent: int,
    above: Callable[[], StyleAndTextTuples] = no_fragments,
    below: Callable[[], StyleAndTextTuples] = no_fragments,
) -> None:
    """Word-wrap long choice labels, later lines under the label; draw `above` and `below` the choices too."""
    control = choice_control(prompt)
    control.text = word_wrapped(control.text, " " * indent, above, below)


def word_wrapped(
    text: AnyFormattedText, indent: str, above: Callable[[], StyleAndTextTuples], below: Callable[[], StyleAndTextTuples]
) -> Callable[[], StyleAndTextTuples]:
    """`text` (often a function of the prompt's state) between `above` and `below`, wrapped each time it is drawn,
    so at the current width."""
    return lambda: wrap_fragments([*above(), *to_formatted_text(text), *below()], screen_width(), indent)


def wrap_fragments(fragments: StyleAndTextTuples, width: int, indent: str) -> StyleAndTextTuples:
    """Word-wrap styled text to `width` columns, starting later lines with `indent`."""
    wrapped: StyleAndTextTuples = []
    for number, line in enumerate(split_lines(fragments)):
        if number:
            wrapped.append(("", "\n"))
        wrapped += wrap_line(line, width, indent)
    return wrapped


def wrap_line(line: StyleAndTextTuples, width: int, indent: str) -> StyleAndTextTuples:
    """One line of styled text, word-wrapped; the spaces where it breaks are dropped."""
    wrapped: StyleAndTextTuples = []
    spaces: StyleAndTextTuples = []  # held back until the next word shows whether the line breaks there
    column = 0
    for style, text, *_ in line:
        if not text:
            wrapped.append((style, text))  # a marker such as [SetCursorPosition]
        for piece in re.findall(r" +|[^ ]+", text):
            if piece.isspace():
                spaces.append((style, piece))
                continue
            if column > len(indent) and column + fragment_list_width(spaces) + get_cwidth(piece) > width:
                wrapped.append(("", "\n" + indent))
                column, spaces = len(indent), []
            wrapped += [*spaces, (style, piece)]
            column += fragment_list_width(spaces) + get_cwidth(piece)
            spaces = []
    return wrapped + spaces


# The review screen


def ask_review(pack: Pack, answers: ChosenAnswers) -> str | Step:
    """Print the answers; return Step.CONFIRM or the id of the question to change."""
    shown = shown_questions(pack, answers)
    width = screen_width()
    questionary.print("\nYour answers:")
    for number, question in enumerate(shown, start=1):
        labels = answer_labels(question, answers.get(question.id, ()))
        lines = [*hanging_lines(f"  {number}. ", question.prompt, width), *wrap_words(labels, width, indent="     ")]
        questionary.print("\n".join(lines))
    choices: list[Any] = [questionary.Choice(CONFIRM_LABEL, value=Step.CONFIRM), questionary.Separator(" ")]
    choices += [questionary.Choice(CHANGE_LABEL + question.prompt, value=question.id) for question in shown]
    prompt = questionary.select(
        "Confirm your answers, or change one",
        choices=choices,
        qmark="[review]",
        instruction=instruction("", REVIEW_KEYS, width),
    )
    wrap_choice_labels(prompt, SELECT_LABEL_INDENT + len(CHANGE_LABEL))
    picked: str | Step = ask(prompt)
    return picked


def answer_labels(question: Question, chosen: tuple[str, ...]) -> str:
    labels = [choice.label for choice in question.choices if choice.id in chosen]
    return "; ".join(labels) if labels else "(no answer)"


# Asking, and cancelling


def cancel_on(key: str, exception: type[BaseException]) -> KeyBindings:
    """A binding that ends the prompt with `exception`, as questionary's Ctrl-C does."""
    bindings = KeyBindings()

    @bindings.add(key, eager=True)
    def _(event: KeyPressEvent) -> None:
        event.app.exit(exception=exception, style="class:aborting")

    return bindings


def ask(prompt: questionary.Question, *keys: KeyBindingsBase) -> Any:
    """Show one prompt, with extra `keys` over questionary's; Ctrl-C, Ctrl-D or a closed input cancel the whole quiz."""
    application = prompt.application
    # questionary only binds Ctrl-C; its catch-all binding would swallow Ctrl-D. A SIGINT sent by `kill` (not typed:
    # raw mode makes Ctrl-C a key) reaches prompt_toolkit as the <sigint> key, which questionary leaves unbound.
    bindings: list[KeyBindingsBase] = [*keys, cancel_on("c-d", EOFError), cancel_on("<sigint>", KeyboardInterrupt)]
    if application.key_bindings is not None:
        bindings.insert(0, application.key_bindings)
    application.key_bindings = merge_key_bindings(bindings)
    try:
        # unsafe_ask: ask() would swallow Ctrl-C and return None.
        return prompt.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Cancelled() from None
