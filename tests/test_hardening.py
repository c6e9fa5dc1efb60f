"""Bad packs and answer files, across every command: exit 2, one stderr line naming the file (and the
line where YAML gives one), no traceback, nothing executed, nothing written."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from roleadvisor.check import check_pack
from roleadvisor.check_views import render_check
from roleadvisor.cli import app
from roleadvisor.datafile import MAX_DEPTH, MAX_FILE_BYTES
from roleadvisor.errors import PackError
from roleadvisor.loader import PACK_FILES, load_pack
from strategies import hostile_answer_flags, hostile_answers

DATA = Path(__file__).resolve().parents[1] / "data"

ANSWERS = {
    "background": "experienced_engineer", "production_experience": "yes", "goal": "own_systems",
    "work_style": "design_first", "interests": ["evaluation", "monitoring"], "deployment": "full_ownership",
    "model_depth": "serving_and_evaluation", "first_project": "production_rag",
}
ANSWER_FLAGS = [f"--answer={q}={','.join(c) if isinstance(c, list) else c}" for q, c in ANSWERS.items()]

# Every command that reads the pack, with arguments that would otherwise succeed.
PACK_COMMANDS = [
    ["compare"], ["roles"], ["courses"], ["guide"], ["faq"],
    ["quiz", "--no-input", *ANSWER_FLAGS], ["check"], ["check", "--format", "json"],
]


def nested_lists(depth: int) -> str:
    return "roles: " + "[" * depth + "]" * depth + "\n"


def alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 12)]
    return "\n".join(lines) + "\n"


# (what the file holds, a part of the message that proves it was understood)
BROKEN_YAML = [
    pytest.param("roles: !!python/object/apply:os.system ['echo hi']\n", "could not determine a constructor", id="python tag"),
    pytest.param("roles:\n  - id: a\n   title: b\n", ":3:", id="syntax error"),
    pytest.param("", "file is empty", id="empty"),
    pytest.param("# only a comment\n", "file is empty", id="only a comment"),
    pytest.param("- a\n- b\n", "got a list", id="a list at the top"),
    pytest.param("just some text\n", "got text", id="text at the top"),
    pytest.param("# padding\n" * (MAX_FILE_BYTES // 10 + 1), "file is too large", id="over 1 MiB"),
    pytest.param(nested_lists(10_000), "nesting", id="10000 nested lists"),
    pytest.param(nested_lists(MAX_DEPTH + 5), "nesting is too deep", id="nesting past the cap"),
    pytest.param(b"roles:\n  - id: caf\xe9\n", ":2: not UTF-8 text", id="latin-1 bytes"),
    pytest.param("roles: &loop [*loop]\n", "once aliases are expanded", id="alias cycle"),
    pytest.param("roles: []\nfactors: []\nroles: [x]\n", ":3:1: duplicate key 'roles'", id="a key written twice"),
    pytest.param(alias_bomb(), "too many items once aliases are expanded", id="alias bomb"),
    pytest.param("roles: " + "9" * 5000 + "\n", "a number has too many digits", id="an integer of 5000 digits"),
    pytest.param("roles: 2030-13-45\n", "a value that cannot be read (month must be in 1..12)", id="a date that does not exist"),
]


def write(path: Path, content: str | bytes) -> None:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def assert_clean_refusal(exit_code: int, stderr: str, stdout: str, file_name: str, expected: str) -> None:
    assert exit_code == 2, stderr
    assert "Traceback" not in stderr + stdout
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert file_name in lines[0] and expected in lines[0], lines[0]
    assert stdout == ""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# Broken packs


@pytest.mark.parametrize("command", PACK_COMMANDS, ids=lambda c: " ".join(c[:3]))
@pytest.mark.parametrize(("content", "expected"), BROKEN_YAML)
def test_broken_pack_file_is_refused_by_every_command(runner: CliRunner, pack_copy: Path, command: list[str], content: str | bytes, expected: str) -> None:
    write(pack_copy / "roles.yaml", content)
    result = runner.invoke(app, [*command, "--data", str(pack_copy)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, "roles.yaml", expected)


@pytest.mark.parametrize("name", PACK_FILES)
def test_each_pack_file_is_read_with_the_same_care(runner: CliRunner, pack_copy: Path, name: str) -> None:
    write(pack_copy / name, "top: [\n")
    result = runner.invoke(app, ["roles", "--data", str(pack_copy)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, f"{name}:2:", "")


def test_check_against_a_broken_pack_names_that_pack(runner: CliRunner, pack_copy: Path) -> None:
    write(pack_copy / "courses.yaml", b"\xff\xfe")
    result = runner.invoke(app, ["check", "--against", str(pack_copy)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, str(pack_copy / "courses.yaml"), "not UTF-8")


def test_a_missing_pack_file_is_named(runner: CliRunner, pack_copy: Path) -> None:
    (pack_copy / "guide.yaml").unlink()
    result = runner.invoke(app, ["guide", "--data", str(pack_copy)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, "guide.yaml", "file not found")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_pack_file_that_never_ends_is_refused(runner: CliRunner, pack_copy: Path) -> None:
    (pack_copy / "roles.yaml").unlink()
    (pack_copy / "roles.yaml").symlink_to("/dev/zero")
    result = runner.invoke(app, ["roles", "--data", str(pack_copy)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, "roles.yaml", "not a plain file")


def test_a_python_tag_is_never_executed(runner: CliRunner, pack_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    write(pack_copy / "roles.yaml", f"roles: !!python/object/apply:os.system ['touch {marker}']\nfactors: []\n")
    for command in PACK_COMMANDS:
        assert runner.invoke(app, [*command, "--data", str(pack_copy)]).exit_code == 2
    assert not marker.exists()


def test_a_broken_pack_writes_nothing(runner: CliRunner, pack_copy: Path, tmp_path: Path) -> None:
    write(pack_copy / "questions.yaml", "questions: [\n")
    report, saved = tmp_path / "report.txt", tmp_path / "answers.yaml"
    result = runner.invoke(app, ["quiz", "--no-input", *ANSWER_FLAGS, "--output", str(report), "--save-answers", str(saved), "--data", str(pack_copy)])
    assert result.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack"]


@pytest.mark.parametrize("number", [".nan", ".inf", "-.inf", "1" + "0" * 400])
def test_a_number_that_cannot_be_compared_is_refused(runner: CliRunner, pack_copy: Path, number: str) -> None:
    questions = pack_copy / "questions.yaml"
    questions.write_text(questions.read_text().replace("{min: 0.5, label: clear}", f"{{min: {number}, label: clear}}"))
    result = runner.invoke(app, ["roles", "--data", str(pack_copy)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, "questions.yaml: confidence_labels[0].min:", "expected a")


def test_anchors_and_merge_keys_still_work(pack_copy: Path) -> None:
    courses = pack_copy / "courses.yaml"
    text = courses.read_text().replace("courses:\n  - id: ai-developers-course", "courses:\n  - &developers\n    id: ai-developers-course", 1)
    start = text.index("roadmaps:\n")
    end = text.index("\n\n", start)
    merged = "roadmaps:\n  - <<: *developers\n    id: ai-engineer-roadmap\n    title: AI Engineer Roadmap"
    courses.write_text(text[:start] + merged + text[end:])
    pack = load_pack(pack_copy)
    assert pack.roadmaps[0].title == "AI Engineer Roadmap"
    assert pack.roadmaps[0].audience == pack.courses[0].audience


# Broken answer files


BROKEN_JSON = [
    pytest.param('{"goal": "own_systems",}', ":1:", id="json syntax error"),
    pytest.param("[" * 10_000 + "]" * 10_000, "nesting is too deep", id="json 10000 nested lists"),
    pytest.param('["goal"]', "expected a mapping of question id to choice id(s)", id="json list"),
    pytest.param(b'{"goal": "\xff"}', ":1: not UTF-8 text", id="json latin-1 bytes"),
    pytest.param('{"goal": "own_systems", "goal": "undecided"}', "duplicate key 'goal'", id="json key written twice"),
    pytest.param('{"goal": ' + "9" * 5000 + "}", "a number has too many digits", id="json integer of 5000 digits"),
]


@pytest.mark.parametrize(("suffix", "content", "expected"), [pytest.param(".yaml", *p.values, id=p.id) for p in BROKEN_YAML] + [pytest.param(".json", *p.values, id=p.id) for p in BROKEN_JSON])
def test_broken_answers_file_is_refused(runner: CliRunner, tmp_path: Path, suffix: str, content: str | bytes, expected: str) -> None:
    answers = tmp_path / f"answers{suffix}"
    write(answers, content)
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(answers)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, answers.name, "" if expected.startswith("got ") else expected)


def test_an_answers_file_with_a_python_tag_is_not_executed(runner: CliRunner, tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    answers = tmp_path / "answers.yaml"
    write(answers, f"goal: !!python/object/apply:os.system ['touch {marker}']\n")
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(answers)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, "answers.yaml", "could not determine a constructor")
    assert not marker.exists()


def test_a_broken_answers_file_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    write(answers, "goal: [own_systems\n")
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(answers), "-o", str(tmp_path / "out.txt"), "--save-answers", str(tmp_path / "saved.yaml")])
    assert result.exit_code == 2
    assert [p.name for p in tmp_path.iterdir()] == ["answers.yaml"]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_answers_file_that_never_ends_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", "/dev/zero"])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, "/dev/zero", "file is too large")


def test_an_answers_folder_is_named(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["quiz", "--no-input", "--answers-file", str(tmp_path)])
    assert_clean_refusal(result.exit_code, result.stderr, result.stdout, str(tmp_path), "is a folder")


# The real program, in its own process


def run_program(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ROLEADVISOR_DATA", None)
    return subprocess.run([sys.executable, "-m", "roleadvisor", *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.parametrize(("content", "expected"), [BROKEN_YAML[1], BROKEN_YAML[7], BROKEN_YAML[10]])
def test_the_program_refuses_a_broken_pack_without_a_traceback(pack_copy: Path, content: str, expected: str) -> None:
    write(pack_copy / "questions.yaml", content)
    result = run_program("check", "--data", str(pack_copy))
    assert_clean_refusal(result.returncode, result.stderr, result.stdout, "questions.yaml", expected)


def test_the_program_refuses_a_broken_answers_file_without_a_traceback(tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    write(answers, "[" * 10_000 + "]" * 10_000)
    result = run_program("quiz", "--no-input", "--answers-file", str(answers))
    assert_clean_refusal(result.returncode, result.stderr, result.stdout, "answers.json", "nesting is too deep")


# Mutations of the shipped pack: a clean load or a clean refusal, never anything else


SHIPPED = {name: yaml.safe_load((DATA / name).read_text(encoding="utf-8")) for name in PACK_FILES}


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every place in a YAML tree, as keys and indexes from the top (the top itself excluded)."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield (*prefix, key)
        yield from paths(item, (*prefix, key))


def collect_ids(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["id"]} if isinstance(value.get("id"), str) else set()
        return found.union(*(collect_ids(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(collect_ids(item) for item in value))
    return set()


ID_POOL = sorted(set().union(*(collect_ids(data) for data in SHIPPED.values())) | {"x", "Engineer", "yes", "", "two words"})
OTHER_VALUES = st.sampled_from([None, 0, -3, 1.5, 10**12, 10**400, float("nan"), float("inf"), "x", "yes", True, [], {}, ["a"], {"a": 1}, {"question": "goal", "in": ["x"]}])


FITS = {
    "drop": lambda value: True,
    "swap": lambda value: True,
    "rename": lambda value: isinstance(value, str),
    "number": lambda value: isinstance(value, int) and not isinstance(value, bool),
}


@st.composite
def mutated_packs(draw: st.DrawFn) -> dict[str, Any]:
    """The shipped pack with one to three edits: a key dropped, a type swapped, an id renamed, a number changed."""
    files = copy.deepcopy(SHIPPED)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(sorted(FITS)))
        places = [(name, path) for name in PACK_FILES for path in paths(files[name]) if FITS[kind](value_at(files[name], path))]
        if not places:
            continue
        name, path = draw(st.sampled_from(places))
        parent = value_at(files[name], path[:-1])
        if kind == "drop":
            del parent[path[-1]]
        elif kind == "swap":
            # A copy: sampled_from hands out the same list or dict every time, and a later edit could change it.
            parent[path[-1]] = copy.deepcopy(draw(OTHER_VALUES))
        elif kind == "rename":
            parent[path[-1]] = draw(st.sampled_from(ID_POOL))
        else:
            parent[path[-1]] = draw(st.integers(-1000, 1000))
    return files


def value_at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def write_pack(folder: Path, files: dict[str, Any]) -> None:
    for name, data in files.items():
        (folder / name).write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def outcome(action: Callable[[], object]) -> str:
    try:
        action()
    except PackError as error:
        assert str(error).strip() and "\n" not in str(error)
        return "refused"
    return "ok"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files=mutated_packs())
def test_a_mutated_pack_loads_or_is_refused_cleanly(files: dict[str, Any]) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        write_pack(Path(folder), files)
        loaded = outcome(lambda: load_pack(folder))
        checked = outcome(lambda: [render_check(check_pack(Path(folder)), fmt, False) for fmt in ("text", "json")])
        # check lists every problem load_pack refuses, so it refuses only what cannot be read at all
        assert checked == "ok" or loaded == "refused"
        event(f"load: {loaded}, check: {checked}")
        result = runner.invoke(app, ["quiz", "--no-input", "--format", "json", *ANSWER_FLAGS, "--data", folder])
        assert result.exit_code in (0, 2), result.stderr
        assert "Traceback" not in result.stderr
        if result.exit_code == 0:
            assert json.loads(result.stdout)["recommendation"]["role"]
        else:
            assert len(result.stderr.strip().splitlines()) == 1


# Hostile answers files and flags: scored, or refused in one line that no terminal would act on


def write_answers_file(path: Path, answers: dict[str, object]) -> None:
    """JSON with every non-ASCII character escaped (a lone surrogate cannot be UTF-8), or YAML; JSON when YAML
    cannot write a value."""
    if path.suffix == ".yaml":
        try:
            # The C emitter, when there is one: the Python one takes seconds over a value of a megabyte.
            path.write_text(yaml.dump(answers, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=False), encoding="utf-8")
            return
        except (yaml.YAMLError, ValueError):
            path = path.with_suffix(".json")
    path.write_text(json.dumps(answers), encoding="utf-8")


HOSTILE_PACK = load_pack(DATA)


@settings(max_examples=150, deadline=timedelta(seconds=3), suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(answers=hostile_answers(HOSTILE_PACK), flags=hostile_answer_flags(HOSTILE_PACK), suffix=st.sampled_from([".json", ".yaml"]))
def test_hostile_answers_are_scored_or_refused_in_one_printable_line(answers: dict[str, object], flags: list[str], suffix: str) -> None:
    """Each example has a time budget (the deadline): no value, however long or nested, may make a run slow."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"answers{suffix}"
        write_answers_file(path, answers)
        answers_file = path if path.exists() else path.with_suffix(".json")
        result = CliRunner().invoke(app, ["quiz", "--no-input", "--format", "json", "--answers-file", str(answers_file), *(f"--answer={flag}" for flag in flags)])
    event(f"exit {result.exit_code}")
    assert result.exit_code in (0, 2), result.stderr
    assert all(line.isprintable() and len(line) < 2000 for line in result.stderr.splitlines()), result.stderr[:3000]
    if result.exit_code == 0:
        assert json.loads(result.stdout)["recommendation"]["role"]
    else:
        assert len(result.stderr.splitlines()) == 1 and result.stdout == ""
