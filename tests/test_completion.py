"""Shell completion as a shell asks for it: the completion variable set, the words so far in the environment.

Each case runs the real entry point in a fresh interpreter, as bash's completion script does (COMP_WORDS and
COMP_CWORD; bash splits a word at '=', so `-a goal=ow` arrives as `goal`, `=`, `ow`), or as zsh's does.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from roleadvisor.completion import answer_candidates, role_candidates
from roleadvisor.pack import Pack


def complete(words: list[str], shell: str = "bash") -> list[str]:
    """What `roleadvisor` offers for the last of `words` (the word being completed, maybe empty)."""
    env = {**os.environ, "_ROLEADVISOR_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        env.update(COMP_WORDS=" ".join(["roleadvisor", *words]), COMP_CWORD=str(len(words)))
    else:
        env["_TYPER_COMPLETE_ARGS"] = " ".join(["roleadvisor", *words])
    completed = subprocess.run(
        [sys.executable, "-m", "roleadvisor"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.split()


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        (["compare", "e"], ["engineer", "eng"]),
        (["compare", "--section", ""], ["factors", "skills", "tools", "projects", "all"]),
        (["compare", "--format", "m"], ["markdown"]),
        (["batch", "in.csv", "-f", ""], ["csv", "jsonl"]),
        (["check", "--format", ""], ["text", "json"]),
        (["quiz", "-a", "go"], ["goal=first_portfolio", "goal=build_products", "goal=own_systems", "goal=undecided"]),
        (["quiz", "--answer", "goal", "=", "ow"], ["own_systems"]),
        (["quiz", "-a", "goal", "="], ["first_portfolio", "build_products", "own_systems", "undecided"]),
        (["quiz", "-a", "interests", "=", "rag_apps,ev"], ["rag_apps,evaluation"]),
        (["qu"], ["quiz", "questions"]),
    ],
)
def test_bash_completes_commands_roles_answers_sections_and_formats(words: list[str], offered: list[str]) -> None:
    assert complete(words) == offered


def test_a_role_already_given_is_not_offered_again() -> None:
    assert "developer" not in complete(["compare", "developer", ""])
    assert "engineer" in complete(["compare", "developer", ""])


def test_zsh_completes_an_answer_typed_in_one_word_with_its_label() -> None:
    lines = complete(["quiz", "-a", "goal=ow"], shell="zsh")
    assert any("goal=own_systems" in line for line in lines)


def test_answer_candidates_name_questions_until_one_is_chosen(pack: Pack) -> None:
    assert [value for value, _ in answer_candidates(pack, "")][:2] == ["background=", "production_experience="]
    assert answer_candidates(pack, "nope=") == []
    assert ("goal=undecided", "I am torn between app-building and platform-building") in answer_candidates(pack, "goal=u")


def test_role_candidates_include_aliases_with_the_role_title(pack: Pack) -> None:
    assert ("dev", "AI Developer") in role_candidates(pack, "d")


def test_show_completion_prints_the_bash_script_under_bash() -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash here")
    completed = subprocess.run(
        [bash, "-c", f"{sys.executable} -m roleadvisor --show-completion; true"],  # bash stays the parent
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert "complete -o default -F _roleadvisor_completion roleadvisor" in completed.stdout
