"""The README tells the truth: its example output is what the commands print, and CI runs its test command.

Regenerate the examples with `python tests/test_readme.py --update`.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from roleadvisor.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"
GENERATED = re.compile(r"<!-- generated: roleadvisor (?P<command>[^\n]*?) -->\n(?P<output>.*?)<!-- end generated -->", re.DOTALL)
EXAMPLE = re.compile(r"```console\n\$ roleadvisor (?P<command>[^\n]*)\n(?P<output>.*?)```", re.DOTALL)
ENV = {"COLUMNS": "80", "NO_COLOR": "1", "ROLEADVISOR_DATA": None}


def run_example(command: str) -> str:
    """Run a README command from the repository folder, as the README's reader would."""
    here = os.getcwd()
    os.chdir(README.parent)
    try:
        result = CliRunner().invoke(app, shlex.split(command), env=ENV)
    finally:
        os.chdir(here)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def examples() -> list[tuple[str, str]]:
    text = README.read_text()
    return [(m["command"], m["output"]) for pattern in (EXAMPLE, GENERATED) for m in pattern.finditer(text)]


def test_readme_has_examples() -> None:
    assert len(examples()) >= 2


@pytest.mark.parametrize(("command", "output"), examples(), ids=[c.split()[0] for c, _ in examples()])
def test_readme_example_output_is_current(command: str, output: str) -> None:
    assert run_example(command) == output, "README is stale: run `python tests/test_readme.py --update`"


def test_readme_gives_exactly_two_setup_commands() -> None:
    setup = README.read_text().split("## Set up", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", setup, re.DOTALL)
    assert commands == ["pip install . && roleadvisor quiz", "pip install -e '.[test]' && pytest"]


def test_ci_runs_the_readme_test_command() -> None:
    ci = (README.parent / ".ci" / "run").read_text()
    assert "pip install -e '.[test]' && pytest" in ci


def update() -> None:
    os.environ.update({"COLUMNS": "80", "NO_COLOR": "1"})
    os.environ.pop("ROLEADVISOR_DATA", None)
    text = README.read_text()
    text = EXAMPLE.sub(lambda m: f"```console\n$ roleadvisor {m['command']}\n{run_example(m['command'])}```", text)
    text = GENERATED.sub(
        lambda m: f"<!-- generated: roleadvisor {m['command']} -->\n{run_example(m['command'])}<!-- end generated -->", text
    )
    README.write_text(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
    else:
        sys.exit(pytest.main([__file__, "-q"]))
