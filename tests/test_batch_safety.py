"""Batch output that is safe where it lands (a spreadsheet, a terminal), and hostile input refused in one line."""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roleadvisor.batch import run_batch
from roleadvisor.batch_output import CsvSink, cell_text, neutralised
from roleadvisor.cli import app
from roleadvisor.errors import InputFileError
from roleadvisor.pack import Pack
from roleadvisor.safe_text import printable

QUESTION_IDS = ("background", "production_experience", "goal", "work_style", "interests", "deployment", "model_depth", "first_project")
HEADER = "id,name," + ",".join(QUESTION_IDS)
STUDENT = "student,,first_portfolio,ship_fast,prompt_design;rag_apps,simple_hosting,application_level,study_assistant"
STUDENT_ANSWERS = dict(zip(QUESTION_IDS, STUDENT.split(","), strict=True))
CLEAR_SCREEN = "\x1b[2J"


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def csv_with_names(tmp_path: Path, *names: str) -> Path:
    """A CSV of one student row per name, every cell quoted (csv leaves a lone CR bare otherwise)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(HEADER.split(","))
    for number, name in enumerate(names, start=1):
        writer.writerow([str(number), name, *STUDENT.split(",")])
    return write(tmp_path, "in.csv", buffer.getvalue())


def batch(runner: CliRunner, *args: str, stdin: str | bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["batch", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


# A spreadsheet opening the CSV


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://x\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_carried_cell_that_would_start_a_formula_is_written_with_a_leading_quote(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    out = tmp_path / "out.csv"
    code, _, _ = batch(runner, str(csv_with_names(tmp_path, name)), "-o", str(out))
    assert code == 0
    assert rows_of(out.read_bytes().decode("utf-8"))[0]["name"] == "'" + name


def test_a_header_cell_that_would_start_a_formula_is_neutralised_too(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"=cmd,{','.join(QUESTION_IDS)}\nx,{STUDENT}\n")
    _, out, _ = batch(runner, str(path))
    assert out.splitlines()[0].startswith("'=cmd,role,")


@pytest.mark.parametrize("raw", [[], ["--raw-cells"]], ids=["neutralised", "raw"])
def test_a_cell_holding_a_lone_cr_is_quoted_so_it_cannot_end_the_row(runner: CliRunner, tmp_path: Path, raw: list[str]) -> None:
    out = tmp_path / "out.csv"
    batch(runner, str(csv_with_names(tmp_path, "Asha\r=HYPERLINK(1)", "Ben")), "-o", str(out), *raw)
    text = out.read_bytes().decode("utf-8")
    assert '"Asha\r=HYPERLINK(1)"' in text and "\r\n" not in text
    assert [row["name"] for row in rows_of(text)] == ["Asha\r=HYPERLINK(1)", "Ben"]


def test_raw_cells_writes_formula_cells_as_they_are(runner: CliRunner, tmp_path: Path) -> None:
    _, out, _ = batch(runner, str(csv_with_names(tmp_path, "=1+1", "Asha")), "--raw-cells")
    assert [row["name"] for row in rows_of(out)] == ["=1+1", "Asha"]


def test_plain_cells_and_numbers_are_not_quoted(runner: CliRunner, tmp_path: Path) -> None:
    _, out, _ = batch(runner, str(csv_with_names(tmp_path, "Asha", "O'Neil")))
    rows = rows_of(out)
    assert [row["name"] for row in rows] == ["Asha", "O'Neil"]
    assert rows[0]["score_developer"].isdigit() and not rows[0]["confidence"].startswith("'")


CELL_TEXT = st.text(alphabet=st.sampled_from(["a", " ", "=", "+", "-", "@", "\t", "\r", "\n", '"', ","]), max_size=6)


@settings(max_examples=300, deadline=None)
@given(carried=st.lists(CELL_TEXT, min_size=1, max_size=3), neutralise=st.booleans())
def test_every_carried_cell_reads_back_as_written_or_neutralised(carried: list[str], neutralise: bool) -> None:
    """Rows are written as they are only when nothing in them needs care; whatever the cells, a spreadsheet reads
    back each one as it was (with a leading ' where it would start a formula), and the row stays one row."""
    stream = io.StringIO(newline="")
    sink = CsvSink(stream, [f"c{i}" for i in range(len(carried))], ("role",), cell_text(neutralise, terminal=False))
    sink.write(tuple(carried), ("developer",))
    header, row = list(csv.reader(io.StringIO(stream.getvalue(), newline="")))
    expected = [neutralised(cell) if neutralise else cell for cell in carried]
    assert row == [*expected, "developer"] and len(header) == len(row)


def test_jsonl_values_carried_into_csv_are_neutralised(runner: CliRunner, tmp_path: Path) -> None:
    line = json.dumps({"name": "=1+1", "tags": ["-x"], **{q: a for q, a in STUDENT_ANSWERS.items() if a}})
    path = write(tmp_path, "in.jsonl", line + "\n")
    _, out, _ = batch(runner, str(path), "-f", "csv")
    row = rows_of(out)[0]
    assert (row["name"], row["tags"]) == ("'=1+1", '["-x"]')


def test_jsonl_output_keeps_formula_text_as_it_is(runner: CliRunner, tmp_path: Path) -> None:
    _, out, _ = batch(runner, str(csv_with_names(tmp_path, "=1+1")), "-f", "jsonl")
    assert json.loads(out)["name"] == "=1+1"


def test_bom_starts_the_csv_with_a_utf8_byte_order_mark(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code, _, _ = batch(runner, str(csv_with_names(tmp_path, "José")), "--bom", "-o", str(out))
    assert code == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,name,")
    assert rows_of(data.decode("utf-8-sig"))[0]["name"] == "José"


def test_without_bom_the_csv_starts_with_its_header(runner: CliRunner, tmp_path: Path) -> None:
    _, out, _ = batch(runner, str(csv_with_names(tmp_path, "José")))
    assert out.startswith("id,name,")


def test_bom_with_jsonl_output_is_refused_in_one_line(runner: CliRunner, tmp_path: Path) -> None:
    code, out, err = batch(runner, str(csv_with_names(tmp_path, "Asha")), "--bom", "-f", "jsonl")
    assert (code, out) == (2, "")
    assert err == "roleadvisor: --bom is for CSV output (a byte order mark is not valid at the start of JSON Lines)\n"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_rows_reach_a_stdout_of_another_encoding_as_utf8(tmp_path: Path, encoding: str) -> None:
    rows = csv_with_names(tmp_path, "José", "Zoë ✓")
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    completed = subprocess.run([sys.executable, "-m", "roleadvisor", "batch", str(rows)], capture_output=True, env=env, timeout=60, check=False)
    assert (completed.returncode, completed.stderr) == (0, b"Scored 2 rows.\n")
    assert [row["name"] for row in rows_of(completed.stdout.decode("utf-8"))] == ["José", "Zoë ✓"]


# A terminal showing the output


class TerminalStdout(io.StringIO):
    def isatty(self) -> bool:
        return True


def on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> TerminalStdout:
    """A stdout that says it is a terminal (set in the test itself: pytest sets its own capture after fixtures)."""
    stdout = TerminalStdout()
    monkeypatch.setattr(sys, "stdout", stdout)
    return stdout


@pytest.mark.parametrize("control", [CLEAR_SCREEN, "\x00", "\x85", "\x9b2J", "\u202e"], ids=["esc", "nul", "nel", "c1-csi", "bidi"])
def test_csv_on_a_terminal_shows_control_characters_escaped(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, control: str
) -> None:
    line = json.dumps({"name": f"A{control}sha", **{q: a for q, a in STUDENT_ANSWERS.items() if a}})
    terminal = on_a_terminal(monkeypatch)
    run_batch(pack, str(write(tmp_path, "in.jsonl", line + "\n")), fmt="csv")
    shown = terminal.getvalue()
    assert control not in shown
    assert printable(f"A{control}sha") in shown


def test_csv_on_a_terminal_shows_a_carried_csv_cell_escaped(pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_a_terminal(monkeypatch)
    run_batch(pack, str(csv_with_names(tmp_path, f"Asha{CLEAR_SCREEN}")))
    shown = terminal.getvalue()
    assert CLEAR_SCREEN not in shown and r"'Asha\x1b[2J'" in shown


def test_jsonl_on_a_terminal_escapes_what_json_leaves_raw(pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = on_a_terminal(monkeypatch)
    run_batch(pack, str(csv_with_names(tmp_path, "A\x85\x9b2Jsha")), fmt="jsonl")
    shown = terminal.getvalue()
    assert "\x85" not in shown and "\x9b" not in shown
    assert json.loads(shown)["name"] == "A\x85\x9b2Jsha"


def test_a_file_keeps_control_characters_as_they_are(pack: Pack, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    run_batch(pack, str(csv_with_names(tmp_path, f"Asha{CLEAR_SCREEN}\x85")), output=out)
    assert rows_of(out.read_text(encoding="utf-8"))[0]["name"] == f"Asha{CLEAR_SCREEN}\x85"


def test_a_jsonl_duplicate_key_is_named_escaped_in_the_error(runner: CliRunner, tmp_path: Path) -> None:
    key = json.dumps(CLEAR_SCREEN)
    path = write(tmp_path, "in.jsonl", f'{{"goal": "undecided", {key}: 1, {key}: 2}}\n')
    _, out, _ = batch(runner, str(path), "-f", "csv")
    error = rows_of(out)[0]["error"]
    assert CLEAR_SCREEN not in error and r"duplicate key '\x1b[2J'" in error


def test_the_written_file_is_named_quoted_in_the_summary(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "two\nlines.csv"
    code, _, err = batch(runner, str(csv_with_names(tmp_path, "Asha")), "-o", str(output))
    assert code == 0
    assert err == f"Scored 1 row; wrote {printable(output)}.\n"


def test_an_input_that_is_the_output_is_named_quoted(runner: CliRunner, tmp_path: Path) -> None:
    path = csv_with_names(tmp_path, "Asha").rename(tmp_path / f"in{CLEAR_SCREEN}.csv")
    code, _, err = batch(runner, str(path), "-o", str(path))
    assert code == 2
    assert err == f"roleadvisor: {printable(path)}: --output is the input file; write the results elsewhere\n"


def test_an_unknown_extension_is_named_quoted(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, f"in.c{CLEAR_SCREEN}", HEADER + "\n")
    _, _, err = batch(runner, str(path))
    assert err == (
        f"roleadvisor: {printable(path)}: cannot tell the format from the extension {printable(path.suffix.lower(), quote=True)} "
        f"(expected .csv, .jsonl, .ndjson, .json; or give it on stdin, `roleadvisor batch - < {printable(path)}`, where a "
        "first '{' means JSON Lines)\n"
    )
    assert CLEAR_SCREEN not in err


# Input that must not be lost or blow up


def test_two_carried_columns_of_one_name_are_kept_apart_in_jsonl(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"name,name,name_2,{','.join(QUESTION_IDS)}\nAsha,Rao,x,{STUDENT}\n")
    code, out, err = batch(runner, str(path), "-f", "jsonl")
    assert code == 0
    assert {key: value for key, value in json.loads(out).items() if key.startswith("name")} == {"name": "Asha", "name_3": "Rao", "name_2": "x"}
    assert "Columns named twice are kept apart in the JSONL output: 'name' as 'name_3'" in err


def test_a_lone_surrogate_in_a_jsonl_row_is_an_error_of_that_row(runner: CliRunner, tmp_path: Path) -> None:
    answers = {q: a for q, a in STUDENT_ANSWERS.items() if a}
    good = json.dumps({"name": "Asha", **answers})
    path = write(tmp_path, "in.jsonl", f'{good}\n{{"name": "bad\\ud83d", "goal": "x\\udc00"}}\n{good}\n')
    code, out, err = batch(runner, str(path))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [row["error"] is None for row in rows] == [True, False, True]
    assert rows[1]["error"].startswith("row 2: 'name': holds half of a character (a lone surrogate")
    assert "'goal': holds half of a character" in rows[1]["error"] and "name" not in rows[1]


@pytest.mark.parametrize("cell", ["x" * 1_000_000, '"' + "x" * 200_000 + '"'], ids=["unquoted", "quoted"])
def test_a_row_with_a_cell_over_the_field_limit_is_one_row_in_error_and_the_run_goes_on(runner: CliRunner, tmp_path: Path, cell: str) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n1,Asha,{STUDENT}\n2,{cell},{STUDENT}\n3,Ben,{STUDENT}\n")
    code, out, err = batch(runner, str(path))
    assert code == 1 and "1 row had errors (row 3;" in err
    rows = rows_of(out)
    assert [(row["id"], row["name"], row["role"]) for row in rows] == [("1", "Asha", "developer"), ("", "", ""), ("3", "Ben", "developer")]
    assert rows[1]["error"] == "row 3: a cell longer than the CSV field limit (131,072 characters); batch reads no longer cells"


def test_a_header_cell_over_the_field_limit_stops_the_run(runner: CliRunner, tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{'x' * 200_000},{HEADER}\n1,A,{STUDENT}\n")
    code, out, err = batch(runner, str(path))
    assert (code, out) == (2, "")
    assert err == f"roleadvisor: {path}: row 1: a cell longer than the CSV field limit (131,072 characters); batch reads no longer cells\n"


MEMORY_PROBE = """
import resource, sys
from pathlib import Path
from roleadvisor.batch import run_batch
from roleadvisor.errors import InputFileError
from roleadvisor.loader import load_pack
try:
    run_batch(load_pack(None), sys.argv[1], output=Path(sys.argv[2]))
except InputFileError as error:
    print(error)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX")
def test_a_50_mb_line_of_commas_is_refused_without_taking_its_weight_in_memory(tmp_path: Path) -> None:
    path = write(tmp_path, "in.csv", f"{HEADER}\n".encode() + b"," * 50_000_000 + b"\n")
    probe = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path), str(tmp_path / "out.csv")], capture_output=True, text=True, timeout=120, check=True)
    message, peak_mib = probe.stdout.splitlines()
    assert message == f"{path}: row 2: more than 16,384 cells (commas) on one line; batch reads no wider rows"
    assert int(peak_mib) < 300  # the line itself, as bytes and as text: not a list of fifty million cells


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
@pytest.mark.parametrize("rows", [3, 20_000], ids=["short", "long"])
def test_a_file_with_lone_cr_line_endings_gets_its_own_hint(runner: CliRunner, tmp_path: Path, kind: str, rows: int) -> None:
    if kind == "csv":
        lines = [HEADER, *(f"{n},A,{STUDENT}" for n in range(rows))]
    else:
        lines = [json.dumps({"name": "A", **{q: a for q, a in STUDENT_ANSWERS.items() if a}})] * rows
    path = write(tmp_path, f"in.{kind}", "\r".join(lines) + "\r")
    code, _, err = batch(runner, str(path))
    assert code == 2
    assert err.endswith(": lines end in a lone CR (an old Mac format); save the file with LF or CRLF line endings\n")
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_a_utf16_file_with_a_bom_gets_its_own_hint(runner: CliRunner, tmp_path: Path, kind: str, encoding: str) -> None:
    text = f"{HEADER}\n1,A,{STUDENT}\n" if kind == "csv" else json.dumps(STUDENT_ANSWERS) + "\n"
    path = write(tmp_path, f"in.{kind}", ("\ufeff" if encoding == "utf-16-be" else "") + text)
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    code, _, err = batch(runner, str(path))
    assert (code, err) == (2, f"roleadvisor: {path}: row 1: UTF-16 text (save the file as UTF-8)\n")


def test_run_batch_refuses_to_write_over_the_file_stdin_reads(tmp_path: Path) -> None:
    rows = csv_with_names(tmp_path, "Asha")
    before = rows.read_bytes()
    script = "from pathlib import Path; from roleadvisor.batch import run_batch; from roleadvisor.loader import load_pack\n"
    script += "run_batch(load_pack(None), '-', output=Path('in.csv'))"
    with rows.open("rb") as stdin:
        completed = subprocess.run([sys.executable, "-c", script], stdin=stdin, capture_output=True, text=True, timeout=60, cwd=tmp_path, check=False)
    assert completed.returncode == 1
    assert f"{InputFileError.__name__}: in.csv: --output is the file stdin reads" in completed.stderr
    assert rows.read_bytes() == before


# Progress on a terminal


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
def test_piped_rows_show_a_spinner_counting_rows_on_the_terminal_and_reach_stdout(tmp_path: Path) -> None:
    """`producer | roleadvisor batch - > out.csv` at a terminal: the input's size is unknown, stderr is the terminal."""
    from terminal import run_at_a_terminal

    rows = csv_with_names(tmp_path, *(f"Learner {n}" for n in range(5000)))
    out = tmp_path / "out.csv"
    command = f"cat {shlex.quote(str(rows))} | {shlex.quote(sys.executable)} -m roleadvisor batch - > {shlex.quote(str(out))}"
    status, screen = run_at_a_terminal(command, timeout=60)
    assert status == 0
    assert "Scoring" in screen and "5,000 rows" in screen
    assert screen.rstrip().endswith("Scored 5,000 rows.")
    assert len(rows_of(out.read_text(encoding="utf-8"))) == 5000
    assert "Learner" not in screen  # no result row went to the terminal


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("after", ["| head -3", ""], ids=["piped-to-head", "rows-on-the-terminal"])
def test_no_live_display_shares_the_screen_with_rows(tmp_path: Path, after: str) -> None:
    """`roleadvisor batch in.csv | head -3` and `roleadvisor batch in.csv` at a terminal: the rows reach the screen
    (through head, or straight), so a progress bar drawn there would be cut into them and left behind."""
    from terminal import run_at_a_terminal

    rows = csv_with_names(tmp_path, *(f"Learner {n}" for n in range(20_000)))
    status, screen = run_at_a_terminal(f"{shlex.quote(sys.executable)} -m roleadvisor batch {shlex.quote(str(rows))} {after}", timeout=120)
    assert status == 0
    assert "Scoring" not in screen
    assert screen.startswith("id,name,role,")
