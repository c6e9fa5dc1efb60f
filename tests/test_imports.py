"""Import hygiene: which modules each command path loads (start-up time is decided by what stays off the path).

Each case runs the real CLI in a fresh interpreter and reads `sys.modules` at the end. Times are measured in
benchmarks/run.py, never here.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from roleadvisor.loader import load_pack
from roleadvisor.pack_cache import CACHE_ENV

RUNNER = """
import json, runpy, sys
report, sys.argv = sys.argv[1], ["roleadvisor", *sys.argv[2:]]
try:
    runpy.run_module("roleadvisor", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
with open(report, "w") as out:
    json.dump({"modules": sorted(sys.modules)}, out)
"""

PROMPTS = {"questionary", "prompt_toolkit"}
RICH = {"rich"}
YAML = {"yaml"}  # the shipped pack is read from the parsed-pack cache while it was made from the same YAML
SCRIPTED_ANSWERS = [
    "--answer", "background=student",
    "--answer", "goal=first_portfolio",
    "--answer", "work_style=ship_fast",
    "--answer", "interests=rag_apps,prompt_design",
    "--answer", "deployment=shared",
    "--answer", "model_depth=application_level",
    "--answer", "first_project=study_assistant",
]  # fmt: skip


@pytest.fixture(autouse=True, scope="module")
def warm_cache() -> None:
    """Runs after the first read the shipped pack from the cache (conftest's private folder, which the runs share)."""
    load_pack(None)


def cli_run(tmp_path: Path, *args: str, stdin: Any = subprocess.DEVNULL) -> tuple[dict[str, Any], str]:
    """A CLI run in a fresh interpreter, as `python -m roleadvisor`: its state at the end, and what it printed."""
    report = tmp_path / "report.json"
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80"}
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(report), *args],
        cwd=tmp_path,
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return json.loads(report.read_text()), completed.stdout


def loaded_by(tmp_path: Path, *args: str) -> tuple[set[str], str]:
    """The modules a CLI run leaves loaded, and what it printed."""
    state, out = cli_run(tmp_path, *args)
    return set(state["modules"]), out


def families(modules: set[str]) -> set[str]:
    return {name.partition(".")[0] for name in modules}


def test_compare_text_loads_neither_pyyaml_nor_the_prompt_libraries(tmp_path: Path) -> None:
    modules, out = loaded_by(tmp_path, "compare", "developer", "engineer")
    assert "AI Engineer" in out
    assert families(modules) & (PROMPTS | YAML) == set()


def test_ordinary_commands_do_not_load_the_completion_code(tmp_path: Path) -> None:
    """Completion (roleadvisor.completion, typer's shell classes) is loaded only when a shell asks for it."""
    modules, out = loaded_by(tmp_path, "compare", "-f", "json")
    assert json.loads(out)["roles"]
    assert "roleadvisor.completion" not in modules


def test_compare_json_loads_no_rich_pyyaml_or_prompts(tmp_path: Path) -> None:
    modules, out = loaded_by(tmp_path, "compare", "--format", "json")
    assert json.loads(out)["roles"]
    assert families(modules) & (PROMPTS | RICH | YAML) == set()


def test_scripted_quiz_as_json_loads_no_rich_pyyaml_or_prompts(tmp_path: Path) -> None:
    modules, out = loaded_by(tmp_path, "quiz", "--no-input", *SCRIPTED_ANSWERS, "--format", "json")
    assert json.loads(out)["recommendation"]["role"] == "developer"
    assert families(modules) & (PROMPTS | RICH | YAML) == set()


def test_a_first_run_parses_the_yaml_and_the_next_one_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "empty cache"))
    first, out = loaded_by(tmp_path, "compare", "--format", "json")
    assert json.loads(out)["roles"]
    assert "yaml" in first
    second, again = loaded_by(tmp_path, "compare", "--format", "json")
    assert (again, families(second) & YAML) == (out, set())


def test_a_yaml_answers_file_loads_pyyaml(tmp_path: Path) -> None:
    """The other side of the hygiene above: PyYAML is loaded when a YAML file is really read."""
    lines = (f"{question}: [{choices}]" for question, _, choices in (a.partition("=") for a in SCRIPTED_ANSWERS[1::2]))
    (tmp_path / "answers.yaml").write_text("\n".join(lines) + "\n")
    modules, out = loaded_by(tmp_path, "quiz", "--no-input", "--answers-file", "answers.yaml", "--format", "json")
    assert json.loads(out)["recommendation"]["role"] == "developer"
    assert "yaml" in modules


def test_scripted_quiz_as_text_does_not_load_the_prompt_libraries(tmp_path: Path) -> None:
    modules, out = loaded_by(tmp_path, "quiz", "--no-input", *SCRIPTED_ANSWERS)
    assert "AI Developer" in out
    assert families(modules) & PROMPTS == set()


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_plain_quiz_loads_no_prompt_libraries_rich_or_pyyaml(tmp_path: Path, fmt: str) -> None:
    """The plain quiz reads lines itself and its report is plain text: questionary, prompt_toolkit and rich stay
    unloaded (and off its first prompt)."""
    (tmp_path / "entries.txt").write_text("1\n" * 7 + "\n")
    with (tmp_path / "entries.txt").open() as entries:
        state, out = cli_run(tmp_path, "quiz", "--plain", "--format", fmt, stdin=entries)
    assert "AI Developer" in out
    assert families(set(state["modules"])) & (PROMPTS | RICH | YAML) == set()


@pytest.mark.parametrize("module", ["roleadvisor.plain_quiz", "roleadvisor.quiz_flow", "roleadvisor.explanations"])
def test_the_plain_quiz_modules_import_no_prompt_library(module: str) -> None:
    code = f"import sys; import {module}; print(' '.join(sorted(sys.modules)))"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert families(set(completed.stdout.split())) & PROMPTS == set()


def test_batch_loads_neither_rich_nor_prompts(tmp_path: Path) -> None:
    answers = "student,first_portfolio,ship_fast,rag_apps,shared,application_level,study_assistant"
    (tmp_path / "in.csv").write_text(
        f"background,goal,work_style,interests,deployment,model_depth,first_project\n{answers}\n"
    )
    modules, _ = loaded_by(tmp_path, "batch", "in.csv", "--output", "out.csv")
    assert "developer" in (tmp_path / "out.csv").read_text()
    assert families(modules) & (PROMPTS | RICH) == set()


def test_help_loads_no_pack_parser_rich_or_prompts(tmp_path: Path) -> None:
    """typer formats help with rich unless rich_markup_mode is None; cli.py turns that off."""
    modules, out = loaded_by(tmp_path, "--help")
    assert "batch" in out
    assert families(modules) & (PROMPTS | RICH | YAML) == set()


def test_usage_error_does_not_load_rich(tmp_path: Path) -> None:
    """typer formats usage errors with rich unless rich_markup_mode is None."""
    modules, _ = loaded_by(tmp_path, "compare", "--format", "xml")
    assert families(modules) & RICH == set()


@pytest.mark.parametrize("module", ["roleadvisor", "roleadvisor.pack", "roleadvisor.engine"])
def test_importing_the_core_loads_no_framework(module: str) -> None:
    code = f"import sys; before = set(sys.modules); import {module}; print(' '.join(sorted(set(sys.modules) - before)))"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert families(set(completed.stdout.split())) & {"typer", "pydantic", "yaml", "rich", "questionary", "prompt_toolkit", "click"} == set()


def test_importing_the_package_loads_only_itself() -> None:
    code = "import sys; before = set(sys.modules); import roleadvisor; print(' '.join(sorted(set(sys.modules) - before)))"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert completed.stdout.split() == ["roleadvisor"]


COLLECTOR_WATCH = """
import gc, json, sys

seen = {}

class WatchTyperImport:
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            seen.setdefault("while typer loads", gc.isenabled())

sys.meta_path.insert(0, WatchTyperImport())
import roleadvisor.render as render  # no typer here

draw_roles = render.render_roles

def watched(*args, **kwargs):
    seen["in the command"] = [gc.isenabled(), gc.get_freeze_count() > 10_000]
    return draw_roles(*args, **kwargs)

render.render_roles = watched
sys.argv = ["roleadvisor", *sys.argv[1:]]
from roleadvisor.__main__ import main
try:
    main()
except SystemExit:
    pass
seen["after main"] = [gc.isenabled(), gc.get_freeze_count()]
print(json.dumps(seen), file=sys.stderr)
"""


def collector_states(tmp_path: Path, *args: str) -> tuple[dict[str, Any], str]:
    completed = subprocess.run(
        [sys.executable, "-c", COLLECTOR_WATCH, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    return json.loads(completed.stderr.strip().splitlines()[-1]), completed.stdout


def test_the_collector_is_off_while_start_up_imports_and_on_with_start_up_frozen_in_the_command(tmp_path: Path) -> None:
    seen, out = collector_states(tmp_path, "roles", "--format", "json")
    assert json.loads(out)["roles"]
    assert seen["while typer loads"] is False
    assert seen["in the command"] == [True, True]


@pytest.mark.parametrize(("args", "frozen"), [(["roles", "--format", "json"], True), (["--help"], False)])
def test_the_callers_collector_setting_is_back_after_main(tmp_path: Path, args: list[str], frozen: bool) -> None:
    """What a command's start-up froze stays frozen (it lives as long as the process)."""
    seen, _ = collector_states(tmp_path, *args)
    assert seen["after main"][0] is True
    assert (seen["after main"][1] > 10_000) is frozen


def imported_modules(source: Path) -> set[str]:
    """The roleadvisor modules a source file imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module == "roleadvisor":
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("roleadvisor."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("roleadvisor.")}
    return names


def test_no_module_imports_one_that_imports_it_back() -> None:
    """No import cycles, counting imports inside functions: each module can be read knowing only those below it."""
    sources = {path.stem: path for path in (Path(__file__).resolve().parents[1] / "src" / "roleadvisor").glob("*.py")}
    graph = {name: imported_modules(path) & (sources.keys() - {name}) for name, path in sources.items()}
    cycles = []
    for start in graph:
        pending, seen = list(graph[start]), set()
        while pending:
            name = pending.pop()
            if name == start:
                cycles.append(start)
                break
            if name not in seen:
                seen.add(name)
                pending.extend(graph[name])
    assert cycles == []
