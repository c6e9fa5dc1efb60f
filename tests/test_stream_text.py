"""Output that any stdout can carry, and colour as rich detects it: the real CLI in a fresh interpreter.

`PYTHONIOENCODING` sets stdout's encoding the way a non-UTF-8 locale or an old console would.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from roleadvisor.stream_text import fit_encoding

FULL = [
    "-a", "background=student", "-a", "goal=undecided", "-a", "work_style=balanced", "-a", "interests=rag_apps",
    "-a", "deployment=shared", "-a", "model_depth=application_level", "-a", "first_project=document_qa",
]  # fmt: skip
ESCAPE = "\x1b["


def roleadvisor(*args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "COLUMNS": "80", "TERM": "xterm", **env}  # CI may have TERM=dumb
    for name in ("NO_COLOR", "FORCE_COLOR", "ROLEADVISOR_DATA"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "roleadvisor", *args], env=environment, capture_output=True, timeout=60, check=False
    )


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["compare"], " ---------"),
        (["quiz", "--no-input", *FULL], "  * +"),
        (["quiz", "--no-input", *FULL, "-f", "markdown"], "1. **Next course: AI Developers Course**: "),
        (["check", "--data", "data"], "  AI Developer  #################"),
    ],
    ids=["compare", "quiz", "markdown", "check"],
)
def test_text_output_falls_back_to_ascii_where_stdout_cannot_encode_it(args: list[str], expected: str, encoding: str) -> None:
    completed = roleadvisor(*args, PYTHONIOENCODING=encoding)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == b""
    assert expected in completed.stdout.decode(encoding)


def test_json_keeps_every_character_as_an_escape_where_stdout_is_ascii(pack_copy: Path) -> None:
    text = "José’s — plan 😀"
    roles = pack_copy / "roles.yaml"
    roles.write_text(roles.read_text().replace("developer: App-first, workflow-first, and portfolio-friendly.", f'developer: "{text}"'))
    completed = roleadvisor("compare", "-f", "json", "--data", str(pack_copy), PYTHONIOENCODING="ascii")
    assert completed.returncode == 0, completed.stderr
    factors = json.loads(completed.stdout.decode("ascii"))["factors"]
    assert text in [factor["values"]["developer"] for factor in factors]


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("╭─ Title ─╮\n│ x │\n├───┤\n╰───╯", "ascii", "+- Title -+\n| x |\n+---+\n+---+"),
        ("█████▏  · • — “José” →", "ascii", "#####   . * - \"Jose\" >"),
        ("█ · é", "latin-1", "# · é"),
        ("plain", "ascii", "plain"),
    ],
)
def test_stand_ins_keep_one_column_per_character(text: str, encoding: str, expected: str) -> None:
    assert fit_encoding(text, encoding) == expected


def test_json_escapes_characters_outside_the_bmp_as_surrogate_pairs() -> None:
    fitted = fit_encoding(json.dumps({"a": "😀—"}, ensure_ascii=False), "ascii", json=True)
    assert fitted == '{"a": "\\ud83d\\ude00\\u2014"}' and json.loads(fitted) == {"a": "😀—"}


# Colour: rich's detection decides, for every command


@pytest.mark.parametrize("args", [["compare"], ["check", "--data", "data"]], ids=["compare", "check"])
def test_force_color_colours_output_that_is_not_a_terminal(args: list[str]) -> None:
    assert ESCAPE in roleadvisor(*args, FORCE_COLOR="1").stdout.decode()


@pytest.mark.parametrize("args", [["compare"], ["check", "--data", "data"]], ids=["compare", "check"])
def test_a_pipe_gets_no_colour(args: list[str]) -> None:
    assert ESCAPE not in roleadvisor(*args).stdout.decode()


def at_a_terminal(*args: str, **env: str) -> str:
    environment = {name: value for name, value in os.environ.items() if name not in ("NO_COLOR", "FORCE_COLOR")}
    environment.update({"COLUMNS": "100", "TERM": "xterm", **env})
    screen = io.StringIO()
    child = pexpect.spawn(sys.executable, ["-m", "roleadvisor", *args], env=environment, encoding="utf-8", timeout=30, dimensions=(40, 100))
    child.logfile_read = screen
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, screen.getvalue()
    return screen.getvalue()


@pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn needs a POSIX pseudo-terminal")
@pytest.mark.parametrize("args", [["roles"], ["check", "--data", "data"]], ids=["roles", "check"])
def test_a_terminal_gets_colour_unless_term_is_dumb_or_no_color_is_set(args: list[str]) -> None:
    assert ESCAPE in at_a_terminal(*args)
    assert ESCAPE not in at_a_terminal(*args, TERM="dumb")
    assert ESCAPE not in at_a_terminal(*args, NO_COLOR="1")
