"""ChosenAnswers from flags, files and rows -> validated answer sets (question id -> choice ids)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from roleadvisor.datafile import read_data_file
from roleadvisor.errors import AnswerError
from roleadvisor.pack import ChosenAnswers, Pack, split_choices
from roleadvisor.safe_text import printable


def parse_answer_flag(text: str) -> tuple[str, tuple[str, ...]]:
    """`QID=CHOICE[,CHOICE]` -> (question id, choices)."""
    question_id, sep, value = text.partition("=")
    if not sep or not question_id.strip():
        raise AnswerError(f"--answer {printable(text, quote=True)}: expected QUESTION=CHOICE (or QUESTION=CHOICE,CHOICE)")
    if ";" in value:
        raise AnswerError(f"--answer {printable(text, quote=True)}: separate choices with ',' here (';' is for batch CSV cells)")
    return question_id.strip(), split_choices(value, ",")


def read_answers_file(path: Path) -> dict[str, object]:
    """A flat mapping of question id to a choice id or a list of choice ids (YAML or JSON)."""
    data = read_data_file(path, AnswerError)
    if not isinstance(data, dict):
        raise AnswerError(f"{printable(path)}: expected a mapping of question id to choice id(s)")
    return {str(key): value for key, value in data.items()}


def collect_answers(pack: Pack, answers_file: Path | None, flags: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Answers from an answers file, then `--answer` flags, which override the file (but not each other)."""
    answers: dict[str, tuple[str, ...]] = {}
    if answers_file is not None:
        answers.update(pack.validated(read_answers_file(answers_file), printable(answers_file)))
    given: dict[str, str] = {}  # question id -> the flag that answered it
    for flag in flags:
        question_id, choices = parse_answer_flag(flag)
        if question_id in given:
            raise AnswerError(
                f"--answer: '{printable(question_id)}' is answered twice ({printable(given[question_id], quote=True)} "
                f"and {printable(flag, quote=True)}); give each question once"
            )
        given[question_id] = flag
        answers.update(pack.validated({question_id: list(choices)}, f"--answer {printable(flag)}"))
    return answers


def plain_answers(pack: Pack, answers: ChosenAnswers) -> dict[str, str | list[str]]:
    """ChosenAnswers in file/JSON shape: a choice id for single questions, a list for multi-select."""
    plain: dict[str, str | list[str]] = {}
    for question in pack.questions:
        if question.id in answers:
            chosen = answers[question.id]
            plain[question.id] = list(chosen) if question.multiple else chosen[0]
    return plain


def answers_file_text(pack: Pack, answers: ChosenAnswers, path: Path) -> str:
    """The text `--save-answers` writes: JSON for .json, YAML otherwise; replayable with --answers-file."""
    plain = plain_answers(pack, answers)
    if path.suffix.lower() == ".json":
        return json.dumps(plain, indent=2) + "\n"
    from roleadvisor.yamlfile import dump_yaml

    return dump_yaml(plain)
