"""Data never drives the terminal: every message that shows a value from data shows it escaped, on one line,
shortened when long (safe_text.printable), wherever the value comes from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleadvisor.cli import app
from roleadvisor.safe_text import CONTROL_CHARACTERS, MAX_SHOWN, escaped, printable

ANSWERS = {
    "background": "student", "goal": "first_portfolio", "work_style": "ship_fast", "interests": "rag_apps",
    "deployment": "shared", "model_depth": "application_level", "first_project": "study_assistant",
}  # fmt: skip
ANSWER_FLAGS = [f"--answer={question}={choice}" for question, choice in ANSWERS.items()]
# Sets the window title, then clears the screen, on most terminals.
TITLE_AND_CLEAR = "\x1b]0;pwned\x07\x1b[2J"
SHOWN_ESCAPED = r"\x1b]0;pwned\x07\x1b[2J"
CLEAR_SCREEN = "\x1b[2J\x1b[H"  # no ';', which an --answer value may not hold
EVERY_CONTROL = [chr(code) for code in range(0x110000) if CONTROL_CHARACTERS.match(chr(code))]


def assert_one_printable_line(stderr: str, longest: int = 1000) -> str:
    """The one line of stderr, which holds no character a terminal would act on."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].isprintable(), repr(lines[0])
    assert len(lines[0]) <= longest, f"{len(lines[0])} characters"
    return lines[0]


# The function


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("plain words", "plain words", id="plain text as is"),
        pytest.param(Path("out/report.txt"), "out/report.txt", id="a plain path as is"),
        pytest.param("a\x1b[2Jb", r"'a\x1b[2Jb'", id="escape sequence"),
        pytest.param("two\nlines.csv", r"'two\nlines.csv'", id="newline"),
        pytest.param("next\x85line", r"'next\x85line'", id="C1 next line"),
        pytest.param("\x7f", r"'\x7f'", id="DEL"),
        pytest.param("abc\u202edcba", r"'abc\u202edcba'", id="bidi override"),
        pytest.param("zero\u200bwidth", r"'zero\u200bwidth'", id="zero width space"),
        pytest.param("bad\udcffbyte", r"'bad\udcffbyte'", id="undecodable byte"),
        pytest.param("it's\x1b", "'it\\'s\\x1b'", id="quote and escape"),
        pytest.param("back\\x1b\x00", r"'back\\x1b\x00'", id="a backslash is doubled"),
        pytest.param("café ✓ 日本", "café ✓ 日本", id="printable unicode as is"),
    ],
)
def test_printable_escapes_what_a_terminal_would_act_on(value: object, shown: str) -> None:
    assert printable(value) == shown


@pytest.mark.parametrize("character", EVERY_CONTROL, ids=lambda c: f"U+{ord(c):04X}")
def test_every_character_the_loader_refuses_is_escaped(character: str) -> None:
    shown = printable(f"a{character}b")
    assert shown.isprintable() and character not in shown


def test_quote_quotes_a_plain_value() -> None:
    assert printable("own_systems", quote=True) == "'own_systems'"


def test_a_long_value_shows_both_ends_and_its_length() -> None:
    shown = printable("a" * 50_000 + "z" * 50_000 + "\x1b")
    assert shown == f"'{'a' * 100}'...'{'z' * 96}\\x1b' (100001 characters)"


def test_a_value_of_invisible_characters_is_shortened_by_its_escaped_width() -> None:
    shown = printable("\u200b" * 1000)
    assert len(shown) < 2 * MAX_SHOWN and shown.endswith("(1000 characters)")


def test_a_value_at_the_limit_is_whole() -> None:
    assert printable("x" * MAX_SHOWN) == "x" * MAX_SHOWN


def test_escaped_changes_only_what_is_not_printable() -> None:
    assert escaped(f"roleadvisor: wrote {TITLE_AND_CLEAR} ✓\\") == f"roleadvisor: wrote {SHOWN_ESCAPED} ✓\\"


# Every place a value from data reaches a message


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_faq_words_without_a_match_are_shown_escaped(runner: CliRunner) -> None:
    result = runner.invoke(app, ["faq", TITLE_AND_CLEAR])
    assert result.exit_code == 1
    assert assert_one_printable_line(result.stderr) == f"No FAQ entry contains all of: '{SHOWN_ESCAPED}'"


def test_an_answer_flag_is_shown_escaped(runner: CliRunner) -> None:
    result = runner.invoke(app, ["quiz", "--no-input", f"--answer=goal={CLEAR_SCREEN}"])
    line = assert_one_printable_line(result.stderr)
    assert result.exit_code == 2
    assert line.startswith(r"roleadvisor: --answer 'goal=\x1b[2J\x1b[H': unknown choice '\x1b[2J\x1b[H' for 'goal'")


def test_an_unknown_question_in_a_flag_is_shown_escaped(runner: CliRunner) -> None:
    result = runner.invoke(app, ["quiz", "--no-input", f"--answer={TITLE_AND_CLEAR}=x"])
    assert result.exit_code == 2
    assert f"unknown question '{SHOWN_ESCAPED}'" in assert_one_printable_line(result.stderr)


@pytest.mark.parametrize("name", [f"answers{TITLE_AND_CLEAR}.yaml", "two\nlines.yaml"], ids=["escape sequence", "newline"])
def test_an_answers_file_name_is_shown_quoted_and_escaped(runner: CliRunner, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(path)])
    assert result.exit_code == 2
    assert assert_one_printable_line(result.stderr) == f"roleadvisor: {printable(path)}: file not found"
    assert printable(path).startswith("'")


def test_a_batch_input_name_is_shown_escaped(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / f"rows{TITLE_AND_CLEAR}.csv"
    result = runner.invoke(app, ["batch", str(path)])
    assert result.exit_code == 2
    assert assert_one_printable_line(result.stderr) == f"roleadvisor: {printable(path)}: file not found"


def test_a_pack_folder_name_is_shown_escaped(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / f"pack{TITLE_AND_CLEAR}"
    result = runner.invoke(app, ["roles", "--data", str(folder)])
    assert result.exit_code == 2
    assert assert_one_printable_line(result.stderr) == f"roleadvisor: {printable(folder)}: pack folder not found"


def test_an_output_in_a_missing_folder_is_shown_escaped(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / f"gone{TITLE_AND_CLEAR}" / "report.txt"
    result = runner.invoke(app, ["quiz", "--no-input", *ANSWER_FLAGS, "--output", str(output)])
    assert result.exit_code == 2
    line = assert_one_printable_line(result.stderr)
    assert line == f"roleadvisor: {printable(output)}: cannot write (no folder {printable(output.parent)})"


@pytest.mark.parametrize("command", [["quiz", "--no-input", *ANSWER_FLAGS], ["batch", "ROWS"]], ids=["quiz", "batch"])
def test_the_written_file_is_named_escaped(runner: CliRunner, tmp_path: Path, command: list[str]) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(",".join(ANSWERS) + "\n" + ",".join(ANSWERS.values()) + "\n")
    output = tmp_path / f"out{TITLE_AND_CLEAR}.csv"
    result = runner.invoke(app, [*(str(rows) if arg == "ROWS" else arg for arg in command), "--output", str(output)])
    assert result.exit_code == 0, result.stderr
    assert SHOWN_ESCAPED in assert_one_printable_line(result.stderr)
    assert output.exists()


def test_a_duplicate_key_in_a_json_answers_file_is_shown_escaped(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    key = json.dumps(TITLE_AND_CLEAR)
    answers.write_text(f'{{{key}: "a", {key}: "b"}}')
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(answers)])
    assert result.exit_code == 2
    assert assert_one_printable_line(result.stderr).endswith(f"duplicate key '{SHOWN_ESCAPED}'")


def test_a_duplicate_key_in_a_yaml_answers_file_is_shown_escaped(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text('"\\e[2J": a\n"\\e[2J": b\n')
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(answers)])
    assert result.exit_code == 2
    assert assert_one_printable_line(result.stderr).endswith(r"duplicate key '\x1b[2J'")


YAML_TITLE_AND_CLEAR = '"\\e]0;pwned\\a\\e[2J"'  # TITLE_AND_CLEAR as a double-quoted YAML scalar


def plant_weight_for_unknown_role(pack_folder: Path) -> None:
    questions = pack_folder / "questions.yaml"
    text = questions.read_text(encoding="utf-8")
    first_weights = text.index("\n        weights: {") + len("\n        weights: {")
    questions.write_text(text[:first_weights] + f"{YAML_TITLE_AND_CLEAR}: {{points: 1, card: faster_feedback}}, " + text[first_weights:], encoding="utf-8")


@pytest.mark.parametrize("command", [["roles"], ["quiz", "--no-input", *ANSWER_FLAGS], ["check"]], ids=["roles", "quiz", "check"])
def test_a_role_key_under_weights_is_shown_escaped(runner: CliRunner, pack_copy: Path, command: list[str]) -> None:
    plant_weight_for_unknown_role(pack_copy)
    result = runner.invoke(app, [*command, "--data", str(pack_copy)])
    assert result.exit_code in (1, 2)
    shown = result.stdout + result.stderr
    assert f"weights.'{SHOWN_ESCAPED}'" in shown and f"unknown role '{SHOWN_ESCAPED}'" in shown
    assert all(line.isprintable() for line in shown.splitlines())


@pytest.mark.parametrize("command", [["guide"], ["check"]])
def test_an_unknown_top_level_key_in_a_pack_is_shown_escaped(runner: CliRunner, pack_copy: Path, command: list[str]) -> None:
    roles = pack_copy / "roles.yaml"
    roles.write_text(roles.read_text(encoding="utf-8") + f"{YAML_TITLE_AND_CLEAR}: 1\n", encoding="utf-8")
    result = runner.invoke(app, [*command, "--data", str(pack_copy)])
    assert result.exit_code == 2
    assert f"unknown key '{SHOWN_ESCAPED}'" in assert_one_printable_line(result.stderr)


def test_a_100_kb_answer_flag_is_shortened_naming_its_length(runner: CliRunner) -> None:
    result = runner.invoke(app, ["quiz", "--no-input", "--answer=goal=" + "x" * 100_000])
    assert result.exit_code == 2
    line = assert_one_printable_line(result.stderr)
    assert "(100000 characters)" in line and "(100005 characters)" in line  # the choice, and the flag


def test_a_1_mb_answers_file_value_is_shortened_naming_its_length(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("goal: " + "y" * 1_000_000 + "\n")
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(answers)])
    assert result.exit_code == 2
    assert "(1000000 characters)" in assert_one_printable_line(result.stderr)


def test_an_unknown_role_to_compare_is_shortened(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compare", "developer", "r" * 10_000 + "\x1b[2J"])
    assert result.exit_code == 2
    assert "(10004 characters)" in assert_one_printable_line(result.stderr)
