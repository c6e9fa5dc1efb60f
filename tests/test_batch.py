"""Batch scoring: one result row per input row, bad rows flagged, unreadable input refused, results as the quiz's."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roleadvisor import engine
from roleadvisor.batch import JsonlSink, run_batch
from roleadvisor.cli import app
from roleadvisor.pack import Pack

FIXTURE = Path(__file__).parent / "fixtures" / "intake.csv"
QUESTION_IDS = ("background", "production_experience", "goal", "work_style", "interests", "deployment", "model_depth", "first_project")
HEADER = "id,name," + ",".join(QUESTION_IDS)
STUDENT = "student,,first_portfolio,ship_fast,prompt_design;rag_apps,simple_hosting,application_level,study_assistant"
ENGINEER = "experienced_engineer,yes,own_systems,design_first,evaluation;monitoring;orchestration,full_ownership,serving_and_evaluation,model_serving"
STUDENT_ANSWERS = {
    "background": ("student",),
    "goal": ("first_portfolio",),
    "work_style": ("ship_fast",),
    "interests": ("prompt_design", "rag_apps"),
    "deployment": ("simple_hosting",),
    "model_depth": ("application_level",),
    "first_project": ("study_assistant",),
}
STUDENT_JSON = json.dumps({q: list(c) for q, c in STUDENT_ANSWERS.items()})


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def jsonl_of(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def batch(runner: CliRunner, *args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["batch", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def expected_row(pack: Pack, answers: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """What the quiz's engine says, in batch's CSV columns."""
    result = engine.score_answers(pack, answers, with_what_if=False)
    rec = result.recommendation
    row = {
        "role": rec.role,
        "target": rec.target,
        "confidence": str(rec.confidence),
        "label": rec.label,
        "next_course": result.next_course.id if result.next_course else "",
        "roadmap": result.roadmap.id if result.roadmap else "",
        "error": "",
    }
    row.update({f"score_{role}": str(total) for role, total in result.scores.items()})
    return row


def result_columns(row: Mapping[str, str]) -> dict[str, str]:
    return {key: value for key, value in row.items() if key not in ("id", "name", *QUESTION_IDS)}


def csv_line(answers: Mapping[str, tuple[str, ...]], row_id: int) -> str:
    return f"{row_id},learner {row_id}," + ",".join(";".join(answers.get(q, ())) for q in QUESTION_IDS)


# Good rows


def test_each_row_gets_the_quizs_recommendation_course_and_scores(runner: CliRunner, pack: Pack, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,Asha,{STUDENT}\n2,Ben,{ENGINEER}\n")
    _, out, _ = batch(runner, str(path))
    rows = rows_of(out)
    assert result_columns(rows[0]) == expected_row(pack, STUDENT_ANSWERS)
    assert rows[1]["role"] == "engineer" and rows[1]["next_course"] == "generative-ai-course"


def test_output_columns_are_carried_columns_then_results(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,Asha,{STUDENT}\n")
    _, out, _ = batch(runner, str(path))
    assert out.splitlines()[0] == (
        "id,name,role,target,confidence,label,next_course,roadmap,score_developer,score_engineer,error"
    )


def test_rows_come_out_in_input_order_with_carried_cells_unchanged(runner: CliRunner, tmp_path: Path) -> None:
    lines = [f"{i},Learner {i},{STUDENT if i % 2 else ENGINEER}" for i in range(1, 8)]
    path = write(tmp_path, "in.csv", "\n".join([HEADER, *lines]) + "\n")
    _, out, _ = batch(runner, str(path))
    assert [(row["id"], row["name"]) for row in rows_of(out)] == [(str(i), f"Learner {i}") for i in range(1, 8)]


def test_answer_to_a_hidden_question_is_ignored(runner: CliRunner, pack: Pack, tmp_path: Path) -> None:
    hidden = STUDENT.replace("student,,", "student,not-a-choice,", 1)
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,Asha,{hidden}\n")
    _, out, _ = batch(runner, str(path))
    assert result_columns(rows_of(out)[0]) == expected_row(pack, STUDENT_ANSWERS)


HIDDEN_ANSWERED = STUDENT.replace("student,,", "student,yes,", 1)
IGNORED_NOTE = "1 row answered questions its other answers do not ask (those answers were ignored)."


@pytest.mark.parametrize(
    ("name", "text", "summary"),
    [
        ("in.csv", f"{HEADER}\n1,A,{HIDDEN_ANSWERED}\n2,B,{STUDENT}\n", f"Scored 2 rows. {IGNORED_NOTE}"),
        ("in.csv", f"{HEADER}\n1,A,{HIDDEN_ANSWERED.replace('prompt_design;rag_apps', 'rag_apps;prompt_design')}\n", f"Scored 1 row. {IGNORED_NOTE}"),
        ("in.csv", f"{HEADER}\n1,A,{HIDDEN_ANSWERED}\n2,B,{HIDDEN_ANSWERED}\n", "Scored 2 rows. 2 rows answered questions their other answers do not ask (those answers were ignored)."),
        ("in.jsonl", f'{{"production_experience": "yes", {STUDENT_JSON[1:]}\n', f"Scored 1 row. {IGNORED_NOTE}"),
        ("in.csv", f"{HEADER}\n1,A,{STUDENT.replace('student,,', 'student, ;,', 1)}\n", "Scored 1 row."),
        ("in.csv", f"{HEADER.replace(',production_experience', '')}\n1,A,{STUDENT.replace('student,,', 'student,', 1)}\n", "Scored 1 row."),
        ("in.csv", f"{HEADER}\n1,A,{HIDDEN_ANSWERED.replace('first_portfolio', 'fame')}\n", "Scored 0 of 1 row; 1 row had errors (row 2; see the error column)."),
    ],
    ids=["csv", "csv-full-path", "two-rows", "jsonl", "blank-cell", "no-column", "row-with-errors"],
)
def test_rows_answering_questions_not_asked_are_counted_in_the_summary(
    runner: CliRunner, tmp_path: Path, name: str, text: str, summary: str
) -> None:
    path = write(tmp_path, name, text)
    _, _, err = batch(runner, str(path))
    assert err == summary + "\n"


def test_multi_choice_cell_in_any_order_and_spacing_scores_the_same(runner: CliRunner, tmp_path: Path) -> None:
    reordered = STUDENT.replace("prompt_design;rag_apps", " rag_apps ; prompt_design ")
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n2,B,{reordered}\n")
    _, out, _ = batch(runner, str(path))
    first, second = rows_of(out)
    assert result_columns(first) == result_columns(second)


def test_success_summary_counts_rows_on_stderr(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n2,B,{ENGINEER}\n")
    code, _, err = batch(runner, str(path))
    assert (code, err) == (0, "Scored 2 rows.\n")


# Bad rows


def test_bad_rows_are_flagged_in_place_and_good_rows_still_scored(runner: CliRunner, tmp_path: Path) -> None:
    bad = STUDENT.replace("first_portfolio", "fame")
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n2,B,{bad}\n3,C,{ENGINEER}\n")
    code, out, err = batch(runner, str(path))
    rows = rows_of(out)
    assert code == 1
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["role"] == "developer" and rows[2]["role"] == "engineer"
    assert rows[1]["role"] == "" and rows[1]["score_developer"] == "" and rows[1]["error"].startswith("row 3: ")
    assert "1 row had errors (row 3;" in err


@pytest.mark.parametrize("cell", ["rag_apps;prompt_design", " rag_apps ;  prompt_design ", "prompt_design;rag_apps;rag_apps", ";prompt_design;;rag_apps;"])
def test_a_multi_choice_cell_is_read_as_a_set(runner: CliRunner, tmp_path: Path, cell: str) -> None:
    canonical = write(tmp_path, "canonical.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    respelled = write(tmp_path, "respelled.csv", f"{HEADER}\n1,A,{STUDENT.replace('prompt_design;rag_apps', cell)}\n")
    assert rows_of(batch(runner, str(respelled))[1]) == rows_of(batch(runner, str(canonical))[1])
    assert rows_of(batch(runner, str(respelled))[1])[0]["error"] == ""


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (STUDENT.replace("first_portfolio", "fame"), "unknown choice 'fame' for 'goal' (choices: first_portfolio, build_products, own_systems, undecided)"),
        (STUDENT.replace("prompt_design;rag_apps", "prompt_design;rag_apps;evaluation;monitoring"), "'interests' takes 1 to 3 choices, got 4"),
        (STUDENT.replace("first_portfolio", "first_portfolio;undecided"), "'goal' takes exactly one choice"),
        (STUDENT.replace(",simple_hosting,", ",,"), "missing answers for: deployment"),
        (STUDENT.replace("student,", "software_developer,"), "missing answers for: production_experience"),
    ],
    ids=["unknown-choice", "too-many-choices", "two-for-single", "missing", "missing-revealed"],
)
def test_error_names_row_question_and_problem(runner: CliRunner, tmp_path: Path, cells: str, message: str) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{cells}\n")
    _, out, _ = batch(runner, str(path))
    error = rows_of(out)[0]["error"]
    assert error.startswith("row 2: ")
    assert message in error


def test_every_problem_in_a_row_is_listed_once_prefixed(runner: CliRunner, tmp_path: Path) -> None:
    cells = STUDENT.replace("first_portfolio", "fame").replace("application_level", "deep").replace(",simple_hosting,", ",,")
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{cells}\n")
    _, out, _ = batch(runner, str(path))
    error = rows_of(out)[0]["error"]
    assert error.count("row 2: ") == 1
    assert "'fame'" in error and "'deep'" in error and "missing answers for: deployment" in error


def test_summary_names_error_count_and_first_rows(runner: CliRunner, tmp_path: Path) -> None:
    bad = STUDENT.replace("first_portfolio", "fame")
    lines = [f"{i},L,{bad if i % 2 else STUDENT}" for i in range(1, 15)]
    path = write(tmp_path, "in.csv", "\n".join([HEADER, *lines]) + "\n")
    _, _, err = batch(runner, str(path))
    assert err.strip() == "Scored 7 of 14 rows; 7 rows had errors (rows 2, 4, 6, 8, 10, ...; see the error column)."


def test_row_with_extra_non_empty_cells_is_flagged(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT},surprise\n2,B,{STUDENT},,\n")
    _, out, _ = batch(runner, str(path))
    first, second = rows_of(out)
    assert "11 cells, but the header has 10 columns" in first["error"]
    assert second["error"] == ""


def test_short_row_is_padded_with_empty_cells(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", "background,goal,id\nstudent,first_portfolio\n")
    _, out, _ = batch(runner, str(path))
    row = rows_of(out)[0]
    assert row["id"] == ""
    assert "missing answers for: work_style" in row["error"]


def test_blank_lines_are_skipped_but_counted_in_row_numbers(runner: CliRunner, tmp_path: Path) -> None:
    bad = STUDENT.replace("first_portfolio", "fame")
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n\n,,,,,,,,,\n2,B,{bad}\n")
    _, out, _ = batch(runner, str(path))
    rows = rows_of(out)
    assert [row["id"] for row in rows] == ["1", "2"]
    assert rows[1]["error"].startswith("row 5: ")


def test_blank_rows_are_not_counted_in_the_summary(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n\n1,A,{STUDENT}\n,,,,,,,,,\n  , ,\n")
    code, out, err = batch(runner, str(path))
    assert (code, len(rows_of(out)), err) == (0, 1, "Scored 1 row.\n")


@pytest.mark.parametrize(
    ("cell", "hinted"),
    [('"prompt_design,rag_apps"', True), ('"prompt_design, rag_apps"', True), ('"fame,rag_apps"', False)],
    ids=["comma", "comma-space", "not-all-choices"],
)
def test_comma_separated_choices_in_a_cell_get_a_separator_hint(
    runner: CliRunner, tmp_path: Path, cell: str, hinted: bool
) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT.replace('prompt_design;rag_apps', cell)}\n")
    _, out, _ = batch(runner, str(path))
    error = rows_of(out)[0]["error"]
    assert "unknown choice" in error
    assert error.endswith("(separate choices with ';' in a CSV cell)") == hinted


# Columns


def test_unknown_column_is_carried_through(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"cohort,{HEADER}\nspring,1,A,{STUDENT}\n")
    _, out, _ = batch(runner, str(path))
    assert rows_of(out)[0]["cohort"] == "spring"


def test_missing_required_column_flags_every_row_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    header = HEADER.replace(",goal", "")
    cells = STUDENT.replace("first_portfolio,", "")
    path = write(tmp_path, "in.csv", f"{header}\n1,A,{cells}\n2,B,{cells}\n")
    code, out, err = batch(runner, str(path))
    assert code == 1
    assert [row["error"] for row in rows_of(out)] == [
        f"row {n}: missing answers for: goal (no 'goal' column)" for n in (2, 3)
    ]
    assert err.rstrip().endswith("The input has no column for goal.")


def test_a_misspelt_question_column_is_named_once_with_the_near_miss(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER.replace(',interests', ',Intrests ')}\n1,A,{STUDENT}\n")
    code, _, err = batch(runner, str(path))
    assert code == 1
    assert err.rstrip().endswith("The input has no column for interests (did you mean 'Intrests'?).")


def test_result_columns_in_the_input_are_replaced_not_repeated(runner: CliRunner, tmp_path: Path) -> None:
    """Reading a batch output again (say, after fixing its bad rows) gives fresh results, once."""
    path = write(tmp_path, "in.csv", f"{HEADER},role,error\n1,A,{STUDENT},engineer,row 2: old problem\n")
    _, out, _ = batch(runner, str(path))
    header, row = out.splitlines()[0], rows_of(out)[0]
    assert header.count("role") == 1 and header.count("error") == 1
    assert (row["role"], row["error"]) == ("developer", "")


@pytest.mark.parametrize(
    ("name", "text", "note"),
    [
        ("in.csv", f"{HEADER},role,error\n1,A,{STUDENT},engineer,old\n2,B,{STUDENT},,\n", "Input columns role, error were"),
        ("in.jsonl", f'{{"role": "x", {STUDENT_JSON[1:]}\n{{"role": "y", {STUDENT_JSON[1:]}\n', "Input column role was"),
    ],
    ids=["csv", "jsonl"],
)
def test_replaced_result_columns_are_named_once_in_the_summary(
    runner: CliRunner, tmp_path: Path, name: str, text: str, note: str
) -> None:
    path = write(tmp_path, name, text)
    _, _, err = batch(runner, str(path))
    assert err == f"Scored 2 rows. {note} replaced by results.\n"


def test_duplicate_question_column_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER},goal\n1,A,{STUDENT},undecided\n")
    code, _, err = batch(runner, str(path))
    assert code == 2
    assert "names the column 'goal' twice" in err


# Encodings and CSV dialect


def test_crlf_line_endings_and_bom_are_read(runner: CliRunner, pack: Pack, tmp_path: Path) -> None:
    text = f"{HEADER}\r\n1,A,{STUDENT}\r\n"
    path = write(tmp_path, "in.csv", b"\xef\xbb\xbf" + text.encode())
    _, out, _ = batch(runner, str(path))
    row = rows_of(out)[0]
    assert row["id"] == "1"
    assert result_columns(row) == expected_row(pack, STUDENT_ANSWERS)


def test_quoted_cells_with_commas_quotes_and_newlines(runner: CliRunner, pack: Pack, tmp_path: Path) -> None:
    quoted = STUDENT.replace("prompt_design;rag_apps", '"prompt_design;rag_apps"')
    path = write(tmp_path, "in.csv", f'"id","name",{",".join(QUESTION_IDS)}\n1,"Doe, ""JD""\nJane",{quoted}\n')
    _, out, _ = batch(runner, str(path))
    row = rows_of(out)[0]
    assert row["name"] == 'Doe, "JD"\nJane'
    assert result_columns(row) == expected_row(pack, STUDENT_ANSWERS)


def test_quoted_header_after_bom_is_read(runner: CliRunner, tmp_path: Path) -> None:
    header = ",".join(f'"{name}"' for name in HEADER.split(","))
    path = write(tmp_path, "in.csv", b"\xef\xbb\xbf" + f"{header}\r\n1,A,{STUDENT}\r\n".encode())
    _, out, _ = batch(runner, str(path))
    assert rows_of(out)[0]["id"] == "1"


def test_unclosed_quote_stops_the_run_naming_the_row_where_it_opens(runner: CliRunner, tmp_path: Path) -> None:
    """Left alone, the quote would read every later row into one cell and the summary would count them as one."""
    path = write(tmp_path, "in.csv", f'{HEADER}\n1,A,{STUDENT}\n2,"unterminated,{STUDENT}\n3,C,{STUDENT}\n')
    code, _, err = batch(runner, str(path))
    assert code == 2
    assert err.startswith(f'roleadvisor: {path}: row 3: a quote (") opened here is never closed')


def test_unclosed_quote_in_a_long_file_is_suggested_where_the_cell_outgrows_the_limit(runner: CliRunner, tmp_path: Path) -> None:
    """In a long file the swallowed rows overflow the csv field size limit before the end of the input."""
    rows = [f"{i},L,{STUDENT}" for i in range(3000)]
    rows[5] = f'5,"unterminated,{STUDENT}'
    path = write(tmp_path, "in.csv", "\n".join([HEADER, *rows]) + "\n")
    code, _, err = batch(runner, str(path))
    assert code == 2
    assert 'row 7: cannot read CSV (field larger than field limit' in err
    assert err.rstrip().endswith('; perhaps a quote (") opened here is never closed')


@pytest.mark.parametrize("end", ["\n", ""], ids=["newline-at-end", "no-newline-at-end"])
def test_quoted_cell_with_a_newline_in_the_last_row_is_read(runner: CliRunner, tmp_path: Path, end: str) -> None:
    path = write(tmp_path, "in.csv", f'{HEADER},note\n1,A,{STUDENT},"line one\nline two"{end}')
    code, out, _ = batch(runner, str(path))
    assert (code, rows_of(out)[0]["note"]) == (0, "line one\nline two")


NOT_UTF8 = "not UTF-8 text (save the file as UTF-8; it may be Latin-1 / Windows-1252)"
LATIN1_ROWS = f"{HEADER}\n1,A,{STUDENT}\n2,".encode() + "José".encode("latin-1") + f",{STUDENT}\n3,C,{STUDENT}\n".encode()


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_row_that_is_not_utf8_is_a_row_error_and_later_rows_are_scored(runner: CliRunner, tmp_path: Path, source: str) -> None:
    path = write(tmp_path, "in.csv", LATIN1_ROWS)
    code, out, _ = batch(runner, str(path)) if source == "file" else batch(runner, "-", stdin=LATIN1_ROWS)
    rows = rows_of(out)
    assert code == 1
    assert [(row["id"], row["role"], row["error"]) for row in rows] == [
        ("1", "developer", ""),
        ("2", "", f"row 3: {NOT_UTF8}"),
        ("3", "developer", ""),
    ]


def test_cells_that_are_not_utf8_are_left_empty_not_guessed(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", LATIN1_ROWS)
    _, out, _ = batch(runner, str(path))
    assert rows_of(out)[1]["name"] == ""
    assert "Jos" not in out


# JSONL


def test_jsonl_input_gives_jsonl_rows_with_typed_results(runner: CliRunner, pack: Pack, tmp_path: Path) -> None:
    record = {"id": 7, "tags": ["a"], **{q: list(c) if q == "interests" else c[0] for q, c in STUDENT_ANSWERS.items()}}
    path = write(tmp_path, "in.jsonl", json.dumps(record) + "\n")
    _, out, _ = batch(runner, str(path))
    (row,) = jsonl_of(out)
    expected = engine.score_answers(pack, STUDENT_ANSWERS, with_what_if=False)
    assert row["id"] == 7 and row["tags"] == ["a"]
    assert row["confidence"] == expected.recommendation.confidence
    assert row["score_developer"] == expected.scores["developer"] and row["error"] is None


def test_jsonl_bad_line_after_the_first_is_one_bad_row(runner: CliRunner, tmp_path: Path) -> None:
    good = json.dumps({q: list(c) for q, c in STUDENT_ANSWERS.items()})
    path = write(tmp_path, "in.jsonl", f'{good}\n{{not json\n\n[1]\n{{"name": "tab\tin text"}}\n{good}\n')
    _, out, _ = batch(runner, str(path))
    rows = jsonl_of(out)
    assert [row["error"] for row in rows][1:4] == [
        "row 2: not valid JSON (Expecting property name enclosed in double quotes at column 2)",
        "row 4: expected a JSON object, got a list",
        "row 5: not valid JSON (Invalid control character at column 14)",
    ]
    assert rows[0]["error"] is None and rows[4]["error"] is None


def test_jsonl_true_false_mean_yes_no(runner: CliRunner, tmp_path: Path) -> None:
    answers = {**{q: list(c) for q, c in STUDENT_ANSWERS.items()}, "background": "software_developer", "production_experience": True}
    path = write(tmp_path, "in.jsonl", json.dumps(answers) + "\n")
    _, out, _ = batch(runner, str(path))
    assert jsonl_of(out)[0]["error"] is None


def test_jsonl_value_that_is_not_a_choice_is_flagged(runner: CliRunner, tmp_path: Path) -> None:
    answers = {**{q: list(c) for q, c in STUDENT_ANSWERS.items()}, "goal": 3}
    path = write(tmp_path, "in.jsonl", json.dumps(answers) + "\n")
    _, out, _ = batch(runner, str(path))
    assert jsonl_of(out)[0]["error"] == "row 1: 'goal': expected a choice id or a list of choice ids"


def test_jsonl_key_written_twice_is_a_row_error_naming_it(runner: CliRunner, tmp_path: Path) -> None:
    twice = STUDENT_JSON.replace('"goal": ', '"goal": "undecided", "goal": ')
    path = write(tmp_path, "in.jsonl", f"{twice}\n{STUDENT_JSON}\n")
    code, out, _ = batch(runner, str(path))
    assert (code, [row["error"] for row in jsonl_of(out)]) == (1, ["row 1: duplicate key 'goal'", None])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "row 1: 'weight': not valid JSON (NaN is not a JSON number)"),
        ("Infinity", "row 1: 'weight': not valid JSON (Infinity is not a JSON number)"),
        ("-Infinity", "row 1: 'weight': not valid JSON (-Infinity is not a JSON number)"),
        ("1e999", "row 1: 'weight': the number 1e999 is out of range"),
        ("1" * 5000, "row 1: 'weight': a number has too many digits"),
    ],
    ids=["nan", "infinity", "minus-infinity", "overflow", "huge-int"],
)
def test_jsonl_number_that_is_not_json_is_a_row_error(
    runner: CliRunner, tmp_path: Path, value: str, message: str
) -> None:
    path = write(tmp_path, "in.jsonl", f'{{"weight": {value}, {STUDENT_JSON[1:]}\n{STUDENT_JSON}\n')
    code, out, _ = batch(runner, str(path))
    rows = [json.loads(line, parse_constant=pytest.fail) for line in out.splitlines()]
    assert (code, [row["error"] for row in rows]) == (1, [message, None])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ('"goal": "undecided", "goal": "fame"', "row 1: duplicate key 'goal'"),
        ('"weight": NaN', "row 1: 'weight': not valid JSON (NaN is not a JSON number)"),
        ('"meta": {"a": 1, "a": 2}', "row 1: duplicate key 'a' (in 'meta')"),
        ('"meta": {"w": [1e999]}', "row 1: 'meta': the number 1e999 is out of range"),
    ],
    ids=["duplicate-answer", "nan", "nested-duplicate", "nested-overflow"],
)
def test_jsonl_row_with_a_refused_value_keeps_its_other_fields(
    runner: CliRunner, tmp_path: Path, fields: str, message: str
) -> None:
    path = write(tmp_path, "in.jsonl", f'{{"id": 7, {fields}, {STUDENT_JSON[1:]}\n')
    _, out, _ = batch(runner, str(path))
    (row,) = jsonl_of(out)
    assert (row["id"], row["error"]) == (7, message)
    assert "weight" not in row and "meta" not in row


def test_jsonl_line_that_is_not_utf8_is_a_row_error_keeping_its_readable_fields(runner: CliRunner, tmp_path: Path) -> None:
    latin1 = f'{{"id": 7, "name": "José", {STUDENT_JSON[1:]}\n'.encode("latin-1")
    path = write(tmp_path, "in.jsonl", STUDENT_JSON.encode() + b"\n" + latin1 + STUDENT_JSON.encode() + b"\n")
    code, out, _ = batch(runner, str(path))
    rows = jsonl_of(out)
    assert code == 1
    assert [row["error"] for row in rows] == [None, f"row 2: {NOT_UTF8}", None]
    assert (rows[1]["id"], "name" in rows[1]) == (7, False)


def test_jsonl_writer_refuses_nan_rather_than_write_invalid_json() -> None:
    sink = JsonlSink(io.StringIO(), None, ("confidence",))
    with pytest.raises(ValueError, match="not JSON compliant"):
        sink.write({}, [float("nan")])


def test_jsonl_to_csv_uses_the_first_rows_fields_as_columns(runner: CliRunner, tmp_path: Path) -> None:
    answers = {q: list(c) for q, c in STUDENT_ANSWERS.items()}
    lines = [json.dumps({"id": 1, **answers}), json.dumps({"id": 2, "extra": "x", **answers})]
    path = write(tmp_path, "in.jsonl", "\n".join(lines) + "\n")
    _, out, err = batch(runner, str(path), "--format", "csv")
    assert [row["id"] for row in rows_of(out)] == ["1", "2"]
    assert "not in the CSV output: 'extra'" in err


def test_csv_to_jsonl_carries_columns_as_text(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    _, out, _ = batch(runner, str(path), "--format", "jsonl")
    row = jsonl_of(out)[0]
    assert (row["id"], row["name"], row["role"]) == ("1", "A", "developer")


# stdin


def test_stdin_csv_is_sniffed(runner: CliRunner, tmp_path: Path) -> None:
    _, out, _ = batch(runner, "-", stdin=f"{HEADER}\n1,A,{STUDENT}\n")
    assert rows_of(out)[0]["role"] == "developer"


def test_stdin_starting_with_a_brace_is_jsonl(runner: CliRunner) -> None:
    answers = {q: list(c) for q, c in STUDENT_ANSWERS.items()}
    _, out, _ = batch(runner, "-", stdin="\n  " + json.dumps(answers) + "\n")
    assert jsonl_of(out)[0]["role"] == "developer"


def test_stdin_with_a_bom_is_read(runner: CliRunner) -> None:
    _, out, _ = batch(runner, "-", stdin=b"\xef\xbb\xbf" + f"{HEADER}\r\n1,A,{STUDENT}\r\n".encode())
    assert rows_of(out)[0]["id"] == "1"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"", "stdin: no header row"),
        (b"\xe9" + HEADER.encode() + b"\n", "stdin: row 1: not UTF-8 text"),  # a Latin-1 letter
    ],
    ids=["empty", "bad-first-byte"],
)
def test_unreadable_stdin_exits_2_naming_the_row(runner: CliRunner, stdin: bytes, message: str) -> None:
    code, _, err = batch(runner, "-", stdin=stdin)
    assert code == 2
    assert message in err


def test_real_process_reads_stdin_and_writes_stdout() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "roleadvisor", "batch", "-"],
        input=f"{HEADER}\r\n1,A,{STUDENT}\r\n2,B,{ENGINEER}\r\n".encode(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert [row["role"] for row in rows_of(completed.stdout.decode())] == ["developer", "engineer"]
    assert (completed.returncode, completed.stderr.decode()) == (0, "Scored 2 rows.\n")


# --output


def test_output_file_is_written_whole_with_no_temp_file_left(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    target = tmp_path / "out" / "results.csv"
    target.parent.mkdir()
    code, out, err = batch(runner, str(path), "--output", str(target))
    assert (code, out) == (0, "")
    assert rows_of(target.read_text())[0]["role"] == "developer"
    assert sorted(p.name for p in target.parent.iterdir()) == ["results.csv"]
    assert f"wrote {target}" in err


def test_output_dash_is_stdout_not_a_file_named_dash(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = batch(runner, str(path), "-o", "-")
    assert (code, rows_of(out)[0]["role"], err) == (0, "developer", "Scored 1 row.\n")
    assert not (tmp_path / "-").exists()


def test_output_file_gets_the_permissions_a_plain_write_would(runner: CliRunner, tmp_path: Path) -> None:
    """Temp files are private (0600); the result must not be, or colleagues could not read it."""
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    plain = write(tmp_path, "plain.txt", "")
    target = tmp_path / "results.csv"
    batch(runner, str(path), "--output", str(target))
    assert target.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


def same_file_as(path: Path, spelling: str) -> Path:
    """`path` itself, or another name for the same file."""
    other = path.with_name("other.csv")
    if spelling == "same":
        return path
    if spelling == "roundabout":
        return path.parent / ".." / path.parent.name / path.name
    if spelling == "hard-link":
        os.link(path, other)
    else:
        other.symlink_to(path)
    return other


@pytest.mark.parametrize("content", [f"{HEADER}\n1,A,{STUDENT}\n", ""], ids=["readable", "unreadable"])
@pytest.mark.parametrize("spelling", ["same", "roundabout", "hard-link", "symlink"])
def test_output_that_is_the_input_is_refused_before_reading(
    runner: CliRunner, tmp_path: Path, content: str, spelling: str
) -> None:
    path = write(tmp_path, "in.csv", content)
    target = same_file_as(path, spelling)
    code, _, err = batch(runner, str(path), "--output", str(target))
    assert (code, err) == (2, f"roleadvisor: {path}: --output is the input file; write the results elsewhere\n")
    assert path.read_text() == content


@pytest.mark.parametrize(
    ("input_name", "output_name", "args", "kind"),
    [
        ("in.csv", "out.jsonl", [], "jsonl"),
        ("in.csv", "out.ndjson", [], "jsonl"),
        ("in.csv", "out.JSON", [], "jsonl"),
        ("in.jsonl", "out.csv", [], "csv"),
        ("in.csv", "out.txt", [], "csv"),
        ("in.jsonl", "out", [], "jsonl"),
        ("in.csv", "out.jsonl", ["--format", "csv"], "csv"),
    ],
    ids=["csv-to-jsonl", "ndjson", "json-upper-case", "jsonl-to-csv", "other-extension", "no-extension", "format-wins"],
)
def test_output_format_follows_the_output_extension_unless_given(
    runner: CliRunner, tmp_path: Path, input_name: str, output_name: str, args: list[str], kind: str
) -> None:
    text = f"{HEADER}\n1,A,{STUDENT}\n" if input_name.endswith(".csv") else STUDENT_JSON + "\n"
    path = write(tmp_path, input_name, text)
    target = tmp_path / output_name
    batch(runner, str(path), "--output", str(target), *args)
    written = target.read_text()
    rows = jsonl_of(written) if kind == "jsonl" else rows_of(written)
    assert rows[0]["role"] == "developer"


@pytest.mark.parametrize("output_name", ["results.xlsx", "results.XLS", "results.ods"])
def test_an_output_named_as_a_workbook_is_refused_before_anything_is_read(runner: CliRunner, tmp_path: Path, output_name: str) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    code, out, err = batch(runner, str(path), "--output", str(tmp_path / output_name))
    assert (code, out) == (2, "")
    assert err.startswith(f"roleadvisor: --output {tmp_path / output_name}: batch writes CSV or JSON Lines, not a workbook")
    assert "name the file .csv" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]


def test_a_header_names_questions_in_any_letter_case(runner: CliRunner, tmp_path: Path) -> None:
    header = HEADER.replace("background", "Background").replace(",goal", ", GOAL ")
    path = write(tmp_path, "in.csv", f"{header}\n1,A,{STUDENT}\n")
    code, out, err = batch(runner, str(path))
    assert (code, err) == (0, "Scored 1 row.\n")
    assert rows_of(out)[0]["role"] == "developer" and "Background" not in out.splitlines()[0]


def test_a_form_export_naming_choices_by_label_or_in_capitals_scores_as_the_ids_do(runner: CliRunner, tmp_path: Path) -> None:
    labelled = "Student or fresher,,A FIRST SERIOUS AI PORTFOLIO,ship_fast,Prompt  design and workflow LOGIC;rag_apps,simple_hosting,application_level,study_assistant"
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{labelled}\n2,B,{STUDENT}\n")
    code, out, _ = batch(runner, str(path))
    first, second = rows_of(out)
    assert code == 0 and first["error"] == "" and {**first, "id": "2", "name": "B"} == second


def test_a_quote_closed_rows_later_stops_the_run_rather_than_hide_the_rows_between(runner: CliRunner, tmp_path: Path) -> None:
    rows = [f"{n},Learner {n},{STUDENT}" for n in range(1, 8)]
    rows[2] = rows[2].replace(",Learner 3,", ',"Learner 3,')
    rows[5] = rows[5].replace(",Learner 6,", ',Learner 6",')
    path = write(tmp_path, "in.csv", HEADER + "\n" + "\n".join(rows) + "\n")
    code, _, err = batch(runner, str(path), "--output", str(tmp_path / "out.csv"))
    assert code == 2 and not (tmp_path / "out.csv").exists()
    assert err == (
        f'roleadvisor: {path}: row 4: a quoted cell holds 2 more line(s) that look like rows; a quote (") opened here '
        'closes too late, so those rows would be lost (close the quote, or write a quote inside a cell as "")\n'
    )


def test_a_quoted_cell_with_line_breaks_is_kept_whole(runner: CliRunner, tmp_path: Path) -> None:
    note = "Met at the fair\nwants evening classes, weekends, or online"
    path = write(tmp_path, "in.csv", f'{HEADER}\n1,"{note}",{STUDENT}\n2,Ben,{STUDENT}\n')
    code, out, _ = batch(runner, str(path))
    assert code == 0
    assert [row["name"] for row in rows_of(out)] == [note, "Ben"]


@pytest.mark.parametrize(
    ("name", "content"),
    [("missing.csv", None), ("in.csv", f'{HEADER}\n1,A,{STUDENT}\n2,"B,{STUDENT}\n'.encode()), ("in.jsonl", b"[1, 2]\n")],
    ids=["missing-file", "unclosed-quote-late", "json-array"],
)
def test_unreadable_input_leaves_no_output_file(runner: CliRunner, tmp_path: Path, name: str, content: bytes | None) -> None:
    if content is not None:
        write(tmp_path, name, content)
    target = tmp_path / "results.csv"
    code, _, _ = batch(runner, str(tmp_path / name), "--output", str(target))
    assert code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if content is not None else [])


def test_output_to_a_missing_folder_is_an_input_file_error(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    code, _, err = batch(runner, str(path), "--output", str(tmp_path / "nowhere" / "out.csv"))
    assert code == 2
    assert err.startswith("roleadvisor: ") and "cannot write" in err


# Exit codes


def test_summary_exit_code_is_0_when_all_rows_scored_and_1_otherwise(pack: Pack, tmp_path: Path) -> None:
    good = write(tmp_path, "good.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    mixed = write(tmp_path, "mixed.csv", f"{HEADER}\n1,A,{STUDENT}\n2,B,{STUDENT.replace('student', 'teacher')}\n")
    assert run_batch(pack, str(good), output=tmp_path / "a.csv").exit_code == 0
    assert run_batch(pack, str(mixed), output=tmp_path / "b.csv").exit_code == 1


@pytest.mark.parametrize(("rows", "code"), [([STUDENT], 0), ([STUDENT, STUDENT.replace("student", "teacher")], 1)], ids=["all-scored", "some-bad"])
def test_command_exits_0_when_all_rows_scored_and_1_otherwise(runner: CliRunner, tmp_path: Path, rows: list[str], code: int) -> None:
    path = write(tmp_path, "in.csv", "\n".join([HEADER, *(f"{i},L,{r}" for i, r in enumerate(rows))]) + "\n")
    result = runner.invoke(app, ["batch", str(path)])
    assert (result.exit_code, len(result.stderr.splitlines())) == (code, 1)


# Unreadable input: exit 2, one line, never a traceback


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "file not found"),
        ("in.csv", b"", "no header row"),
        ("in.csv", b"\n\n", "no header row"),
        ("in.csv", b"a,b\n1,2\n", "the header row names no question"),
        ("in.csv", b"id;background;goal\n1;student;undecided\n", "the file seems semicolon-separated, but batch expects commas"),
        ("in.csv", HEADER.encode() + b",r\xe9gion\n1,A\n", "row 1: not UTF-8 text (save the file as UTF-8"),
        ("in.jsonl", "{}\n".encode("utf-16"), "row 1: UTF-16 text (save the file as UTF-8)"),
        ("in.csv", f'{HEADER}\n1,"A,{STUDENT}\n2,B,{STUDENT}\n'.encode(), 'row 2: a quote (") opened here is never closed'),
        ("in.csv", f'"id,{HEADER}\n1,A,{STUDENT}\n'.encode(), 'row 1: a quote (") opened here is never closed'),
        ("in.txt", f"{HEADER}\n".encode(), "cannot tell the format from the extension '.txt' (expected .csv, .jsonl, .ndjson, .json; or give it on stdin, `roleadvisor batch - < "),
        ("in.xlsx", b"PK\x03\x04\x14\x00", "in.xlsx: a spreadsheet workbook; save it as CSV UTF-8 (File > Save As) and give batch the .csv"),
        ("answers", f"{HEADER}\n".encode(), "cannot tell the format from a name without an extension"),
        ("in.jsonl", b'{"a": \n', "row 1: not valid JSON"),
        ("in.json", b'[{"goal": "undecided"}]\n', "expected a JSON object, got a list"),
    ],
    ids=[
        "missing", "empty", "blank", "no-question-header", "semicolons", "header-not-utf8",
        "jsonl-utf16", "unclosed-quote", "unclosed-quote-in-header",
        "unknown-extension", "workbook", "no-extension", "jsonl-not-json", "json-array",
    ],  # fmt: skip
)
def test_unreadable_input_exits_2_with_one_line(
    runner: CliRunner, tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, _, err = batch(runner, str(path))
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_folder_as_input_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "x.csv"
    folder.mkdir()
    code, _, err = batch(runner, str(folder))
    assert code == 2
    assert "is a folder" in err


# Progress


def test_progress_bar_leaves_results_unchanged(pack: Pack, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [csv_line(STUDENT_ANSWERS, i) for i in range(5000)]
    path = write(tmp_path, "in.csv", "\n".join([HEADER, *lines]) + "\n")
    run_batch(pack, str(path), progress=False)
    plain = capsys.readouterr().out
    summary = run_batch(pack, str(path), progress=True)
    assert capsys.readouterr().out == plain
    assert summary.rows == 5000 and summary.exit_code == 0


def test_progress_bar_shows_on_a_terminal_and_clears_for_the_summary(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    child = pexpect.spawn(
        sys.executable, ["-m", "roleadvisor", "batch", str(path), "--output", str(tmp_path / "out.csv")],
        env={**os.environ, "TERM": "xterm-256color"}, encoding="utf-8", timeout=60, dimensions=(24, 100),
    )  # fmt: skip
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Scoring" in child.before
    assert child.before.rstrip().endswith("Scored 1 row; wrote " + str(tmp_path / "out.csv") + ".")


def test_no_progress_output_when_stderr_is_not_a_terminal(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,A,{STUDENT}\n")
    _, _, err = batch(runner, str(path))
    assert err == "Scored 1 row.\n"


# Same answers as the quiz, for any valid answer set


def valid_answer_sets(pack: Pack) -> st.SearchStrategy[dict[str, tuple[str, ...]]]:
    """Complete answer sets: every question gets a valid answer (hidden ones too, which must be ignored).

    Multi-choice answers come in any order, as people type them.
    """
    per_question = {
        q.id: st.sampled_from(list(engine.answer_options(q))).flatmap(lambda option: st.permutations(option).map(tuple))
        for q in pack.questions
    }
    return st.fixed_dictionaries(per_question)


def scored_rows(pack: Pack, tmp_path: Path, answer_sets: list[dict[str, tuple[str, ...]]], kind: str) -> Iterator[dict[str, str]]:
    if kind == "csv":
        text = "\n".join([HEADER, *(csv_line(a, i) for i, a in enumerate(answer_sets))]) + "\n"
    else:
        text = "".join(json.dumps({q: list(c) for q, c in a.items()}) + "\n" for a in answer_sets)
    path = write(tmp_path, f"in.{kind}", text)
    out = tmp_path / "out.csv"
    run_batch(pack, str(path), output=out, fmt="csv")
    yield from rows_of(out.read_text())


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_batch_equals_engine_on_random_valid_answer_sets(pack: Pack, tmp_path_factory: pytest.TempPathFactory, kind: str) -> None:
    @settings(max_examples=30, deadline=None)
    @given(st.lists(valid_answer_sets(pack), min_size=1, max_size=40))
    def check(answer_sets: list[dict[str, tuple[str, ...]]]) -> None:
        rows = scored_rows(pack, tmp_path_factory.mktemp("batch"), answer_sets, kind)
        assert [result_columns(row) for row in rows] == [expected_row(pack, a) for a in answer_sets]

    check()


def test_batch_equals_engine_on_many_seeded_rows(pack: Pack, tmp_path: Path) -> None:
    rng = random.Random(6)
    options = {q.id: list(engine.answer_options(q)) for q in pack.questions}
    answer_sets = [{q: rng.choice(o) for q, o in options.items()} for _ in range(3000)]
    rows = list(scored_rows(pack, tmp_path, answer_sets, "csv"))
    assert [result_columns(row) for row in rows] == [expected_row(pack, a) for a in answer_sets]
    assert {row["role"] for row in rows} == {"developer", "engineer"}


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_rows_reach_a_redirected_stdout_while_the_bar_draws_on_a_terminal(tmp_path: Path) -> None:
    """`roleadvisor batch in.csv > out.csv` typed at a terminal: stderr is the terminal, stdout the file."""
    from terminal import run_at_a_terminal

    out = tmp_path / "out.csv"
    command = f"{shlex.quote(sys.executable)} -m roleadvisor batch {shlex.quote(str(FIXTURE))} > {shlex.quote(str(out))}"
    status, screen = run_at_a_terminal(command)
    assert status == 0
    assert [row["learner"] for row in rows_of(out.read_text())] == ["Asha", "Ben", "Chen", "Dara"]
    assert "Asha" not in screen  # no result row went to the terminal
